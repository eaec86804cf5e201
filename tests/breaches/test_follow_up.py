"""Follow-ups to a notified incident (GDPR Art. 33(4)): numbered 1, 2, 3 per incident, each sent
exactly once to every organisation notified before (emails to the same recipients, webhooks to
their endpoints), never on a draft or a closed incident; a final report closes the incident."""

import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from dpa.breaches import services
from dpa.breaches.models import FollowUp, FollowUpDelivery, FollowUpNotice, Incident
from dpa.breaches.services_follow_ups import (
    follow_up_acknowledge,
    follow_up_fan_out,
    follow_up_send,
)
from tests.breaches.conftest import incident_values
from tests.conftest import add_member, make_user
from trustcentre.accounts.models import Membership
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage, WebhookEndpoint, WebhookMessage
from trustcentre.notifications.webhooks import new_secret

pytestmark = pytest.mark.django_db

FOLLOW_UP_TEMPLATE = "breaches/follow_up"


@pytest.fixture
def notified(incident, dpo_user, org_a, org_b, admin_a, admin_b, notice_contact):
    """The incident notified to acme (two admins and a notice contact) and globex (one admin);
    each has an endpoint listening for follow-ups. The initial notification's emails are in
    the outbox; the tests look at the follow-up's only."""
    add_member(make_user("second-admin@acme.test"), org_a, Membership.Role.ADMIN)
    notice_contact(org_a, "privacy@acme.test")
    for organisation, url in (
        (org_a, "https://hooks.acme.test/"),
        (org_b, "https://hooks.globex.test/"),
    ):
        WebhookEndpoint.objects.create(
            organisation=organisation,
            url=url,
            events=["security.notice.published", "security.notice.follow_up"],
            secret=new_secret(),
        )
    services.incident_notify(incident=incident, organisations=[org_a, org_b], user=dpo_user)
    return incident


def follow_up_emails() -> list[tuple[int, str]]:
    return sorted(
        (int(message.subject.split()[1]), message.to_email)
        for message in OutboxMessage.objects.filter(template=FOLLOW_UP_TEMPLATE)
    )


ACME = ["admin@acme.test", "privacy@acme.test", "second-admin@acme.test"]
GLOBEX = ["admin@globex.test"]


