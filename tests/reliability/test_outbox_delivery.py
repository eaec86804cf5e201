"""Drills for email delivery through a real worker, broker and SMTP server.

- Every committed outbox row reaches the mail server exactly once, with the row's Message-ID.
- R6: the server answers 421 for a while; the message stays pending with growing delays, and is
  delivered once after the server recovers."""

import time

import pytest

from tests.reliability.conftest import enqueue_notices, wait_for
from trustcentre.notifications.models import DeliveryAttempt, OutboxMessage
from trustcentre.notifications.tasks import deliver_due_messages

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

Status = OutboxMessage.Status


def all_sent(messages):
    ids = [message.pk for message in messages]
    return OutboxMessage.objects.filter(pk__in=ids, status=Status.SENT).count() == len(ids)


def test_every_committed_email_arrives_once_with_its_message_id(
    smtp_sink, celery_worker, broker_delivery, notice_template
):
    messages = enqueue_notices(notice_template, 25)

    wait_for(lambda: all_sent(messages), timeout=90, message="25 emails to be sent")
    # A sweep after the fact must not send anything again.
    deliver_due_messages()
    time.sleep(2)

    expected = {message.message_id: message.to_email for message in messages}
    received = {item.message_id: item.recipients for item in smtp_sink.received}
    assert len(smtp_sink.received) == 25
    assert received == {message_id: [to] for message_id, to in expected.items()}
    for message in OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]):
        assert message.attempts == 1
        assert message.sent_at is not None
    assert "redelivery" not in celery_worker.log_text()


def test_r6_a_refusing_server_delays_delivery_until_it_recovers(
    smtp_sink, celery_worker, broker_delivery, notice_template
):
    smtp_sink.refusing = True
    (message,) = enqueue_notices(notice_template, 1, cause="r6")

    def deferred_times(count):
        """Drive the sweep (beat's job) until the worker has been refused `count` times."""
        deliver_due_messages()
        refused = message.delivery_attempts.filter(outcome=DeliveryAttempt.Outcome.DEFERRED)
        return refused.count() >= count

    wait_for(lambda: deferred_times(4), timeout=90, interval=0.5, message="four refused attempts")
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert "421" in message.last_error
    assert smtp_sink.received == []

    smtp_sink.refusing = False

    def delivered():
        deliver_due_messages()
        message.refresh_from_db()
        return message.status == Status.SENT

    wait_for(delivered, timeout=90, interval=0.5, message="delivery after recovery")
    time.sleep(2)  # any duplicate would have arrived by now

    assert smtp_sink.message_ids() == [message.message_id]
    attempts = list(message.delivery_attempts.order_by("number"))
    refused = [a for a in attempts if a.outcome == DeliveryAttempt.Outcome.DEFERRED]
    assert attempts[-1].outcome == DeliveryAttempt.Outcome.SENT
    assert len(refused) == smtp_sink.refusals == len(attempts) - 1
    # Growing delays: each wait the worker set is longer than the one before (1, 2, 4, ... s).
    waits = [(a.retry_at - a.finished_at).total_seconds() for a in refused]
    assert waits == sorted(waits) and waits[-1] > waits[0]
    # ... and the attempts really were that far apart.
    gaps = [
        (later.started_at - earlier.finished_at).total_seconds()
        for earlier, later in zip(attempts, attempts[1:], strict=False)
    ]
    assert all(gap >= wait - 0.05 for gap, wait in zip(gaps, waits, strict=True))
