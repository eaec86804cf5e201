"""R3, for one message: `kill -9` of the worker at the three points that matter, then a new worker
and the sweep. Before the server accepted it and after the row was committed, the message arrives
once; between the server's acceptance and the commit, it may arrive twice, with the same
Message-ID, and the resend is logged as a redelivery."""

import pytest
from django.db import transaction

from tests.reliability.conftest import wait_for
from trustcentre.notifications.models import DeliveryAttempt, OutboxMessage
from trustcentre.notifications.services import email_enqueue
from trustcentre.notifications.tasks import deliver_due_messages

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

Status = OutboxMessage.Status
Outcome = DeliveryAttempt.Outcome


def enqueue_one(template, cause):
    with transaction.atomic():
        return email_enqueue(
            to="subscriber@example.test", template=template, context={"topic": "x"}, cause=cause
        )


def status_of(message):
    message.refresh_from_db()
    return message.status


def sweep_until_sent(message):
    def sent():
        deliver_due_messages()
        return status_of(message) == Status.SENT

    wait_for(sent, timeout=60, interval=0.5, message="the message to be sent after the crash")


@pytest.fixture
def quick_reclaim(settings):
    # The sweep runs in this process: a row claimed more than a second ago by a dead worker is
    # taken back at once instead of after five minutes.
    settings.OUTBOX_SENDING_TIMEOUT = 1


@pytest.mark.parametrize("point", ["before_acceptance", "after_acceptance"])
def test_killed_while_talking_to_the_server(
    point, smtp_sink, start_worker, broker_delivery, notice_template, quick_reclaim
):
    worker = start_worker()
    setattr(smtp_sink, point, worker.kill)

    message = enqueue_one(notice_template, f"r3:{point}")
    wait_for(lambda: worker.process.poll() is not None, timeout=30, message="the worker to die")
    assert status_of(message) == Status.SENDING  # claimed, outcome unknown

    replacement = start_worker()
    sweep_until_sent(message)

    message.refresh_from_db()
    assert message.attempts == 2
    first, second = message.delivery_attempts.order_by("number")
    assert (first.outcome, second.outcome) == (Outcome.ABANDONED, Outcome.SENT)
    copies = smtp_sink.message_ids()
    if point == "before_acceptance":
        assert copies == [message.message_id]
    else:
        # The one duplicate nothing can prevent: same Message-ID, so the receiver can tell.
        assert copies == [message.message_id, message.message_id]
    assert "redelivery of outbox message" in replacement.log_text()
    assert message.message_id in replacement.log_text()


def test_killed_after_the_commit(smtp_sink, start_worker, broker_delivery, notice_template):
    worker = start_worker()
    message = enqueue_one(notice_template, "r3:after-commit")
    wait_for(lambda: status_of(message) == Status.SENT, timeout=60, message="the first delivery")

    worker.kill()
    replacement = start_worker()
    deliver_due_messages()
    deliver_due_messages.delay()  # and once more through the broker, run by the new worker
    wait_for(
        lambda: (
            "deliver_due_messages" in replacement.log_text()
            and "succeeded" in replacement.log_text()
        ),
        timeout=30,
        message="the new worker to run the sweep",
    )

    assert smtp_sink.message_ids() == [message.message_id]
    message.refresh_from_db()
    assert message.attempts == 1
    assert "redelivery" not in replacement.log_text()
