"""message_deliver: claim, send with a stable Message-ID, record; retries back off, then give up."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.notifications.factories import make_message
from trustcentre.notifications.models import DeliveryAttempt, OutboxMessage
from trustcentre.notifications.services import message_deliver, retry_delay

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status
Outcome = DeliveryAttempt.Outcome


def make_due(message):
    """Time travel for one row: its retry delay has passed."""
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


def test_sends_one_email_with_text_html_and_the_rows_message_id(mail_server):
    message = make_message(headers={"List-Unsubscribe": "<https://example.test/u>"})

    message_deliver(message_id=message.pk)

    assert len(mail.outbox) == 1
    sent = mail.outbox[0].message()
    assert sent["Message-ID"] == message.message_id
    assert sent["List-Unsubscribe"] == "<https://example.test/u>"
    assert sent["To"] == "reader@example.test"
    assert sent["Subject"] == message.subject
    assert [part.get_content_type() for part in sent.walk()][1:] == ["text/plain", "text/html"]
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    attempt = message.delivery_attempts.get()
    assert (attempt.number, attempt.outcome) == (1, Outcome.SENT)
    assert attempt.finished_at >= attempt.started_at


def test_a_second_run_sends_nothing(mail_server):
    message = make_message()

    message_deliver(message_id=message.pk)
    assert message_deliver(message_id=message.pk) is None

    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_a_message_another_worker_is_sending_is_not_claimed(mail_server):
    message = make_message()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=timezone.now()
    )

    assert message_deliver(message_id=message.pk) is None
    assert mail.outbox == []


def test_a_message_not_yet_due_waits(mail_server):
    message = make_message()
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )

    assert message_deliver(message_id=message.pk) is None
    assert mail.outbox == []


def test_a_refusing_server_defers_with_growing_delays_and_the_same_message_id(mail_server):
    message = make_message()
    mail_server.FAILURES.extend(mail_server.temporary_failure() for _ in range(4))

    delays = []
    for _ in range(4):
        before = timezone.now()
        message_deliver(message_id=message.pk)
        message.refresh_from_db()
        assert message.status == Status.PENDING
        assert "421" in message.last_error
        delays.append(message.next_attempt_at - before)
        make_due(message)
    message_deliver(message_id=message.pk)

    # 1, 2, 4, 8 minutes, each shortened by at most a fifth (jitter).
    for number, delay in enumerate(delays):
        nominal = timedelta(minutes=2**number)
        assert nominal * 0.8 <= delay <= nominal + timedelta(seconds=1)
    assert delays == sorted(delays)
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.last_error == ""
    assert len(mail.outbox) == 1
    assert mail.outbox[0].message()["Message-ID"] == message.message_id
    attempts = list(message.delivery_attempts.order_by("number"))
    assert [a.outcome for a in attempts] == [Outcome.DEFERRED] * 4 + [Outcome.SENT]
    assert all(a.retry_at and a.error for a in attempts[:4])


def test_retry_delays_are_capped_at_an_hour(settings):
    for attempt in range(1, 30):
        assert retry_delay(attempt=attempt) <= timedelta(hours=1)
    assert retry_delay(attempt=25) >= timedelta(minutes=48)


def test_gives_up_after_the_maximum_attempts_and_says_why(mail_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = make_message()
    mail_server.FAILURES.extend(mail_server.temporary_failure() for _ in range(5))

    for _ in range(5):
        message_deliver(message_id=message.pk)
        make_due(message)

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == 3
    assert message.last_error.startswith("Gave up after 3 attempts.")
    assert "421" in message.last_error
    assert message.delivery_attempts.last().outcome == Outcome.FAILED
    assert mail.outbox == []


def test_a_recipient_refused_for_good_fails_at_once(mail_server):
    message = make_message(to="nobody@example.test")
    mail_server.FAILURES.append(mail_server.permanent_refusal("nobody@example.test"))

    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == 1
    assert "550" in message.last_error


def test_a_connection_error_is_a_retry(mail_server):
    message = make_message()
    mail_server.FAILURES.append(ConnectionRefusedError(111, "Connection refused"))

    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert "Connection refused" in message.last_error


def test_a_retry_after_a_known_failure_is_logged_as_a_retry(mail_server, caplog):
    message = make_message()
    mail_server.FAILURES.append(mail_server.temporary_failure())
    message_deliver(message_id=message.pk)
    make_due(message)

    with caplog.at_level(logging.INFO, logger="trustcentre.notifications.services"):
        message_deliver(message_id=message.pk)

    assert any("retrying outbox message" in r.getMessage() for r in caplog.records)
    assert not any("redelivery" in r.getMessage() for r in caplog.records)


def test_a_resend_after_an_unknown_outcome_is_logged_as_a_redelivery(mail_server, caplog):
    message = make_message()
    # A worker claimed the row, maybe handed it to the server, and died before recording it.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.PENDING, attempts=1, next_attempt_at=timezone.now()
    )
    DeliveryAttempt.objects.create(message=message, number=1, outcome=Outcome.ABANDONED)

    with caplog.at_level(logging.WARNING, logger="trustcentre.notifications.services"):
        message_deliver(message_id=message.pk)

    redeliveries = [r for r in caplog.records if "redelivery" in r.getMessage()]
    assert len(redeliveries) == 1
    assert message.message_id in redeliveries[0].getMessage()
    assert mail.outbox[0].message()["Message-ID"] == message.message_id
