"""Breach follow-ups through the real parts: PostgreSQL, Redis, a Celery worker and an SMTP server
on loopback. A follow-up to two notified customers reaches each of their addresses exactly once
(one distinct Message-ID per recipient and follow-up), however often the form is resubmitted or
the fan-out re-run; a customer never notified receives nothing."""

import datetime
import time
import uuid

import pytest
from django.utils import timezone

from dpa.breaches import services
from dpa.breaches.models import FollowUpDelivery, FollowUpNotice
from dpa.breaches.services_follow_ups import follow_up_fan_out, follow_up_send
from tests.conftest import add_member, make_organisation, make_user
from tests.reliability.conftest import wait_for
from trustcentre.accounts.models import Membership
from trustcentre.notifications.models import OutboxMessage
from trustcentre.notifications.tasks import deliver_due_messages

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]


def test_a_follow_up_reaches_each_notified_address_exactly_once(
    smtp_sink, celery_worker, broker_delivery, monkeypatch
):
    contacts = {"alpha": "privacy@alpha.test"}
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
    services.incident_notify(incident=incident, organisations=[alpha, beta], user=dpo)

    # The form submitted, submitted again (a double click), then the fan-out re-run.
    key = uuid.uuid4()
    for _attempt in range(2):
        result = follow_up_send(
            incident=incident,
            user=dpo,
            kind="new_facts",
            body="The backup also held hashed passwords.",
            idempotency_key=key,
        )
    assert follow_up_fan_out(follow_up=result.follow_up) == []

    expected = {"admin@alpha.test", "second@alpha.test", "privacy@alpha.test", "admin@beta.test"}
    messages = OutboxMessage.objects.filter(template="breaches/follow_up")

    def all_sent():
        return messages.filter(status=OutboxMessage.Status.SENT).count() == len(expected)

    wait_for(all_sent, timeout=90, message="the follow-up emails to be sent")
    deliver_due_messages()  # a sweep after the fact sends nothing again
    time.sleep(2)  # any duplicate would have arrived by now

    received = [
        (item.recipients, item.message_id)
        for item in smtp_sink.received
        if "Follow-up 1" in item.subject
    ]
    assert sorted(recipient for recipients, _id in received for recipient in recipients) == sorted(
        expected
    )
    assert len({message_id for _recipients, message_id in received}) == len(expected)
    assert {message.message_id for message in messages} == {mid for _r, mid in received}
    assert not any("admin@gamma.test" in item.recipients for item in smtp_sink.received)
    assert FollowUpNotice.objects.filter(follow_up=result.follow_up).count() == 2
    assert {delivery.status for delivery in FollowUpDelivery.objects.all()} == {"sent"}
    assert "redelivery" not in celery_worker.log_text()
