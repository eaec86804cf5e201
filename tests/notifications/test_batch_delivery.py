"""Many emails go over one SMTP connection per batch, each with its own outcome: a recipient or a
message the server refuses fails (or waits for its retry) alone, and the minute sweep leaves
alone what is already queued, but not for long: a message whose task never reached the broker,
or was lost with it, is queued again by the next sweeps."""

import datetime
import socket

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.utils import timezone

from tests.notifications.factories import make_message
from trustcentre.notifications.models import DeliveryAttempt, OutboxMessage
from trustcentre.notifications.services import (
    QUEUED_LEASE_SECONDS,
    email_enqueue_many,
    messages_deliver,
)
from trustcentre.notifications.tasks import deliver_due_messages, deliver_messages

pytestmark = pytest.mark.django_db


class Server:
    """A mail server on loopback that refuses the addresses it is told to, and remembers each
    SMTP session (one per connection)."""

    def __init__(self):
        self.refuse = {}  # address -> "550 ..." or "450 ..."
        self.refuse_data = {}  # address -> "554 ..." (or "421 ...") at the end of DATA
        self.sessions = []
        self.accepted = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.sessions.append(session)
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        for address in envelope.rcpt_tos:
            if address in self.refuse_data:
                return self.refuse_data[address]
        self.accepted.extend(envelope.rcpt_tos)
        return "250 2.0.0 Accepted"


@pytest.fixture
def smtp_server(settings):
    handler = Server()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    yield handler
    controller.stop()


def batch(count, *, committed):
    """`count` emails written in one change, as an announcement writes them."""
    with committed(), transaction.atomic():
        ids = email_enqueue_many(
            [
                {
                    "to": f"reader{n}@example.test",
                    "template": "test_notice",
                    "context": {"topic": "A new sub-processor"},
                    "cause": "announcement:1",
                }
                for n in range(count)
            ]
        )
    return list(OutboxMessage.objects.filter(pk__in=ids.values()).order_by("pk"))


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_batch_goes_over_one_connection(smtp_server):
    messages = [make_message(to=f"reader{n}@example.test") for n in range(20)]

    delivered = messages_deliver(message_ids=[m.pk for m in messages])

    assert len(delivered) == 20
    assert sorted(smtp_server.accepted) == sorted(m.to_email for m in messages)
    assert len(smtp_server.sessions) == 1
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 20
    assert set(DeliveryAttempt.objects.values_list("outcome", flat=True)) == {"sent"}


def test_a_refused_recipient_fails_alone(smtp_server):
    messages = [make_message(to=f"reader{n}@example.test") for n in range(5)]
    smtp_server.refuse["reader2@example.test"] = "550 5.1.1 No such mailbox"
    smtp_server.refuse["reader3@example.test"] = "450 4.2.1 Mailbox busy, try later"

    deliver_messages(message_ids=[m.pk for m in messages])

    status = dict(OutboxMessage.objects.values_list("to_email", "status"))
    assert status == {
        "reader0@example.test": "sent",
        "reader1@example.test": "sent",
        "reader2@example.test": "failed",
        "reader3@example.test": "pending",  # a temporary refusal is retried later
        "reader4@example.test": "sent",
    }
    assert sorted(smtp_server.accepted) == [
        "reader0@example.test",
        "reader1@example.test",
        "reader4@example.test",
    ]
    refused = OutboxMessage.objects.get(to_email="reader2@example.test")
    assert "No such mailbox" in refused.last_error
    later = OutboxMessage.objects.get(to_email="reader3@example.test")
    assert later.next_attempt_at > timezone.now()
    assert len(smtp_server.sessions) == 1


def test_emails_written_together_are_delivered_in_batches(smtp_server, committed, notice_template):
    messages = batch(150, committed=committed)

    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 150
    assert sorted(smtp_server.accepted) == sorted(m.to_email for m in messages)
    # 100 messages a task, one connection a task.
    assert len(smtp_server.sessions) == 2


def test_a_message_refused_after_its_content_fails_alone(smtp_server):
    messages = [make_message(to=f"reader{n}@example.test") for n in range(4)]
    smtp_server.refuse_data["reader1@example.test"] = "554 5.6.0 Message refused"

    messages_deliver(message_ids=[m.pk for m in messages])

    status = dict(OutboxMessage.objects.values_list("to_email", "status"))
    assert status == {
        "reader0@example.test": "sent",
        "reader1@example.test": "failed",
        "reader2@example.test": "sent",
        "reader3@example.test": "sent",
    }
    refused = OutboxMessage.objects.get(to_email="reader1@example.test")
    assert "Message refused" in refused.last_error
    assert refused.delivery_attempts.get().outcome == DeliveryAttempt.Outcome.FAILED
    assert len(smtp_server.sessions) == 1


def test_a_server_closing_the_session_on_one_message_still_hears_the_next(smtp_server):
    messages = [make_message(to=f"reader{n}@example.test") for n in range(4)]
    smtp_server.refuse_data["reader1@example.test"] = "421 4.3.2 Closing, try again later"

    messages_deliver(message_ids=[m.pk for m in messages])

    status = dict(OutboxMessage.objects.values_list("to_email", "status"))
    assert status == {
        "reader0@example.test": "sent",
        "reader1@example.test": "pending",  # deferred, retried later
        "reader2@example.test": "sent",
        "reader3@example.test": "sent",
    }
    assert len(smtp_server.sessions) == 2  # a new connection after the 421


def test_the_sweep_does_not_queue_a_message_already_queued(
    smtp_server, committed, monkeypatch, time_machine, notice_template
):
    queued = []
    # The broker keeps the tasks; no worker has taken them yet.
    monkeypatch.setattr(deliver_messages, "delay", lambda ids: queued.append(list(ids)))
    messages = batch(3, committed=committed)
    assert queued == [[m.pk for m in messages]]

    assert deliver_due_messages() == 0
    assert queued == [[m.pk for m in messages]]

    # A task still not taken after the lease is presumed lost with its broker: queued again
    # within a minute, not after the sending timeout.
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=QUEUED_LEASE_SECONDS + 1))
    assert deliver_due_messages() == 3
    assert queued[-1] == [m.pk for m in messages]
    assert deliver_due_messages() == 0

    # Both tasks run: each message goes once.
    for ids in queued:
        deliver_messages(ids)
    assert sorted(smtp_server.accepted) == sorted(m.to_email for m in messages)


def test_a_message_whose_task_never_reached_the_broker_goes_with_the_next_sweep(
    smtp_server, committed, monkeypatch, notice_template
):
    from kombu.exceptions import OperationalError

    def broker_down(ids):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_messages, "delay", broker_down)
    messages = batch(3, committed=committed)  # the change itself commits
    assert OutboxMessage.objects.filter(queued_at__isnull=True).count() == 3
    assert smtp_server.accepted == []

    monkeypatch.undo()  # the broker answers again
    assert deliver_due_messages() == 3

    assert sorted(smtp_server.accepted) == sorted(m.to_email for m in messages)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