def test_each_follow_up_reaches_every_notified_customer_once_in_order(
    notified, dpo_user, org_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = follow_up_send(
            incident=notified,
            user=dpo_user,
            kind="new_facts",
            body="The bucket also held invoices.",
            data_categories="Names, email addresses, invoice amounts",
            records_affected=5100,
        )
        second = follow_up_send(
            incident=notified, user=dpo_user, kind="measures_taken", body="Keys rotated."
        )

    assert [first.follow_up.number, second.follow_up.number] == [1, 2]
    assert follow_up_emails() == sorted(
        [(1, address) for address in ACME + GLOBEX] + [(2, address) for address in ACME + GLOBEX]
    )
    # Delivered: one distinct Message-ID per recipient and follow-up.
    sent = [m for m in mail.outbox if "Follow-up" in m.subject]
    assert len(sent) == 8
    assert len({m.extra_headers["Message-ID"] for m in sent}) == 8
    email = next(m for m in sent if m.to == ["admin@acme.test"] and "Follow-up 1 " in m.subject)
    assert notified.reference in email.subject and "New facts" in email.subject
    assert "The bucket also held invoices." in email.body
    assert "Names, email addresses, invoice amounts" in email.body and "5100" in email.body
    notice = FollowUpNotice.objects.get(follow_up=first.follow_up, notification__organisation=org_a)
    assert f"/portal/security-notices/{notice.notification.public_id}/#follow-up-1" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html" and "The bucket also held invoices." in html
    # Webhooks: one per endpoint and follow-up, the new event type, the number in the data.
    messages = WebhookMessage.objects.filter(event_type="security.notice.follow_up")
    assert sorted((m.endpoint.url, m.payload["data"]["number"]) for m in messages) == [
        ("https://hooks.acme.test/", 1),
        ("https://hooks.acme.test/", 2),
        ("https://hooks.globex.test/", 1),
        ("https://hooks.globex.test/", 2),
    ]
    data = messages.get(endpoint__url="https://hooks.acme.test/", payload__data__number=1).payload[
        "data"
    ]
    assert data["kind"] == "new_facts" and data["final"] is False
    assert data["updates"] == {
        "data_categories": "Names, email addresses, invoice amounts",
        "records_affected": 5100,
    }
    assert data["organisation"] == str(org_a.public_id)
    # Each organisation's delivery of each follow-up is recorded.
    assert FollowUpNotice.objects.count() == 4
    assert FollowUpDelivery.objects.filter(channel="email").count() == 8
    assert FollowUpDelivery.objects.filter(channel="webhook").count() == 4
    events = AuditEvent.objects.filter(action="breach.follow_up_sent").order_by("seq")
    assert [
        (e.details["number"], e.details["organisations"], e.details["emails"]) for e in events
    ] == [
        (1, 2, 4),
        (2, 2, 4),
    ]
    assert events[0].details["fields_updated"] == ["data_categories", "records_affected"]
    assert "invoices" not in str(events[0].details)  # references only, not what was written


def test_running_the_send_again_sends_nothing_more(
    notified, dpo_user, django_capture_on_commit_callbacks
):
    key = uuid.uuid4()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = follow_up_send(
            incident=notified, user=dpo_user, kind="new_facts", body="More.", idempotency_key=key
        )
        again = follow_up_send(
            incident=notified, user=dpo_user, kind="new_facts", body="More.", idempotency_key=key
        )
        rerun = follow_up_fan_out(follow_up=first.follow_up)

    assert first.created and not again.created and again.follow_up == first.follow_up
    assert rerun == []
    assert FollowUp.objects.count() == 1
    assert follow_up_emails() == sorted((1, address) for address in ACME + GLOBEX)
    assert len([m for m in mail.outbox if "Follow-up" in m.subject]) == 4
    assert WebhookMessage.objects.filter(event_type="security.notice.follow_up").count() == 2
    assert AuditEvent.objects.filter(action="breach.follow_up_sent").count() == 1


def test_a_customer_notified_later_gets_the_earlier_follow_ups_too(
    incident, dpo_user, org_a, org_b, admin_a, admin_b, no_notice_contact
):
    services.incident_notify(incident=incident, organisations=[org_a], user=dpo_user)
    follow_up_send(incident=incident, user=dpo_user, kind="new_facts", body="Wider than thought.")
    services.incident_notify(incident=incident, organisations=[org_b], user=dpo_user)

    assert follow_up_emails() == [(1, "admin@acme.test"), (1, "admin@globex.test")]
    follow_up = FollowUp.objects.get()
    assert sorted(n.notification.organisation.slug for n in follow_up.notices.all()) == [
        "acme",
        "globex",
    ]


def test_a_follow_up_on_an_incident_never_notified_is_refused_and_changes_nothing(
    incident, dpo_user, org_a, admin_a
):
    before = AuditEvent.objects.count()
    with pytest.raises(services.IncidentStateError) as refused:
        follow_up_send(incident=incident, user=dpo_user, kind="new_facts", body="Something.")
    assert "No customer has been notified of this incident yet" in str(refused.value)
    assert "notify the affected customers first" in str(refused.value)
    assert not FollowUp.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not WebhookMessage.objects.exists()
    assert AuditEvent.objects.count() == before
    incident.refresh_from_db()
    assert incident.status == Incident.Status.DRAFT


def test_an_empty_body_is_refused(notified, dpo_user):
    outbox = OutboxMessage.objects.count()
    with pytest.raises(ValidationError) as refused:
        follow_up_send(incident=notified, user=dpo_user, kind="new_facts", body="   ")
    assert "body" in refused.value.message_dict
    assert not FollowUp.objects.exists()
    assert OutboxMessage.objects.count() == outbox


def test_only_the_dpo_may_send_a_follow_up(notified, legal_user, admin_a):
    with pytest.raises(PermissionDenied):
        follow_up_send(incident=notified, user=legal_user, kind="new_facts", body="More.")
    with pytest.raises(PermissionDenied):
        follow_up_send(incident=notified, user=admin_a, kind="new_facts", body="More.")
    assert not FollowUp.objects.exists()


def test_a_final_report_closes_the_incident_and_nothing_can_follow(notified, dpo_user):
    result = follow_up_send(
        incident=notified, user=dpo_user, kind="final_report", body="Root cause fixed."
    )
    notified.refresh_from_db()
    assert notified.status == Incident.Status.CLOSED
    assert notified.closed_at == result.follow_up.sent_at
    closing = AuditEvent.objects.get(action="breach.incident_closed")
    assert closing.details == {"final_report": 1}
    with pytest.raises(services.IncidentStateError) as refused:
        follow_up_send(incident=notified, user=dpo_user, kind="new_facts", body="One more.")
    assert "The incident is closed" in str(refused.value)
    assert FollowUp.objects.count() == 1


def test_numbers_are_per_incident(notified, dpo_user, org_a):
    other = services.incident_record(user=dpo_user, **incident_values(title="Another incident"))
    services.incident_notify(incident=other, organisations=[org_a], user=dpo_user)
    follow_up_send(incident=notified, user=dpo_user, kind="new_facts", body="A1")
    follow_up_send(incident=other, user=dpo_user, kind="new_facts", body="B1")
    follow_up_send(incident=notified, user=dpo_user, kind="new_facts", body="A2")
    assert list(
        FollowUp.objects.order_by("sent_at", "pk").values_list("incident__title", "number")
    ) == [
        ("Leaked support export", 1),
        ("Another incident", 1),
        ("Leaked support export", 2),
    ]


def test_acknowledging_one_follow_up_leaves_the_others_open(notified, dpo_user, org_a, member_a):
    first = follow_up_send(incident=notified, user=dpo_user, kind="new_facts", body="A").follow_up
    follow_up_send(incident=notified, user=dpo_user, kind="measures_taken", body="B")
    notice = first.notices.get(notification__organisation=org_a)
    assert follow_up_acknowledge(notice=notice, user=member_a)
    assert not follow_up_acknowledge(notice=notice, user=member_a)
    assert list(
        FollowUpNotice.objects.filter(notification__organisation=org_a)
        .order_by("follow_up__number")
        .values_list("follow_up__number", "acknowledged_by")
    ) == [(1, member_a.pk), (2, None)]
    event = AuditEvent.objects.get(action="breach.follow_up_acknowledged")
    assert event.details["number"] == 1
