"""The periodic sweep: delivers what is due, and takes rows back from workers that died."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.notifications.factories import make_message
from trustcentre.notifications.models import DeliveryAttempt, OutboxMessage
from trustcentre.notifications.services import message_deliver
from trustcentre.notifications.tasks import deliver_due_messages, deliver_message

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


def claimed_by_a_dead_worker(message, *, minutes_ago, attempts=1):
    claimed_at = timezone.now() - timedelta(minutes=minutes_ago)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=claimed_at, attempts=attempts
    )
    DeliveryAttempt.objects.create(message=message, number=attempts, started_at=claimed_at)


def test_delivers_due_messages_and_leaves_the_rest(mail_server):
    due = [make_message(), make_message()]
    later = make_message()
    OutboxMessage.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(hours=1)
    )
    done = make_message()
    message_deliver(message_id=done.pk)

    assert deliver_due_messages() == 2

    sent_ids = {m.message()["Message-ID"] for m in mail.outbox}
    assert sent_ids == {m.message_id for m in (*due, done)}
    for message in due:
        message.refresh_from_db()
        assert message.status == Status.SENT
    later.refresh_from_db()
    assert later.status == Status.PENDING
    assert len(mail.outbox) == 3  # `done` was not sent again


def test_reclaims_a_row_whose_worker_died_and_sends_it_with_the_same_message_id(
    mail_server, settings, caplog
):
    settings.OUTBOX_SENDING_TIMEOUT = 300
    stuck = make_message()
    claimed_by_a_dead_worker(stuck, minutes_ago=6)
    busy = make_message()
    claimed_by_a_dead_worker(busy, minutes_ago=1)  # its worker may still be talking to the server

    with caplog.at_level(logging.WARNING, logger="trustcentre.notifications.services"):
        assert deliver_due_messages() == 1

    stuck.refresh_from_db()
    assert stuck.status == Status.SENT
    assert stuck.attempts == 2
    assert [m.message()["Message-ID"] for m in mail.outbox] == [stuck.message_id]
    first, second = stuck.delivery_attempts.order_by("number")
    assert first.outcome == DeliveryAttempt.Outcome.ABANDONED
    assert second.outcome == DeliveryAttempt.Outcome.SENT
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "reclaimed outbox message" in logged
    assert "redelivery" in logged
    busy.refresh_from_db()
    assert busy.status == Status.SENDING


def test_a_row_that_keeps_killing_workers_fails_in_the_end(mail_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = make_message()
    claimed_by_a_dead_worker(message, minutes_ago=60, attempts=3)

    assert deliver_due_messages() == 0

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.last_error.startswith("Gave up after 3 attempts.")
    assert mail.outbox == []


def test_a_duplicate_task_is_harmless(mail_server):
    message = make_message()

    deliver_message.delay(message.pk)
    deliver_message.delay(message.pk)
    deliver_due_messages.delay()

    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_tasks_go_to_the_notifications_queue():
    from trustcentre.celery import app

    for task in (deliver_message, deliver_due_messages):
        route = app.amqp.router.route({}, task.name, args=(), kwargs={})
        assert route["queue"].name == "notifications"
