"""Known vulnerabilities in the locked dependencies (SECURITY.md; .ci/run; `make audit`).

Runs pip-audit over requirements.lock (exact versions, no resolution) against PyPI's vulnerability
data. Where PyPI's per-version data cannot be read (some networks pass only the project pages), a
package locked at its latest release is still audited from the project page, whose
`vulnerabilities` are those of the latest release; an older pin is then named as not audited.

A package that cannot be at its latest release (a newer one needs a newer Python, or another
package caps it) is named in .pip-audit-ignore with the range that holds it back, the reason and
a day to look again. It counts as covered only while the lock has the newest release in that
range and the day has not passed. Whatever the network answers, no locked package may be below
the release that fixed an advisory known here (ADVISORY_FLOORS).

Fails on any vulnerability not listed in .pip-audit-ignore with a written reason, on a listed ID
or held-back package without a reason (or, for a package, without a day to look again), and on a
package below its advisory floor. Packages neither looked up nor held back for a reason are
named; --require-complete (`make upgrade`) makes them a failure. When no package could be looked
up at all (no network), that is said plainly, and --require-service makes it a failure.

    .venv/bin/python -m tests.security.dependency_audit [--require-service] [--require-complete]
"""

import datetime
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
IGNORE = ROOT / ".pip-audit-ignore"


# Releases that fixed an advisory, per package: a lock naming an older release fails the audit
# and tests/security/test_dependency_lock.py, even where no vulnerability data can be read (a
# package held back from its latest release, or no network). Add the advisory whenever one of the
# portal's dependencies publishes a fix.
ADVISORY_FLOORS: dict[str, tuple[str, str]] = {
    "django": ("5.2.9", "CVE-2025-64459 (SQL injection via _connector), CVE-2025-13372"),
    "django-allauth": ("65.13.0", "CVE-2025-65430 (IdP tokens of deactivated users), "
                       "CVE-2025-65431 (mutable provider identifiers)"),
    "djangorestframework": ("3.15.2", "CVE-2024-21520 (XSS in the browsable API)"),
    "pypdf": ("6.14.2", "CVE-2025-62707, CVE-2025-62708, CVE-2025-66019, GHSA-g867-7843-wf8q "
              "(loops and memory exhaustion on crafted PDFs, which uploads are)"),
    "gunicorn": ("23.0.0", "CVE-2024-1135, CVE-2024-6827 (request smuggling)"),
    "cryptography": ("44.0.1", "CVE-2024-12797 (bundled OpenSSL)"),
    "requests": ("2.32.4", "CVE-2024-47081 (.netrc credentials leak)"),
    "urllib3": ("2.5.0", "CVE-2025-50181 (redirects not disabled by PoolManager)"),
    "idna": ("3.7", "CVE-2024-3651 (quadratic encode)"),
    "certifi": ("2024.7.4", "CVE-2024-39689 (GLOBALTRUST roots)"),
    "sqlparse": ("0.5.0", "CVE-2024-4340 (recursion on nested lists)"),
    "pyjwt": ("2.10.1", "CVE-2024-53861 (issuer check)"),
    "werkzeug": ("3.0.6", "CVE-2024-49766, CVE-2024-49767"),
    "pillow": ("10.3.0", "CVE-2024-28219 (buffer overflow)"),
    "redis": ("4.5.4", "CVE-2023-28859 (cancelled commands leak replies)"),
    "aiosmtpd": ("1.4.6", "CVE-2024-27305, CVE-2024-34083 (SMTP smuggling, STARTTLS injection)"),
    "celery": ("5.2.2", "CVE-2021-23727 (stored command injection)"),
    "oauthlib": ("3.2.1", "CVE-2022-36087 (redirect URI denial of service)"),
    "pygments": ("2.15.0", "CVE-2022-40896 (ReDoS)"),
    "pyyaml": ("5.4", "CVE-2020-14343 (full_load code execution)"),
}  # fmt: skip


