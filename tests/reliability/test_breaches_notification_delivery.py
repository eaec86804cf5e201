"""Breach notifications through the real parts: PostgreSQL, Redis, a Celery worker and an SMTP
server on loopback. Each affected customer's addresses receive exactly one email (one
Message-ID each), however often the DPO sends; an unaffected customer receives nothing."""

import datetime
import time

import pytest
from django.utils import timezone

from dpa.breaches import services
from dpa.breaches.models import Delivery, Notification
from tests.conftest import add_member, make_organisation, make_user
from tests.reliability.conftest import wait_for
from trustcentre.accounts.models import Membership
from trustcentre.notifications.models import OutboxMessage
from trustcentre.notifications.tasks import deliver_due_messages

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]


def test_each_affected_address_gets_exactly_one_email(
    smtp_sink, celery_worker, broker_delivery, monkeypatch
):
    # The DPA's notice contact comes from dpa.selectors.notice_contact_for, which the DPA work
    # implements; here it is monkeypatched (the service runs in this process). Beta's contact is
    # also an admin's address, in other case, so it must not get a second email.
    contacts = {"alpha": "privacy@alpha.test", "beta": "ADMIN@beta.test"}
    monkeypatch.setattr(
        "dpa.selectors.notice_contact_for", lambda organisation: contacts.get(organisation.slug)
    )
    dpo = make_user("dpo@provider.test", roles=["dpo"])
    alpha, beta, gamma = (make_organisation(slug) for slug in ("alpha", "beta", "gamma"))
    for organisation, people in (
        (alpha, ["admin@alpha.test", "second@alpha.test"]),
        (beta, ["admin@beta.test"]),
        (gamma, ["admin@gamma.test"]),
    ):
        for email in people:
            add_member(make_user(email), organisation, Membership.Role.ADMIN)
    add_member(make_user("member@alpha.test"), alpha)  # members read it in the portal
    now = timezone.now()
    incident = services.incident_record(
        user=dpo,
        title="Exposed backup",
        detected_at=now - datetime.timedelta(hours=4),
        aware_at=now - datetime.timedelta(hours=2),
        nature="A backup was reachable without authentication.",
        data_categories="Names, email addresses",
        subjects_affected=500,
        records_affected=900,
        likely_consequences="Phishing.",
        measures_taken="Access closed.",
        contact_point="dpo@provider.test",
    )

    # The first send, a double click, a retry, and a later send adding beta.
    services.incident_notify(incident=incident, organisations=[alpha], user=dpo)
    services.incident_notify(incident=incident, organisations=[alpha], user=dpo)
    services.incident_notify(incident=incident, organisations=[alpha, beta], user=dpo)
    services.incident_notify(incident=incident, organisations=[beta, alpha], user=dpo)

    expected = {
        "admin@alpha.test",
        "second@alpha.test",
        "privacy@alpha.test",
        "admin@beta.test",
    }
    messages = OutboxMessage.objects.filter(template="breaches/notification")

    def all_sent():
        return messages.filter(status=OutboxMessage.Status.SENT).count() == len(expected)

    wait_for(all_sent, timeout=90, message="the breach notifications to be sent")
    deliver_due_messages()  # a sweep after the fact sends nothing again
    time.sleep(2)  # any duplicate would have arrived by now

    received = [(item.recipients, item.message_id) for item in smtp_sink.received]
    assert sorted(recipient for recipients, _id in received for recipient in recipients) == sorted(
        expected
    )
    assert len({message_id for _recipients, message_id in received}) == len(expected)
    assert {message.message_id for message in messages} == {mid for _r, mid in received}
    assert all("Exposed backup" in item.subject for item in smtp_sink.received)
    assert Notification.objects.filter(incident=incident).count() == 2
    assert {delivery.status for delivery in Delivery.objects.all()} == {"sent"}
    assert "redelivery" not in celery_worker.log_text()
