"""R7 drill, the timeout part: a customer's webhook endpoint on loopback takes the request and
never answers, either in silence or trickling out its answer a byte at a time (a per-read
timeout alone never fires on that one). A real worker gives each attempt up after the timeout,
retries on the documented schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, each shortened by
at most 20 % of jitter), and after the eighth failure disables the endpoint and emails the
organisation's admins once. Every attempt carries the same `webhook-id`, a fresh
`webhook-timestamp`, and a signature that `standardwebhooks` verifies.

The first retry waits its real five seconds; for the later ones (minutes to hours) the drill
checks that the message is not due before its time, then moves its due time to now, as the
clock would."""

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from tests.conftest import make_organisation, make_user
from tests.reliability.conftest import wait_for
from trustcentre.accounts.models import Membership
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications import webhooks
from trustcentre.notifications.models import OutboxMessage, WebhookEndpoint, WebhookMessage
from trustcentre.notifications.tasks import deliver_due_webhooks

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

TIMEOUT_SECONDS = 2
EVENT = "subprocessor.change.announced"


class HangingEndpoint:
    """Reads each request whole, records it, then answers nothing (`silent`) or one byte of a
    200 answer every 0.4 s, never finishing (`trickling`), until the client goes away."""

    def __init__(self, mode: str):
        self.mode = mode
        self.requests: list[tuple[float, dict, bytes]] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def _accept(self):
        self.listener.settimeout(0.2)
        while not self.stopping.is_set():
            try:
                client, _address = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed by stop()
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket):
        with client:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = client.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, body = data.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")[1:]
            headers = dict(line.split(": ", 1) for line in lines)
            while len(body) < int(headers.get("Content-Length", 0)):
                body += client.recv(65536)
            self.requests.append((time.monotonic(), headers, body))
            answer = b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * 10_000
            for byte in answer:
                if self.stopping.wait(0.4):
                    return
                if self.mode == "trickling":
                    try:
                        client.sendall(bytes([byte]))
                    except OSError:
                        return  # the client gave up, as it should

    def stop(self):
        self.stopping.set()
        self.listener.close()


@pytest.fixture(params=["silent", "trickling"])
def endpoint_server(request):
    server = HangingEndpoint(request.param)
    yield server
    server.stop()


@pytest.fixture
def worker_env(worker_env):
    return {
        **worker_env,
        "WEBHOOK_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
        "WEBHOOK_ALLOW_PRIVATE_DESTINATIONS": "1",
    }


@pytest.fixture
def registered(endpoint_server, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = True  # loopback, for this drill only
    organisation = make_organisation("hooked")
    admin = make_user("admin@hooked.test", full_name="Hugo Hooked")
    Membership.objects.create(user=admin, organisation=organisation, role=Membership.Role.ADMIN)
    endpoint, secret = webhooks.webhook_endpoint_create(
        organisation=organisation, url=endpoint_server.url, events=[EVENT], user=admin
    )
    return endpoint, secret


def tries(message):
    return list(message.tries.order_by("number"))


def finished_tries(message) -> int:
    return message.tries.filter(finished_at__isnull=False).count()


def test_a_hanging_endpoint_is_retried_on_schedule_then_disabled(
    endpoint_server, registered, celery_worker, broker_delivery, smtp_sink
):
    endpoint, secret = registered
    with transaction.atomic():
        (message,) = webhooks.webhook_publish(
            event_type=EVENT, data={"id": "drill"}, cause="drill:timeout", organisation=None
        )

    # Attempt 1, then the first retry in real time (5 s), the beat sweeping every half second.
    wait_for(lambda: finished_tries(message) == 1, timeout=30, message="the first attempt")

    def second_attempt_done():
        deliver_due_webhooks()
        return finished_tries(message) == 2

    wait_for(second_attempt_done, timeout=30, interval=0.5, message="the first retry")

    # The later retries: never due early; then the clock is moved to their time.
    for number in range(3, webhooks.MAX_ATTEMPTS + 1):
        message.refresh_from_db()
        assert message.status == WebhookMessage.Status.PENDING
        assert message.next_attempt_at > timezone.now() + timedelta(minutes=3)
        assert message.pk not in webhooks.webhook_due_message_ids()
        WebhookMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        deliver_due_webhooks()
        wait_for(
            lambda number=number: finished_tries(message) == number,
            timeout=30,
            message=f"attempt {number}",
        )

    message.refresh_from_db()
    attempts = tries(message)
    assert [a.number for a in attempts] == list(range(1, webhooks.MAX_ATTEMPTS + 1))
    for attempt in attempts:
        took = (attempt.finished_at - attempt.started_at).total_seconds()
        assert attempt.status_code is None and not attempt.succeeded
        # Given up after the timeout: not before, and not much after (a trickle is no answer).
        assert TIMEOUT_SECONDS - 0.5 <= took <= TIMEOUT_SECONDS + 3, (attempt.number, took)
        assert "timed out" in attempt.error.lower(), attempt.error
    # The schedule: each wait is the documented one, shortened by at most 20 % of jitter.
    for attempt, planned in zip(attempts, webhooks.RETRY_SCHEDULE, strict=False):
        wait = attempt.retry_at - attempt.finished_at
        assert planned * 0.8 - timedelta(seconds=0.01) <= wait <= planned, (attempt.number, wait)
    assert attempts[1].started_at >= attempts[0].retry_at
    assert attempts[-1].retry_at is None

    # Given up and disabled after the eighth failure (the attempt is recorded first, then the
    # endpoint disabled); the admins are told once.
    assert message.status == WebhookMessage.Status.FAILED
    wait_for(
        lambda: not WebhookEndpoint.objects.get(pk=endpoint.pk).is_active,
        timeout=30,
        message="the endpoint to be disabled",
    )
    endpoint.refresh_from_db()
    assert "kept failing" in endpoint.disabled_reason
    assert AuditEvent.objects.filter(action="webhook.endpoint_disabled").count() == 1
    (email,) = OutboxMessage.objects.filter(cause__startswith="webhook-disabled:")
    assert email.to_email == "admin@hooked.test"
    wait_for(lambda: email.message_id in smtp_sink.message_ids(), timeout=30, message="the email")
    assert smtp_sink.message_ids() == [email.message_id]
    assert endpoint.url in smtp_sink.received[0].raw.decode()
    with transaction.atomic():
        assert webhooks.webhook_publish(event_type=EVENT, data={}, cause="drill:after") == []
    assert WebhookEndpoint.objects.filter(is_active=True).count() == 0

    # What the endpoint saw: eight signed requests of one message.
    assert len(endpoint_server.requests) == webhooks.MAX_ATTEMPTS
    stamps = []
    for _at, headers, body in endpoint_server.requests:
        lowered = {name.lower(): value for name, value in headers.items()}
        assert lowered["webhook-id"] == message.webhook_id
        assert Webhook(secret).verify(body, lowered)["data"] == {"id": "drill"}
        stamps.append(int(lowered["webhook-timestamp"]))
    assert stamps == sorted(stamps) and stamps[-1] - stamps[0] >= 5
    first, second = endpoint_server.requests[0][0], endpoint_server.requests[1][0]
    assert second - first >= TIMEOUT_SECONDS + webhooks.RETRY_SCHEDULE[0].total_seconds() * 0.8
