"""requirements.lock is honest: every package installed in the virtualenv is pinned there at the
version installed (make install uses the lock as constraints), and the audit's rules hold."""

from importlib import metadata
from pathlib import Path

from packaging.utils import canonicalize_name

from tests.security.dependency_audit import audit, fill_from_latest_release, read_ignores

ROOT = Path(__file__).resolve().parents[2]


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not an exact pin"
            pins[canonicalize_name(name)] = version
    return pins


def test_every_installed_package_is_locked_at_its_version():
    pins = locked()
    differ = []
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        if name in {"trustcentre", "pip", "setuptools", "wheel"}:
            continue
        if pins.get(name) != dist.version:
            differ.append(f"{name} {dist.version} installed, {pins.get(name, 'not')} locked")
    assert not differ, "\n".join(differ)


def test_every_ignored_vulnerability_has_a_reason(tmp_path):
    ignore = tmp_path / "ignore"
    ignore.write_text("# comment\nPYSEC-1  not reachable: we never parse X\nGHSA-2\n")
    reasons, unexplained = read_ignores(ignore)
    assert reasons == {"PYSEC-1": "not reachable: we never parse X"}
    assert unexplained == ["GHSA-2"]
    assert read_ignores()[1] == []  # the project's own file


def test_a_vulnerability_fails_the_audit_unless_its_reason_is_written():
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.19", "vulns": [
                {"id": "PYSEC-1", "aliases": ["CVE-1"], "fix_versions": ["5.2.20"]},
                {"id": "GHSA-9", "aliases": [], "fix_versions": []},
            ]},
            {"name": "isal", "version": "1.9.1", "skip_reason": "not found"},
        ]
    }  # fmt: skip
    found, accepted, skipped = audit(report, {"CVE-1": "only the admin's X, which is off"})
    assert found == ["django==5.2.19: GHSA-9 (fixed in -)"]
    assert accepted == [
        "django==5.2.19: PYSEC-1 (fixed in 5.2.20): only the admin's X, which is off"
    ]
    assert skipped == ["isal==1.9.1"]


def test_a_package_at_its_latest_release_is_audited_from_the_project_page():
    # PyPI's per-version pages cannot be read here; the project page's vulnerabilities are those
    # of the latest release, so they apply only to a package locked at that release.
    report = {
        "dependencies": [
            {"name": "nh3", "skip_reason": "404"},
            {"name": "django", "skip_reason": "404"},
            {"name": "segno", "skip_reason": "404"},
        ]
    }
    pages = {
        "nh3": {
            "info": {"version": "0.3.8"},
            "vulnerabilities": [
                {"id": "GHSA-x", "aliases": ["CVE-2"], "fixed_in": ["0.3.9"], "withdrawn": None},
                {"id": "GHSA-old", "aliases": [], "fixed_in": [], "withdrawn": "2026-01-01"},
            ],
        },
        "django": {"info": {"version": "6.1.3"}, "vulnerabilities": []},
    }
    pins = {"nh3": "0.3.8", "django": "5.2.19", "segno": "1.6.6"}
    not_audited = fill_from_latest_release(report, pins, fetch=pages.get)
    assert not_audited == ["django==5.2.19 (latest is 6.1.3)", "segno==1.6.6 (no answer)"]
    found, accepted, skipped = audit(report, {})
    assert found == ["nh3==0.3.8: GHSA-x (fixed in 0.3.9)"]
    assert skipped == ["django", "segno"]
