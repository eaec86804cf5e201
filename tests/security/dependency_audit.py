"""Known vulnerabilities in the locked dependencies (SECURITY.md; .ci/run; `make audit`).

Runs pip-audit over requirements.lock (exact versions, no resolution) against PyPI's vulnerability
data. Fails on any vulnerability not listed in .pip-audit-ignore with a written reason, and on a
listed ID that has no reason. Packages the service could not look up are named: when none could
be looked up at all (no network), that is said plainly, and --require-service makes it a failure.

    .venv/bin/python -m tests.security.dependency_audit [--require-service]
"""

import json
import subprocess
import sys
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
    found, accepted, skipped = audit(report, reasons)
    total = len(report.get("dependencies", []))
    for line in accepted:
        print(f"accepted: {line}")
    if skipped:
        print(f"could not look up {len(skipped)} of {total} packages: {', '.join(skipped)}")
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
