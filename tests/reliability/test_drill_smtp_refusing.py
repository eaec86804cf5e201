"""R6 drill, for a batch: the mail server refuses for a while, in three ways (421 to DATA,
450 "mailbox busy" to every recipient, and no server at all: connection refused), while a real
worker on Redis and PostgreSQL delivers 30 committed emails. Every one is deferred with growing
delays, none is given up, and once the server takes mail again each arrives exactly once, with
its row's Message-ID; no attempt ran before its due time."""

import time

import pytest
from aiosmtpd.controller import Controller

from tests.reliability.conftest import SmtpSink, enqueue_notices, free_port, wait_for
from trustcentre.notifications.models import DeliveryAttempt, OutboxMessage
from trustcentre.notifications.tasks import deliver_due_messages

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

Status = OutboxMessage.Status
Outcome = DeliveryAttempt.Outcome
MESSAGES = 30
REFUSING_SECONDS = 10


class BusySink(SmtpSink):
    """While `busy`, answers every RCPT TO with 450 (a temporary refusal per recipient)."""

    busy: bool = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.busy:
            with self._lock:
                self.refusals += 1
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class SmtpServer:
    """The sink behind a controller that can be stopped (connection refused) and started again
    on the same port."""

    def __init__(self):
        self.sink = BusySink(port=free_port())
        self.controller = None

    def start(self):
        self.controller = Controller(self.sink, hostname=self.sink.host, port=self.sink.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_sink(smtp_server):
    """The conftest's worker settings read the sink's address from here."""
    return smtp_server.sink


def refuse(server: SmtpServer, how: str) -> None:
    if how == "421_to_data":
        server.sink.refusing = True
    elif how == "450_to_recipients":
        server.sink.busy = True
    else:
        server.stop()


def accept(server: SmtpServer, how: str) -> None:
    if how == "421_to_data":
        server.sink.refusing = False
    elif how == "450_to_recipients":
        server.sink.busy = False
    else:
        server.start()


@pytest.mark.parametrize("how", ["421_to_data", "450_to_recipients", "connection_refused"])
def test_a_refusing_mail_server_delays_but_never_loses_or_doubles_mail(
    how, smtp_server, celery_worker, broker_delivery, notice_template
):
    refuse(smtp_server, how)
    messages = enqueue_notices(notice_template, MESSAGES, cause="smtp-drill")
    ids = [message.pk for message in messages]
    refused_until = time.monotonic() + REFUSING_SECONDS

    def beat(condition):
        def swept():
            deliver_due_messages()  # what beat does every minute
            return condition()

        return swept

    def deferred_twice():
        rows = OutboxMessage.objects.filter(pk__in=ids, status=Status.PENDING)
        return rows.filter(attempts__gte=2).count() == MESSAGES

    wait_for(beat(deferred_twice), timeout=60, interval=1, message="every message refused twice")
    time.sleep(max(0.0, refused_until - time.monotonic()))
    assert smtp_server.sink.received == []
    assert not OutboxMessage.objects.filter(pk__in=ids, status=Status.FAILED).exists()
    accept(smtp_server, how)

    def all_sent():
        return OutboxMessage.objects.filter(pk__in=ids, status=Status.SENT).count() == MESSAGES

    wait_for(beat(all_sent), timeout=90, interval=1, message=f"{MESSAGES} emails sent")
    time.sleep(2)  # a duplicate would have arrived by now

    received = smtp_server.sink.message_ids()
    assert len(received) == MESSAGES
    assert sorted(received) == sorted(
        m.message_id for m in OutboxMessage.objects.filter(pk__in=ids)
    )
    for item in smtp_server.sink.received:
        (address,) = item.recipients
        assert OutboxMessage.objects.get(to_email=address).message_id == item.message_id

    deferred_total = 0
    for message in OutboxMessage.objects.filter(pk__in=ids):
        attempts = list(message.delivery_attempts.order_by("number"))
        assert [a.number for a in attempts] == list(range(1, message.attempts + 1))
        assert attempts[-1].outcome == Outcome.SENT
        deferred = attempts[:-1]
        assert len(deferred) >= 2
        assert all(a.outcome == Outcome.DEFERRED for a in deferred)
        deferred_total += len(deferred)
        # Growing delays (1, 2, 4, ... s here, with jitter), and no attempt before its time.
        waits = [(a.retry_at - a.finished_at).total_seconds() for a in deferred]
        assert waits == sorted(waits) and waits[-1] > waits[0], waits
        for earlier, later in zip(attempts, attempts[1:], strict=False):
            assert later.started_at >= earlier.retry_at
    if how != "connection_refused":
        assert smtp_server.sink.refusals == deferred_total
    assert "redelivery" not in celery_worker.log_text()
