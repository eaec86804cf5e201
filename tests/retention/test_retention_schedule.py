"""The published retention schedule: every period a setting fixes, with the setting's value, on
the page and in the API (they follow the setting), customer data by category, and legal's own
periods, edited on a staff page (audited, published at once, a bad period refused)."""

import re

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from retention import services
from retention.models import RetentionRule
from retention.schedule import SETTING_PERIODS
from trustcentre.audit.models import AuditEvent
from trustcentre.pages.models import PublicContentVersion

# Every setting that decides how long data is kept (found by their names in settings.py); a
# new one must appear on the schedule.
PERIOD_SETTING = re.compile(r"(RETENTION|UNVERIFIED|ARCHIVE)_DAYS$|_GRANT_DAYS$|_NDA_MONTHS$")
EXPECTED = {
    "EXPORT_RETENTION_DAYS",
    "RIGHTS_REQUEST_ARCHIVE_DAYS",
    "RIGHTS_REQUEST_UNVERIFIED_DAYS",
    "SUBSCRIPTION_UNVERIFIED_DAYS",
    "END_OF_CONTRACT_BACKUP_RETENTION_DAYS",
    "TRUST_GRANT_DAYS",
    "TRUST_NDA_MONTHS",
    "SESSION_COOKIE_AGE",
}


def _api(client) -> dict:
    response = client.get("/api/v1/retention-schedule/")
    assert response.status_code == 200
    return response.json()


def test_every_period_setting_is_on_the_schedule_with_its_value(client, db):
    found = {name for name in dir(django_settings) if PERIOD_SETTING.search(name)}
    assert found <= EXPECTED, found - EXPECTED
    entries = _api(client)["entries"]
    by_setting = {}
    for entry in entries:
        by_setting.setdefault(entry["setting"], []).append(entry)
    for name in EXPECTED:
        assert name in by_setting, name
        for entry in by_setting[name]:
            assert entry["setting_value"] == getattr(django_settings, name)
    exports = next(e for e in entries if e["id"] == "export_archives")
    assert exports["period_iso"] == f"P{django_settings.EXPORT_RETENTION_DAYS}D"
    assert exports["job"] == "exports.tasks.delete_expired_exports"
    sessions = next(e for e in entries if e["id"] == "sessions")
    assert sessions["period_iso"] == "PT12H" and sessions["period"] == "12 hours"


def test_the_page_and_the_api_follow_the_settings(client, settings, db):
    settings.EXPORT_RETENTION_DAYS = 11
    settings.RIGHTS_REQUEST_UNVERIFIED_DAYS = 3
    settings.TRUST_NDA_MONTHS = 18
    settings.END_OF_CONTRACT_RETRIEVAL_MAX_DAYS = 75
    entries = {entry["id"]: entry for entry in _api(client)["entries"]}
    assert entries["export_archives"]["period"] == "11 days"
    assert entries["export_archives"]["period_iso"] == "P11D"
    assert entries["unverified_rights_requests"]["period_iso"] == "P3D"
    assert entries["nda_acceptances"]["period"] == "18 months"
    assert "75 days" in entries["customer_data:leads"]["period"]
    page = client.get("/retention/").content.decode()
    row = re.search(r'<tr id="export_archives">(.*?)</tr>', page, re.S).group(1)
    assert "11 days" in row and "The archive is deleted" in row
    row = re.search(r'<tr id="unverified_rights_requests">(.*?)</tr>', page, re.S).group(1)
    assert "3 days" in row


def test_the_jobs_named_are_the_ones_beat_runs(db):
    scheduled = {job["task"] for job in django_settings.CELERY_BEAT_SCHEDULE.values()}
    for spec in SETTING_PERIODS:
        if spec.job:
            assert spec.job in scheduled, spec.job


def test_customer_data_is_listed_by_category(client, db):
    ids = [entry["id"] for entry in _api(client)["entries"]]
    for category in ("leads", "visitor_profiles", "journey_insights", "organisation_profiles"):
        assert f"customer_data:{category}" in ids


def test_legal_edits_a_period_which_is_published_and_audited(staff_client, legal_user, client):
    rule = services.retention_rule_create(
        data="Audit log",
        period="6 years",
        starts="The event is written",
        at_end="Deleted",
        user=legal_user,
    )
    assert rule.period == "P6Y"
    before = PublicContentVersion.objects.get().token
    url = f"/staff/retention/{rule.public_id}/"
    response = staff_client.post(
        url,
        {
            "data": "Audit log",
            "period": "P7Y",
            "starts": "The event is written",
            "at_end": "Deleted after the chain is anchored",
            "order": 5,
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.period == "P7Y" and rule.updated_by == legal_user
    assert PublicContentVersion.objects.get().token != before
    event = AuditEvent.objects.get(action="retention.rule_changed")
    assert event.details["period"] == ["P6Y", "P7Y"]
    entries = {entry["id"]: entry for entry in _api(client)["entries"]}
    assert entries["audit_log"]["period"] == "7 years"
    assert entries["audit_log"]["source"] == "legal"
    assert "Deleted after the chain is anchored" in client.get("/retention/").content.decode()


@pytest.mark.parametrize("bad", ["forever", "P", "6 eons", "P0D", "-3 days", ""])
def test_a_period_that_is_not_a_duration_is_refused_and_nothing_changes(
    staff_client, legal_user, bad
):
    rule = services.retention_rule_create(
        data="Audit log", period="P6Y", starts="Written", at_end="Deleted", user=legal_user
    )
    audited = AuditEvent.objects.count()
    response = staff_client.post(
        f"/staff/retention/{rule.public_id}/",
        {"data": "Audit log", "period": bad, "starts": "Written", "at_end": "Deleted", "order": 0},
    )
    assert response.status_code == 400
    assert "is not a period: write a duration such as P6Y" in response.content.decode()
    rule.refresh_from_db()
    assert rule.period == "P6Y"
    assert AuditEvent.objects.count() == audited
    response = staff_client.post(
        "/staff/retention/",
        {"data": "Backups", "period": bad, "starts": "x", "at_end": "y", "order": 1},
    )
    assert response.status_code == 400
    assert RetentionRule.objects.count() == 1


def test_the_staff_page_is_legal_only(client, dpo_user):
    from tests.conftest import login_with_second_factor

    login_with_second_factor(client, dpo_user)
    assert client.get("/staff/retention/").status_code == 403


def test_the_demo_seeds_the_maintained_periods(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    keys = set(RetentionRule.objects.values_list("key", flat=True))
    assert {"rights_request_records", "audit_log", "outbox_emails", "nda_evidence"} <= keys


def test_linked_from_the_trust_centre_and_the_register(client, db):
    assert 'href="/retention/"' in client.get("/").content.decode()
    assert 'href="/retention/"' in client.get("/data-act/").content.decode()
