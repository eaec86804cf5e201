"""Known vulnerabilities in the locked dependencies (SECURITY.md; .ci/run; `make audit`).

Runs pip-audit over requirements.lock (exact versions, no resolution) against PyPI's vulnerability
data. Where PyPI's per-version data cannot be read (some networks pass only the project pages), a
package locked at its latest release is still audited from the project page, whose
`vulnerabilities` are those of the latest release; an older pin is then named as not audited.
Fails on any vulnerability not listed in .pip-audit-ignore with a written reason, and on a
listed ID that has no reason. Packages the service could not look up are named: when none could
be looked up at all (no network), that is said plainly, and --require-service makes it a failure.

    .venv/bin/python -m tests.security.dependency_audit [--require-service]
"""

import json
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
IGNORE = ROOT / ".pip-audit-ignore"


def read_ignores(path: Path = IGNORE) -> tuple[dict[str, str], list[str]]:
    """{id: reason} and the IDs listed without a reason."""
    reasons, unexplained = {}, []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
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
        if "skip_reason" in dependency:
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


def fill_from_latest_release(
    report: dict, pins: dict[str, str], fetch=_latest_release_data
) -> list[str]:
    """For each dependency pip-audit skipped, use the project page when the locked version is
    the latest release: its vulnerabilities (PyPI's, in pip-audit's own shape) then apply. Returns
    the packages still not audited, each with why."""
    skipped = [d for d in report.get("dependencies", []) if "skip_reason" in d]
    with ThreadPoolExecutor(max_workers=8) as pool:
        pages = list(pool.map(lambda d: fetch(d["name"]), skipped))
    not_audited = []
    for dependency, page in zip(skipped, pages, strict=True):
        name = dependency["name"]
        version = dependency.get("version") or pins.get(canonical(name), "")
        if page is None:
            not_audited.append(f"{name}=={version} (no answer)")
            continue
        latest = page.get("info", {}).get("version")
        if latest != version:
            not_audited.append(f"{name}=={version} (latest is {latest})")
            continue
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
    return not_audited


def main(argv: list[str]) -> int:
    reasons, unexplained = read_ignores()
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
    not_audited = fill_from_latest_release(report, locked_versions())
    found, accepted, skipped = audit(report, reasons)
    total = len(report.get("dependencies", []))
    for line in accepted:
        print(f"accepted: {line}")
    if skipped:
        print(f"not audited, {len(skipped)} of {total} packages: {', '.join(not_audited)}")
    if unexplained:
        print(f"{IGNORE.name} lists IDs without a reason: {', '.join(unexplained)}")
    for line in found:
        print(f"VULNERABLE: {line}")
    looked_up = total - len(skipped)
    print(f"dependency audit: {looked_up} of {total} packages looked up, {len(found)} known "
          f"vulnerabilities without a reason, {len(accepted)} accepted")  # fmt: skip
    if found or unexplained:
        return 1
    if looked_up == 0:
        print("dependency audit: the vulnerability service answered for no package "
              "(no network?): NOTHING WAS AUDITED")  # fmt: skip
        return 1 if "--require-service" in argv else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
