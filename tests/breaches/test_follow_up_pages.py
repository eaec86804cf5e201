"""Follow-ups on the pages: the DPO sends one from the incident page and sees each customer's
delivery and acknowledgement per follow-up; the customer's notice page lists the initial notice
and the follow-ups in order and acknowledges each; the API shows them to the organisation's key;
a draft, a closed incident, an empty text and a non-DPO are refused with nothing sent."""

import uuid

import pytest
from django.urls import reverse

from dpa.breaches import services
from dpa.breaches.models import FollowUp, FollowUpNotice, Incident, Notification
from dpa.breaches.services_follow_ups import follow_up_acknowledge, follow_up_send
from tests.api.conftest import bearer, is_problem
from tests.conftest import login_with_second_factor
from trustcentre.accounts.api_keys import api_key_create
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def notified(incident, dpo_user, org_a, org_b, admin_a, admin_b, no_notice_contact):
    services.incident_notify(incident=incident, organisations=[org_a, org_b], user=dpo_user)
    return incident


def follow_up_data(**overrides):
    data = {
        "kind": "new_facts",
        "body": "The bucket also held invoice amounts.",
        "data_categories": "",
        "subjects_affected": "",
        "records_affected": "5100",
        "likely_consequences": "",
        "measures_taken": "",
        "measures_proposed": "",
        "customer_actions": "",
        "idempotency_key": str(uuid.uuid4()),
        "confirm": "on",
    }
    data.update(overrides)
    return data


def detail_url(incident):
    return reverse("breaches_staff:incident_detail", args=[incident.public_id])


def follow_up_url(incident):
    return reverse("breaches_staff:incident_follow_up", args=[incident.public_id])


def follow_up_emails():
    return OutboxMessage.objects.filter(template="breaches/follow_up").count()


def test_the_dpo_sends_a_follow_up_and_sees_each_customers_delivery_and_acknowledgement(
    dpo_client, notified, org_a, admin_a
):
    page = dpo_client.get(detail_url(notified)).content.decode()
    assert "Send a follow-up" in page and "No follow-up has been sent" in page

    response = dpo_client.post(follow_up_url(notified), follow_up_data())
    assert response.status_code == 302
    assert response["Location"].endswith("#follow-up-1")
    dpo_client.post(
        follow_up_url(notified),
        follow_up_data(kind="measures_taken", body="Keys rotated.", records_affected=""),
    )
    first = FollowUpNotice.objects.get(follow_up__number=1, notification__organisation=org_a)
    follow_up_acknowledge(notice=first, user=admin_a)

    page = dpo_client.get(detail_url(notified)).content.decode()
    assert "Follow-up 1: New facts" in page and "Follow-up 2: Measures taken" in page
    assert page.index("Follow-up 1: New facts") < page.index("Follow-up 2: Measures taken")
    assert "The bucket also held invoice amounts." in page
    assert "Records affected (updated)" in page and "5100" in page
    # Follow-up 1's table: acme acknowledged (by its admin), globex not yet; each customer's
    # email address is listed with its outbox status.
    section = page[page.index('id="follow-up-1"') : page.index('id="follow-up-2"')]
    acme_row = section[section.index("<td>Acme</td>") : section.index("<td>Globex</td>")]
    globex_row = section[section.index("<td>Globex</td>") :]
    assert "admin@acme.test" in acme_row and "Pending" in acme_row
    assert "Not yet" not in acme_row and "admin@acme.test</span>" in acme_row
    assert "admin@globex.test" in globex_row and "Not yet" in globex_row


