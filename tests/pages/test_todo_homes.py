"""The portal home opens with what needs the person's attention, with dates; the staff home
shows each queue's count and the age of its oldest item. Both in a fixed number of queries."""

import datetime

import pytest
from django.utils import timezone

from dpa.breaches import services as breach_services
from dpa.breaches.models import Notification
from dpa.models import Agreement
from tests.breaches.conftest import incident_values
from tests.conftest import login_with_second_factor
from tests.dpa.factories import give_dpa, make_controls, make_subprocessors, make_version
from trustcentre.documents.models import AccessRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpa_version(db):
    make_controls(2)
    make_subprocessors(2)
    return make_version()


def notify(incident, organisation, notified_at=None):
    return Notification.objects.create(
        incident=incident, organisation=organisation, notified_at=notified_at or timezone.now()
    )


def test_a_dpa_to_sign_is_on_the_admins_home_until_it_is_in_force(client, admin_a, dpa_version):
    login_with_second_factor(client, admin_a)

    page = client.get("/portal/").content.decode()

    assert "What needs your attention" in page
    assert f"Sign the data processing agreement, version {dpa_version.number}" in page
    assert "Published:" in page
    agreement = give_dpa(admin_a.memberships.get().organisation)
    page = client.get("/portal/").content.decode()
    assert "Sign the data processing agreement" not in page
    assert "Your DPA is countersigned: download the executed copy" in page
    Agreement.objects.filter(pk=agreement.pk).update(
        executed_at=timezone.now() - datetime.timedelta(days=40)
    )
    page = client.get("/portal/").content.decode()
    assert "Your DPA is countersigned" not in page
    assert "Nothing needs your attention now." in page


def test_a_member_is_told_their_admin_signs(client, member_a, dpa_version):
    login_with_second_factor(client, member_a)

    page = client.get("/portal/").content.decode()

    assert "Your organisation&#x27;s admin has to sign the DPA, version 1" in page


def test_a_signed_dpa_shows_it_awaits_countersignature(client, admin_a, org_a, dpa_version):
    Agreement.objects.create(
        organisation=org_a,
        kind=Agreement.Kind.NEGOTIATED,
        status=Agreement.Status.AWAITING_COUNTERSIGNATURE,
        customer_legal_name="Org A Ltd",
        version=dpa_version,
        notices_email="dpo@org-a.test",
        effective_date=datetime.date(2026, 1, 1),
        objection_window_days=30,
    )
    login_with_second_factor(client, admin_a)

    page = client.get("/portal/").content.decode()

    assert "Your signed DPA is waiting for our countersignature" in page
    assert "Sign the data processing agreement" not in page


def test_an_unacknowledged_breach_notice_is_listed_with_its_date(
    client, admin_a, org_a, org_b, dpo_user
):
    give_dpa(org_a)
    incident = breach_services.incident_record(user=dpo_user, **incident_values())
    notified_at = timezone.make_aware(datetime.datetime(2026, 12, 5, 9, 30), datetime.UTC)
    notification = notify(incident, org_a, notified_at)
    other = breach_services.incident_record(user=dpo_user, **incident_values(title="Elsewhere"))
    notify(other, org_b)
    login_with_second_factor(client, admin_a)

    page = client.get("/portal/").content.decode()

    assert f"Read and acknowledge security notice {incident.reference}" in page
    assert "Notified: <strong>5 Dec 2026, 10:30 CET</strong>" in page
    assert other.reference not in page
    Notification.objects.filter(pk=notification.pk).update(acknowledged_at=timezone.now())
    assert incident.reference not in client.get("/portal/").content.decode()


def test_the_portal_home_links_members_and_api_keys(client, admin_a, member_a, org_a):
    login_with_second_factor(client, admin_a)
    page = client.get("/portal/").content.decode()
    assert f'href="/portal/organisations/{org_a.slug}/api-keys/"' in page
    assert f"Members of {org_a.name}" in page

    login_with_second_factor(client, member_a)
    page = client.get("/portal/").content.decode()
    assert "api-keys" not in page
    assert f"Members of {org_a.name}" in page


def test_the_portal_home_takes_as_many_queries_for_many_items_as_for_one(
    client, admin_a, org_a, dpo_user, django_assert_max_num_queries
):
    give_dpa(org_a)
    incident = breach_services.incident_record(user=dpo_user, **incident_values())
    notify(incident, org_a)
    login_with_second_factor(client, admin_a)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/portal/")
    for n in range(5):
        more = breach_services.incident_record(user=dpo_user, **incident_values(title=f"n{n}"))
        notify(more, org_a)

    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get("/portal/").content.decode()
    assert page.count("Read and acknowledge security notice") == 6


def test_the_staff_home_shows_each_queue_with_its_count_and_oldest_age(
    client, legal_user, prospect_org, django_assert_max_num_queries
):
    from tests.conftest import make_user

    for days_ago in (9, 2):
        requester = make_user(f"p{days_ago}@prospect.test")
        AccessRequest.objects.create(
            requester=requester,
            organisation=prospect_org,
            company="Prospect",
            reason="Evaluating you.",
            rule=AccessRequest.Rule.ALLOW_LIST,
            created_at=timezone.now() - datetime.timedelta(days=days_ago),
        )
    login_with_second_factor(client, legal_user)

    with django_assert_max_num_queries(30):
        page = client.get("/staff/").content.decode()

    assert "Access requests to review: <strong>2</strong> waiting" in page
    assert "Oldest: 9 days (since " in page
    assert "DPAs to countersign: none waiting" in page
    assert "Open objections: none waiting" in page
