"""Notifying the affected customers: every affected organisation exactly once, each address
exactly one email, across repeated sends; webhooks to the organisation's own endpoints."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from dpa.breaches import services
from dpa.breaches.models import Delivery, Incident, Notification
from tests.breaches.conftest import incident_values
from tests.conftest import add_member, make_organisation, make_user
from tests.dpa.factories import give_dpa
from trustcentre.accounts.models import Membership
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage, WebhookEndpoint, WebhookMessage
from trustcentre.notifications.webhooks import new_secret

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_admin_a(org_a):
    user = make_user("second-admin@acme.test", full_name="Sid Second")
    add_member(user, org_a, Membership.Role.ADMIN)
    return user


def emails_by_address():
    counts: dict[str, int] = {}
    for message in OutboxMessage.objects.filter(template="breaches/notification"):
        counts[message.to_email] = counts.get(message.to_email, 0) + 1
    return counts


def test_exactly_once_across_repeated_sends(
    incident,
    dpo_user,
    org_a,
    org_b,
    admin_a,
    second_admin_a,
    member_a,
    admin_b,
    notice_contact,
    django_capture_on_commit_callbacks,
):
    # Globex's notice contact is also an admin's address (in other case), so it must be
    # de-duplicated; acme's is a separate mailbox.
    notice_contact(org_a, "privacy@acme.test")
    notice_contact(org_b, "Admin@Globex.test")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.incident_notify(incident=incident, organisations=[org_a], user=dpo_user)
    # A double click, a retry, and a later send that adds globex and repeats acme.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.incident_notify(incident=incident, organisations=[org_a], user=dpo_user)
        services.incident_notify(incident=incident, organisations=[org_a], user=dpo_user)
        later = services.incident_notify(
            incident=incident, organisations=[org_a, org_b, org_a], user=dpo_user
        )
        services.incident_notify(incident=incident, organisations=[org_b, org_a], user=dpo_user)

    assert [n.organisation for n in first.notified] == [org_a]
    assert again.notified == [] and again.already_notified == [org_a]
    assert [n.organisation for n in later.notified] == [org_b]
    assert sorted(
        Notification.objects.filter(incident=incident).values_list("organisation__slug", flat=True)
    ) == ["acme", "globex"]
    # Admins and the notice contact, once each; members are not notified by email.
    assert emails_by_address() == {
        "admin@acme.test": 1,
        "second-admin@acme.test": 1,
        "privacy@acme.test": 1,
        "admin@globex.test": 1,
    }
    delivered = sorted(message.to[0] for message in mail.outbox)
    assert delivered == [
        "admin@acme.test",
        "admin@globex.test",
        "privacy@acme.test",
        "second-admin@acme.test",
    ]
    assert len({message.extra_headers["Message-ID"] for message in mail.outbox}) == 4
    assert AuditEvent.objects.filter(action="breach.notification_sent").count() == 2
    # Each delivery is recorded and linked to its outbox row, which was sent.
    deliveries = Delivery.objects.filter(channel=Delivery.Channel.EMAIL)
    assert deliveries.count() == 4
    assert {delivery.status for delivery in deliveries} == {"sent"}
    incident.refresh_from_db()
    assert incident.status == Incident.Status.NOTIFIED
    assert incident.first_notified_at == first.notified[0].notified_at


def test_the_email_is_readable_text_and_html(
    incident, dpo_user, org_a, admin_a, no_notice_contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.incident_notify(incident=incident, organisations=[org_a], user=dpo_user)
    (email,) = mail.outbox
    notification = result.notified[0]
    assert incident.reference in email.subject
    assert "Hello Ada Admin," in email.body
    for text in (
        "A support export was readable",
        "Names, email addresses",
        "1200 data subjects, 3400 records",
        "Phishing attempts",
        "Bucket closed",
        "Warn your users",
        "DPO, dpo@provider.test",
        f"/portal/security-notices/{notification.public_id}/",
    ):
        assert text in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "Read and acknowledge the notice" in html
    assert "<strong>Acme</strong>" in html


def test_webhook_goes_to_the_notified_organisations_endpoints_only(
    incident, dpo_user, org_a, org_b, admin_a, no_notice_contact
):
    listening = WebhookEndpoint.objects.create(
        organisation=org_a,
        url="https://hooks.acme.test/trust",
        events=["security.notice.published"],
        secret=new_secret(),
    )
    WebhookEndpoint.objects.create(
        organisation=org_a,
        url="https://hooks.acme.test/other",
        events=["subprocessor.change.announced"],
        secret=new_secret(),
    )
    WebhookEndpoint.objects.create(
        organisation=org_b,
        url="https://hooks.globex.test/trust",
        events=["security.notice.published"],
        secret=new_secret(),
    )
    services.incident_notify(incident=incident, organisations=[org_a], user=dpo_user)
    services.incident_notify(incident=incident, organisations=[org_a], user=dpo_user)
    (message,) = WebhookMessage.objects.all()
    assert message.endpoint == listening
    assert message.event_type == "security.notice.published"
    notification = Notification.objects.get()
    assert message.payload["data"]["id"] == str(notification.public_id)
    assert message.payload["data"]["incident"]["reference"] == incident.reference
    assert message.payload["data"]["organisation"] == str(org_a.public_id)
    delivery = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)
    assert delivery.webhook_message == message
    assert delivery.address == "https://hooks.acme.test/trust"


def test_the_webhook_carries_the_whole_notice_with_times_in_utc(dpo_user, org_a, no_notice_contact):
    paris = datetime.timezone(datetime.timedelta(hours=2))
    incident = services.incident_record(
        user=dpo_user,
        **incident_values(
            detected_at=datetime.datetime(2024, 3, 4, 10, 30, tzinfo=paris),
            aware_at=datetime.datetime(2024, 3, 4, 12, 0, tzinfo=paris),
        ),
    )
    (notification,) = services.incident_notify(
        incident=incident, organisations=[org_a], user=dpo_user
    ).notified

    data = services.notification_webhook_data(notification)

    assert data["incident"] == {
        "id": str(incident.public_id),
        "reference": incident.reference,
        "title": "Leaked support export",
        "detected_at": "2024-03-04T08:30:00Z",
        "aware_at": "2024-03-04T10:00:00Z",
        "nature": "A support export was readable through a misconfigured bucket.",
        "data_categories": "Names, email addresses",
        "subjects_affected": 1200,
        "records_affected": 3400,
        "likely_consequences": "Phishing attempts against the people listed.",
        "measures_taken": "Bucket closed, access logs reviewed.",
        "measures_proposed": "Automated checks of bucket policies.",
        "customer_actions": "Warn your users about phishing emails.",
        "contact_point": "DPO, dpo@provider.test",
    }
    assert list(data["incident"]) == [
        "id",
        "reference",
        "title",
        "detected_at",
        "aware_at",
        "nature",
        "data_categories",
        "subjects_affected",
        "records_affected",
        "likely_consequences",
        "measures_taken",
        "measures_proposed",
        "customer_actions",
        "contact_point",
    ]


def test_no_organisation_selected_is_refused(incident, dpo_user):
    with pytest.raises(ValidationError) as refused:
        services.incident_notify(incident=incident, organisations=[], user=dpo_user)
    assert "at least one" in refused.value.message_dict["organisations"][0]
    incident.refresh_from_db()
    assert incident.status == Incident.Status.DRAFT


def test_a_prospect_cannot_be_notified(incident, dpo_user, org_a, prospect_org):
    with pytest.raises(ValidationError):
        services.incident_notify(
            incident=incident, organisations=[org_a, prospect_org], user=dpo_user
        )
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_only_the_dpo_may_send(incident, legal_user, org_a, admin_a):
    with pytest.raises(PermissionDenied):
        services.incident_notify(incident=incident, organisations=[org_a], user=legal_user)
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_an_organisation_without_recipients_is_still_recorded(
    incident, dpo_user, no_notice_contact
):
    lonely = make_organisation("lonely")
    result = services.incident_notify(incident=incident, organisations=[lonely], user=dpo_user)
    assert [n.organisation for n in result.notified] == [lonely]
    assert not Delivery.objects.exists()


def test_acknowledge_once(incident, dpo_user, org_a, member_a, admin_a, no_notice_contact):
    result = services.incident_notify(incident=incident, organisations=[org_a], user=dpo_user)
    notification = result.notified[0]
    assert services.notification_acknowledge(notification=notification, user=member_a)
    assert not services.notification_acknowledge(notification=notification, user=admin_a)
    notification.refresh_from_db()
    assert notification.acknowledged_by == member_a
    assert AuditEvent.objects.filter(action="breach.notification_acknowledged").count() == 1


def test_the_notice_contact_comes_from_the_dpa_in_force(
    incident, dpo_user, org_a, org_b, admin_a, admin_b, django_capture_on_commit_callbacks
):
    # No monkeypatch: the notices address the customer gave on its DPA in force is used, and
    # an organisation without a DPA in force is notified at its admins only.
    give_dpa(org_a, notices_email="privacy-desk@acme.test")
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_notify(incident=incident, organisations=[org_a, org_b], user=dpo_user)

    assert emails_by_address() == {
        "admin@acme.test": 1,
        "privacy-desk@acme.test": 1,
        "admin@globex.test": 1,
    }