def test_the_delivery_status_shows_sent_once_delivered(
    dpo_client, notified, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dpo_client.post(follow_up_url(notified), follow_up_data())
    page = dpo_client.get(detail_url(notified)).content.decode()
    section = page[page.index('id="follow-up-1"') :]
    assert section.count('<span class="badge badge-ok">Sent</span>') == 2


def test_the_same_form_sent_twice_sends_one_follow_up(dpo_client, notified):
    data = follow_up_data()
    dpo_client.post(follow_up_url(notified), data)
    again = dpo_client.post(follow_up_url(notified), data, follow=True)
    assert "Follow-up 1 was already sent." in again.content.decode()
    assert FollowUp.objects.count() == 1
    assert follow_up_emails() == 2


def test_a_follow_up_on_a_draft_is_refused_with_a_message(dpo_client, incident, org_a, admin_a):
    page = dpo_client.get(detail_url(incident)).content.decode()
    assert "Send the follow-up" not in page
    assert "notify the affected customers first" in page
    before = AuditEvent.objects.count()

    response = dpo_client.post(follow_up_url(incident), follow_up_data(), follow=True)

    text = response.content.decode()
    assert "No customer has been notified of this incident yet" in text
    assert "Nothing was sent." in text
    assert not FollowUp.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert AuditEvent.objects.count() == before
    incident.refresh_from_db()
    assert incident.status == Incident.Status.DRAFT


def test_an_empty_text_is_a_form_error_and_nothing_is_sent(dpo_client, notified):
    emails = OutboxMessage.objects.count()
    response = dpo_client.post(follow_up_url(notified), follow_up_data(body="  "))
    assert response.status_code == 400
    assert "Write what customers should learn from this follow-up." in response.content.decode()
    assert not FollowUp.objects.exists()
    assert OutboxMessage.objects.count() == emails
    refused = AuditEvent.objects.get(action="breach.input_refused")
    assert refused.details["fields"] == ["body"]


def test_a_final_report_closes_the_incident_and_the_page_says_no_more_can_follow(
    dpo_client, notified
):
    response = dpo_client.post(
        follow_up_url(notified),
        follow_up_data(kind="final_report", body="Root cause fixed."),
        follow=True,
    )
    text = response.content.decode()
    assert "Final report: it closed the incident." in text
    assert "no more follow-ups can be sent" in text
    assert "Send the follow-up" not in text and "Close the incident" not in text
    refused = dpo_client.post(follow_up_url(notified), follow_up_data(), follow=True)
    assert "The incident is closed" in refused.content.decode()
    assert FollowUp.objects.count() == 1


def test_legal_reads_the_follow_ups_but_cannot_send_one(client, legal_user, notified, dpo_user):
    follow_up_send(incident=notified, user=dpo_user, kind="new_facts", body="Found more.")
    login_with_second_factor(client, legal_user)
    page = client.get(detail_url(notified)).content.decode()
    assert "Found more." in page and "Send the follow-up" not in page
    assert client.post(follow_up_url(notified), follow_up_data()).status_code == 403
    assert FollowUp.objects.count() == 1


def test_the_customer_sees_the_notice_and_its_follow_ups_in_order_and_acknowledges_each(
    client, member_a, notified, dpo_user
):
    follow_up_send(incident=notified, user=dpo_user, kind="new_facts", body="Invoices too.")
    follow_up_send(
        incident=notified,
        user=dpo_user,
        kind="measures_taken",
        body="Keys rotated.",
        customer_actions="Reset the API tokens you shared with us.",
    )
    notification = Notification.objects.get(organisation__slug="acme")
    client.force_login(member_a)
    url = reverse("breaches_portal:notice_detail", args=[notification.public_id])

    text = client.get(url).content.decode()
    order = [
        text.index("Initial notice: what happened"),
        text.index("Follow-up 1: New facts</h2>"),
        text.index("Follow-up 2: Measures taken</h2>"),
    ]
    assert order == sorted(order)
    assert "Invoices too." in text and "Reset the API tokens you shared with us." in text
    assert "Acknowledge follow-up 1" in text and "Acknowledge follow-up 2" in text

    acknowledge = reverse("breaches_portal:follow_up_acknowledge", args=[notification.public_id, 2])
    assert client.get(acknowledge).status_code == 405
    response = client.post(acknowledge, follow=True)
    text = response.content.decode()
    assert "follow-up 2 is marked as acknowledged" in text
    assert "Acknowledge follow-up 1" in text and "Acknowledge follow-up 2" not in text
    assert "Acknowledge receipt" in text  # the initial notice is acknowledged on its own
    assert list(
        FollowUpNotice.objects.filter(notification=notification)
        .order_by("follow_up__number")
        .values_list("acknowledged_by", flat=True)
    ) == [None, member_a.pk]
    again = client.post(acknowledge, follow=True)
    assert "Follow-up 2 was already acknowledged." in again.content.decode()


def test_the_notice_list_counts_follow_ups_still_to_acknowledge(
    client, member_a, notified, dpo_user
):
    services.notification_acknowledge(
        notification=Notification.objects.get(organisation__slug="acme"), user=member_a
    )
    follow_up_send(incident=notified, user=dpo_user, kind="new_facts", body="More.")
    client.force_login(member_a)
    url = reverse("breaches_portal:notice_list")
    assert "1 not yet acknowledged" in client.get(url).content.decode()
    # Open until its follow-up is acknowledged too.
    assert "Leaked support export" in client.get(url, {"state": "open"}).content.decode()
    assert (
        "Leaked support export" not in client.get(url, {"state": "acknowledged"}).content.decode()
    )


def test_another_organisation_cannot_acknowledge_a_follow_up(client, admin_b, notified, dpo_user):
    follow_up_send(incident=notified, user=dpo_user, kind="new_facts", body="More.")
    acme = Notification.objects.get(organisation__slug="acme")
    login_with_second_factor(client, admin_b)
    url = reverse("breaches_portal:follow_up_acknowledge", args=[acme.public_id, 1])
    assert client.post(url).status_code == 404
    detail = reverse("breaches_portal:notice_detail", args=[acme.public_id])
    assert client.get(detail).status_code == 404
    assert not FollowUpNotice.objects.filter(acknowledged_at__isnull=False).exists()
    assert AuditEvent.objects.filter(action="authz.denied", actor=admin_b).count() == 2
    # Globex acknowledges its own copy of the same follow-up, and only that one.
    globex = Notification.objects.get(organisation__slug="globex")
    own = reverse("breaches_portal:follow_up_acknowledge", args=[globex.public_id, 1])
    assert client.post(own).status_code == 302
    assert list(
        FollowUpNotice.objects.filter(acknowledged_at__isnull=False).values_list(
            "notification__organisation__slug", flat=True
        )
    ) == ["globex"]


def test_an_unknown_follow_up_number_is_404(client, member_a, notified):
    notification = Notification.objects.get(organisation__slug="acme")
    client.force_login(member_a)
    url = reverse("breaches_portal:follow_up_acknowledge", args=[notification.public_id, 1])
    assert client.post(url).status_code == 404


def test_the_api_shows_the_follow_ups_to_the_organisations_key_only(
    client, notified, dpo_user, org_a, org_b, admin_a, admin_b
):
    follow_up_send(
        incident=notified, user=dpo_user, kind="new_facts", body="Invoices.", records_affected=5100
    )
    follow_up_send(incident=notified, user=dpo_user, kind="final_report", body="Closed.")
    follow_up_acknowledge(
        notice=FollowUpNotice.objects.get(follow_up__number=1, notification__organisation=org_a),
        user=admin_a,
    )
    _key, secret_a = api_key_create(organisation=org_a, name="SIEM", created_by=admin_a)
    acme = Notification.objects.get(organisation=org_a)

    item = client.get(f"/api/v1/security-notices/{acme.public_id}/", **bearer(secret_a)).json()

    assert [
        (f["number"], f["kind"], f["final"], f["body"], f["updates"], f["acknowledged"])
        for f in item["follow_ups"]
    ] == [
        (1, "new_facts", False, "Invoices.", {"records_affected": 5100}, True),
        (2, "final_report", True, "Closed.", {}, False),
    ]
    own_ids = {str(n.public_id) for n in FollowUpNotice.objects.filter(notification=acme)}
    assert {f["id"] for f in item["follow_ups"]} == own_ids
    listing = client.get("/api/v1/security-notices/", **bearer(secret_a)).json()
    assert [f["number"] for f in listing["results"][0]["follow_ups"]] == [1, 2]
    # Globex's key sees its own copy, never acme's.
    _key, secret_b = api_key_create(organisation=org_b, name="Globex", created_by=admin_b)
    is_problem(client.get(f"/api/v1/security-notices/{acme.public_id}/", **bearer(secret_b)), 404)
    (globex_item,) = client.get("/api/v1/security-notices/", **bearer(secret_b)).json()["results"]
    assert not own_ids & {f["id"] for f in globex_item["follow_ups"]}
    assert all(f["acknowledged"] is False for f in globex_item["follow_ups"])
