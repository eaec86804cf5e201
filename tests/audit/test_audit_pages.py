"""The staff audit log pages: who may see them, filters, pagination, one event."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.audit.conftest import append_events, event_at
from tests.conftest import login_with_second_factor, make_user
from trustcentre.audit.models import AuditEvent
from trustcentre.audit.services import audit_record

pytestmark = pytest.mark.django_db

LIST = "/staff/audit/"


def listed_seqs(response) -> list[int]:
    return [event.seq for event in response.context["page_obj"]]


def test_anonymous_visitor_is_sent_to_sign_in(client):
    event = audit_record(action="test.event")
    for path in (LIST, f"/staff/audit/events/{event.public_id}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_customer_and_staff_without_an_audit_role_get_403(client, member_a):
    event = audit_record(action="test.event")
    plain_staff = make_user("ops@provider.test", is_staff=True)
    for user in (member_a, plain_staff):
        login_with_second_factor(client, user)
        assert client.get(LIST).status_code == 403
        assert client.get(f"/staff/audit/events/{event.public_id}/").status_code == 403


@pytest.mark.parametrize("fixture", ["legal_user", "dpo_user", "trust_admin_user"])
def test_each_staff_role_reads_the_log(client, request, fixture):
    login_with_second_factor(client, request.getfixturevalue(fixture))
    audit_record(action="test.event")
    response = client.get(LIST)
    assert response.status_code == 200
    assert "test.event" in response.content.decode()


def test_superuser_reads_the_log(client):
    login_with_second_factor(
        client, make_user("root@provider.test", is_superuser=True, is_staff=True)
    )
    assert client.get(LIST).status_code == 200


def test_newest_first_with_fifty_per_page(staff_client):
    append_events(120)
    # Signing in as staff may itself write events; count what is there.
    total = AuditEvent.objects.count()

    first = staff_client.get(LIST)
    assert listed_seqs(first) == list(range(total, total - 50, -1))
    last = staff_client.get(LIST, {"page": 3})
    assert listed_seqs(last) == list(range(total - 100, 0, -1))
    assert 'rel="next"' in first.content.decode()


def test_filters_by_action_prefix_actor_organisation_and_object(
    staff_client, org_a, org_b, member_a
):
    mine = audit_record(
        action="document.downloaded", actor=member_a, organisation=org_a, object_id="doc-1"
    )
    audit_record(action="document.viewed", organisation=org_b, object_id="doc-2")
    audit_record(action="mfa.verified", actor=member_a)

    def seqs(**params):
        response = staff_client.get(LIST, params)
        assert response.status_code == 200
        return set(listed_seqs(response))

    documents = seqs(action="document.")
    assert mine.seq in documents and len(documents) == 2
    assert {e.seq for e in AuditEvent.objects.filter(actor=member_a)} == seqs(
        actor="MEMBER@acme.test"
    )
    assert seqs(actor="system") >= {AuditEvent.objects.get(action="document.viewed").seq}
    assert seqs(organisation="acme") == {mine.seq}
    assert seqs(object_id="doc-1") == {mine.seq}
    assert seqs(action="document.", organisation="globex", object_id="doc-1") == set()


def test_date_filters_are_whole_days_in_the_viewers_zone(client, legal_user):
    legal_user.time_zone = "Europe/Berlin"
    legal_user.save(update_fields=["time_zone"])
    login_with_second_factor(client, legal_user)
    # 23:30 UTC on 1 March is already 2 March in Berlin.
    late = event_at(datetime(2025, 3, 1, 23, 30, tzinfo=UTC), action="test.late")
    early = event_at(datetime(2025, 3, 1, 12, 0, tzinfo=UTC), action="test.early")

    def seqs(**params):
        return set(listed_seqs(client.get(LIST, params)))

    assert seqs(date_from="2025-03-02", date_to="2025-03-02") == {late.seq}
    assert seqs(date_from="2025-03-01", date_to="2025-03-01") == {early.seq}
    assert seqs(date_to="2025-02-28") == set()


def test_end_before_start_is_an_error_and_shows_nothing(staff_client):
    audit_record(action="test.event")
    response = staff_client.get(LIST, {"date_from": "2025-03-02", "date_to": "2025-03-01"})
    assert response.status_code == 200
    assert listed_seqs(response) == []
    assert "The end date cannot be before the start date." in response.content.decode()


def test_times_are_shown_in_the_viewers_zone(client, legal_user):
    legal_user.time_zone = "America/New_York"
    legal_user.save(update_fields=["time_zone"])
    login_with_second_factor(client, legal_user)
    event_at(datetime(2025, 1, 15, 12, 0, tzinfo=UTC), action="test.noon")

    page = client.get(LIST, {"action": "test.noon"}).content.decode()
    assert "15 Jan 2025, 07:00:00 EST" in page
    assert "America/New_York" in page


def test_event_page_shows_details_and_hashes(staff_client, org_a):
    previous = audit_record(action="test.before")
    event = audit_record(
        action="grant.approved",
        organisation=org_a,
        object_id="g-1",
        details={"grant": "g-1", "days": 30},
    )

    response = staff_client.get(f"/staff/audit/events/{event.public_id}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert event.hash in page and event.previous_hash == previous.hash and previous.hash in page
    assert "&quot;days&quot;: 30" in page
    assert "hash matches content" in page
    assert f"/staff/audit/events/{previous.public_id}/" in page


def test_unknown_event_is_404(staff_client):
    assert (
        staff_client.get("/staff/audit/events/00000000-0000-0000-0000-000000000000/").status_code
        == 404
    )


def test_list_stays_within_a_fixed_number_of_queries(
    staff_client, org_a, member_a, django_assert_max_num_queries
):
    for n in range(60):
        audit_record(action="test.event", actor=member_a, organisation=org_a, object_id=str(n))
    staff_client.get(LIST)  # warm the session
    with django_assert_max_num_queries(12):
        assert staff_client.get(LIST).status_code == 200


def test_page_is_never_cached(staff_client):
    assert "no-store" in staff_client.get(LIST)["Cache-Control"]


def test_recent_time_falls_inside_todays_filter(staff_client, legal_user):
    event = audit_record(action="test.now")
    today = timezone.localtime(timezone.now(), timezone=ZoneInfo(legal_user.time_zone)).date()
    tomorrow = today + timedelta(days=1)
    assert event.seq in listed_seqs(staff_client.get(LIST, {"date_from": today.isoformat()}))
    assert event.seq not in listed_seqs(staff_client.get(LIST, {"date_from": tomorrow.isoformat()}))