def below_advisory_floor(
    pins: dict[str, str], floors: dict[str, tuple[str, str]] = ADVISORY_FLOORS
) -> list[str]:
    """The locked packages older than the release that fixed a known advisory."""
    below = []
    for name, (floor, advisories) in floors.items():
        version = pins.get(canonical(name))
        if version is not None and Version(version) < Version(floor):
            below.append(f"{name}=={version} (below {floor}: {advisories})")
    return below


@dataclass(frozen=True)
class HeldBack:
    requirement: Requirement
    reason: str
    look_again: datetime.date | None


def _held_back_entry(line: str) -> HeldBack | None:
    """A .pip-audit-ignore line naming a package and a version range (`django==5.2.*  why`),
    or None for a vulnerability ID."""
    spec, _, reason = line.partition(" ")
    if not re.search(r"[=<>!~]", spec):
        return None
    try:
        requirement = Requirement(spec)
    except InvalidRequirement:
        return None
    day = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", reason)
    try:
        look_again = datetime.date.fromisoformat(day.group(1)) if day else None
    except ValueError:
        look_again = None
    return HeldBack(requirement, reason.strip(), look_again)


def read_held_back(path: Path = IGNORE) -> tuple[dict[str, HeldBack], list[str]]:
    """{canonical name: HeldBack} and the lines that lack a reason or a day to look again."""
    held, incomplete = {}, []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        entry = _held_back_entry(line)
        if entry is None:
            continue
        if not entry.reason or entry.look_again is None:
            incomplete.append(line.split(" ")[0])
        else:
            held[canonical(entry.requirement.name)] = entry
    return held, incomplete


def read_ignores(path: Path = IGNORE) -> tuple[dict[str, str], list[str]]:
    """{id: reason} and the IDs listed without a reason."""
    reasons, unexplained = {}, []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or _held_back_entry(line):
            continue
        vuln_id, _, reason = line.partition(" ")
        if reason.strip():
            reasons[vuln_id] = reason.strip()
        else:
            unexplained.append(vuln_id)
    return reasons, unexplained


def audit(report: dict, reasons: dict) -> tuple[list[str], list[str], list[str]]:
    """(unexplained vulnerabilities, accepted ones, packages not looked up) of a pip-audit
    JSON report."""
    found, accepted, skipped = [], [], []
    for dependency in report.get("dependencies", []):
        name = dependency["name"] + (
            f"=={dependency['version']}" if "version" in dependency else ""
        )
        if "skip_reason" in dependency and "held_back" not in dependency:
            skipped.append(name)
        for vuln in dependency.get("vulns", []):
            ids = [vuln["id"], *vuln.get("aliases", [])]
            known = next((i for i in ids if i in reasons), None)
            line = (
                f"{name}: {vuln['id']} (fixed in {', '.join(vuln.get('fix_versions', [])) or '-'})"
            )
            if known:
                accepted.append(f"{line}: {reasons[known]}")
            else:
                found.append(line)
    return found, accepted, skipped


PROJECT_URL = "https://pypi.org/pypi/{name}/json"


def _latest_release_data(name: str) -> dict | None:
    try:
        # A fixed https address: the scheme cannot be anything else.
        url = PROJECT_URL.format(name=name)
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310
            return json.load(response)
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None


def locked_versions(path: Path = LOCK) -> dict[str, str]:
    """{canonical name: version} of requirements.lock."""
    pins = {}
    for line in path.read_text().splitlines():
        name, _, version = line.split("#")[0].strip().partition("==")
        if version:
            pins[canonical(name)] = version.strip()
    return pins


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def newest_release(page: dict, requirement: Requirement) -> str | None:
    """The newest final release on the project page that the requirement's range allows (one
    with any file not yanked)."""
    versions = []
    for text, files in (page.get("releases") or {}).items():
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        if version.is_prerelease or not any(not f.get("yanked") for f in files or []):
            continue
        if requirement.specifier.contains(version):
            versions.append(version)
    return str(max(versions)) if versions else None


