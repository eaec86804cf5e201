"""requirements.lock is honest: every package installed in the virtualenv is pinned there at the
version installed (make install uses the lock as constraints), no locked package is older than
the release that fixed a known advisory, and the audit's rules hold."""

import datetime
from importlib import metadata
from pathlib import Path

from packaging.utils import canonicalize_name

from tests.security.dependency_audit import (
    ADVISORY_FLOORS,
    audit,
    below_advisory_floor,
    fill_from_latest_release,
    read_held_back,
    read_ignores,
)

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
    held_back, not_audited = fill_from_latest_release(report, pins, fetch=pages.get)
    assert held_back == []
    assert not_audited == ["django==5.2.19 (latest is 6.1.3)", "segno==1.6.6 (no answer)"]
    found, accepted, skipped = audit(report, {})
    assert found == ["nh3==0.3.8: GHSA-x (fixed in 0.3.9)"]
    assert skipped == ["django", "segno"]


def test_no_locked_package_is_older_than_the_fix_of_a_known_advisory():
    assert below_advisory_floor(locked()) == []
    # The floors name real packages of the lock, so a typo cannot switch one off.
    assert not {canonicalize_name(name) for name in ADVISORY_FLOORS} - set(locked())


def test_a_package_below_an_advisory_fix_fails_the_audit():
    floors = {"pypdf": ("6.14.2", "GHSA-g867-7843-wf8q")}
    assert below_advisory_floor({"pypdf": "6.1.1"}, floors) == [
        "pypdf==6.1.1 (below 6.14.2: GHSA-g867-7843-wf8q)"
    ]
    assert below_advisory_floor({"pypdf": "6.14.2", "django": "1.0"}, floors) == []


def held_back_file(tmp_path, text):
    path = tmp_path / "ignore"
    path.write_text(text)
    return path


def test_a_held_back_package_needs_a_reason_and_a_day_to_look_again(tmp_path):
    path = held_back_file(
        tmp_path,
        "GHSA-1  not reachable\n"
        "django==5.2.*  Django 6 needs Python 3.12; look again 2027-03-01\n"
        "isal<2  no day given\n"
        "segno<2\n",
    )
    held, incomplete = read_held_back(path)
    assert list(held) == ["django"]
    assert str(held["django"].requirement.specifier) == "==5.2.*"
    assert held["django"].look_again == datetime.date(2027, 3, 1)
    assert incomplete == ["isal<2", "segno<2"]
    # The vulnerability IDs are read as before, the packages apart from them.
    assert read_ignores(path) == ({"GHSA-1": "not reachable"}, [])


def test_the_projects_held_back_packages_are_complete_and_locked():
    held, incomplete = read_held_back()
    assert incomplete == []
    pins = locked()
    for name, entry in held.items():
        assert name in pins, f"{name} is held back in .pip-audit-ignore but not locked"
        assert entry.requirement.specifier.contains(pins[name]), (
            f"{name}=={pins[name]} is outside the range it is held back to"
        )


def test_a_held_back_package_counts_only_at_its_ranges_newest_release_until_its_day(tmp_path):
    # Only the latest release's data can be read: a package that may not move to it is covered
    # by its stated reason, as long as nothing newer came out in its range and the day to look
    # again has not passed.
    held, _ = read_held_back(
        held_back_file(tmp_path, "django==5.2.*  Django 6 needs Python 3.12; look again 2027-03-01")
    )
    releases = {"5.2.18": [{}], "5.2.19": [{}], "6.1.3": [{}], "6.2a1": [{}]}
    page = {"info": {"version": "6.1.3"}, "vulnerabilities": [], "releases": releases}

    def run(version, page, today):
        report = {"dependencies": [{"name": "django", "skip_reason": "404"}]}
        result = fill_from_latest_release(
            report, {"django": version}, fetch={"django": page}.get, held=held, today=today
        )
        return result, audit(report, {})[2]

    before = datetime.date(2027, 2, 28)
    (held_back, not_audited), skipped = run("5.2.19", page, before)
    assert held_back == [
        "django==5.2.19 (latest is 6.1.3): Django 6 needs Python 3.12; look again 2027-03-01"
    ]
    assert not_audited == [] and skipped == []

    (held_back, not_audited), skipped = run("5.2.18", page, before)
    assert not_audited == ["django==5.2.18 (held back to django==5.2.*, whose newest is 5.2.19)"]
    assert held_back == [] and skipped == ["django"]

    yanked = {**releases, "5.2.20": [{"yanked": True}]}
    (held_back, _), _ = run("5.2.19", {**page, "releases": yanked}, before)
    assert len(held_back) == 1

    (held_back, not_audited), skipped = run("5.2.19", page, datetime.date(2027, 3, 2))
    assert not_audited == [
        "django==5.2.19 (held back to django==5.2.*: look again was due 2027-03-01)"
    ]
    assert skipped == ["django"]
