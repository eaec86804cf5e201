"""Webhook attempts that time out (found by the webhook timeout drill): an endpoint trickling its
answer is given up after the timeout as a silent one is, and the retry delay counts from the
failure, so a slow attempt does not eat the schedule's first wait."""

import datetime
import socket
import threading
import time

import pytest
from django.utils import timezone

from trustcentre.notifications import webhooks
from trustcentre.notifications.models import WebhookEndpoint, WebhookMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def trickling_endpoint():
    """Answers `HTTP/1.1 200 OK` and then one header byte every 0.2 s, never finishing."""
    listener = socket.create_server(("127.0.0.1", 0))
    stopping = threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stopping.is_set():
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with client:
                client.recv(65536)
                try:
                    client.sendall(b"HTTP/1.1 200 OK\r\n")
                    while not stopping.wait(0.2):
                        client.sendall(b"X")
                except OSError:
                    pass  # the sender gave up

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hooks"
    stopping.set()
    listener.close()
    thread.join(timeout=5)


def publish(org, url):
    WebhookEndpoint.objects.create(
        organisation=org,
        url=url,
        events=["subprocessor.change.announced"],
        secret=webhooks.new_secret(),
    )
    (message,) = webhooks.webhook_publish(
        event_type="subprocessor.change.announced", data={"id": "x"}, cause="t:1", organisation=org
    )
    return message


def test_an_endpoint_trickling_its_answer_is_given_up_after_the_timeout(
    org_a, trickling_endpoint, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    message = publish(org_a, trickling_endpoint)

    started = time.monotonic()
    webhooks.webhook_deliver(message_id=message.pk)
    took = time.monotonic() - started

    assert took < 4  # without a deadline it hangs for as long as the endpoint trickles
    message.refresh_from_db()
    assert message.status == WebhookMessage.Status.PENDING
    assert "timed out" in message.last_error
    (attempt,) = message.tries.all()
    assert attempt.status_code is None and not attempt.succeeded


def test_the_retry_delay_counts_from_the_end_of_a_slow_attempt(org_a, settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = True
    message = publish(org_a, "http://127.0.0.1:9/hooks")
    clock = [timezone.now()]
    monkeypatch.setattr(webhooks.timezone, "now", lambda: clock[0])

    def fifteen_seconds_then_timeout(url, body, headers):
        clock[0] += datetime.timedelta(seconds=15)  # the default timeout
        raise TimeoutError("timed out")

    monkeypatch.setattr(webhooks, "_post", fifteen_seconds_then_timeout)
    started = clock[0]
    webhooks.webhook_deliver(message_id=message.pk)

    message.refresh_from_db()
    (attempt,) = message.tries.all()
    assert attempt.finished_at == started + datetime.timedelta(seconds=15)
    wait = message.next_attempt_at - attempt.finished_at
    assert datetime.timedelta(seconds=4) <= wait <= datetime.timedelta(seconds=5)
    assert attempt.retry_at == message.next_attempt_at