def fill_from_latest_release(
    report: dict,
    pins: dict[str, str],
    fetch=_latest_release_data,
    held: dict[str, HeldBack] | None = None,
    today: datetime.date | None = None,
) -> tuple[list[str], list[str]]:
    """For each dependency pip-audit skipped, use the project page when the locked version is
    the latest release: its vulnerabilities (PyPI's, in pip-audit's own shape) then apply. A
    package behind its latest release is covered by its .pip-audit-ignore entry while it is the
    newest release in that entry's range and the day to look again has not passed. Returns
    (the packages held back, each with why; the packages not audited, each with why)."""
    held = held or {}
    today = today or datetime.date.today()
    skipped = [d for d in report.get("dependencies", []) if "skip_reason" in d]
    with ThreadPoolExecutor(max_workers=8) as pool:
        pages = list(pool.map(lambda d: fetch(d["name"]), skipped))
    held_back, not_audited = [], []
    for dependency, page in zip(skipped, pages, strict=True):
        name = dependency["name"]
        version = dependency.get("version") or pins.get(canonical(name), "")
        if page is None:
            not_audited.append(f"{name}=={version} (no answer)")
            continue
        latest = page.get("info", {}).get("version")
        if latest == version:
            del dependency["skip_reason"]
            dependency["version"] = version
            dependency["vulns"] = [
                {
                    "id": vuln.get("id", "?"),
                    "aliases": vuln.get("aliases") or [],
                    "fix_versions": vuln.get("fixed_in") or [],
                }
                for vuln in page.get("vulnerabilities") or []
                if not vuln.get("withdrawn")
            ]
            continue
        entry = held.get(canonical(name))
        if entry is None:
            not_audited.append(f"{name}=={version} (latest is {latest})")
            continue
        spec = str(entry.requirement)
        newest = newest_release(page, entry.requirement)
        if newest != version:
            not_audited.append(f"{name}=={version} (held back to {spec}, whose newest is {newest})")
        elif entry.look_again < today:
            not_audited.append(
                f"{name}=={version} (held back to {spec}: look again was due "
                f"{entry.look_again.isoformat()})"
            )
        else:
            dependency["held_back"] = entry.reason
            held_back.append(f"{name}=={version} (latest is {latest}): {entry.reason}")
    return held_back, not_audited


def main(argv: list[str]) -> int:
    reasons, unexplained = read_ignores()
    held, incomplete = read_held_back()
    pins = locked_versions()
    command = [
        sys.executable, "-m", "pip_audit", "--requirement", str(LOCK), "--no-deps",
        "--disable-pip", "--format", "json", "--progress-spinner", "off",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=900)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stdout, result.stderr, sep="\n", file=sys.stderr)
        print("dependency audit: pip-audit gave no report", file=sys.stderr)
        return 2
    held_back, not_audited = fill_from_latest_release(report, pins, held=held)
    found, accepted, skipped = audit(report, reasons)
    below = below_advisory_floor(pins)
    total = len(report.get("dependencies", []))
    for line in accepted:
        print(f"accepted: {line}")
    for line in held_back:
        print(f"held back: {line}")
    if skipped:
        print(f"NOT AUDITED, {len(skipped)} of {total} packages: {', '.join(not_audited)}")
    if unexplained:
        print(f"{IGNORE.name} lists IDs without a reason: {', '.join(unexplained)}")
    if incomplete:
        print(f"{IGNORE.name} holds back packages without a reason and a day to look again: "
              f"{', '.join(incomplete)}")  # fmt: skip
    for line in below:
        print(f"BELOW AN ADVISORY'S FIX: {line}")
    for line in found:
        print(f"VULNERABLE: {line}")
    looked_up = total - len(skipped) - len(held_back)
    print(f"dependency audit: {looked_up} of {total} packages looked up, {len(held_back)} held "
          f"back for a stated reason, {len(skipped)} not audited; {len(found)} known "
          f"vulnerabilities without a reason, {len(accepted)} accepted")  # fmt: skip
    if found or unexplained or incomplete or below:
        return 1
    if looked_up == 0:
        print("dependency audit: the vulnerability service answered for no package "
              "(no network?): NOTHING WAS AUDITED")  # fmt: skip
        return 1 if "--require-service" in argv else 0
    if skipped and "--require-complete" in argv:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
