"""Webhooks: registration refuses http and internal destinations; deliveries are signed per
Standard Webhooks (verified here with the `standardwebhooks` package on a loopback server),
retried with growing delays, never follow a redirect, and a 410 disables the endpoint and emails
the customer's admins."""

import http.server
import json
import threading
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from subprocessors import services
from tests.conftest import login_with_second_factor
from tests.subprocessors.conftest import earliest_effective
from trustcentre.notifications import webhooks
from trustcentre.notifications.models import WebhookEndpoint, WebhookMessage

pytestmark = pytest.mark.django_db

EVENTS = ["subprocessor.change.announced", "subprocessor.change.effective"]


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",
        "https://127.0.0.1/x",
        "https://[::1]/x",
        "https://169.254.169.254/latest/meta-data",
        "https://10.1.2.3/x",
        "https://192.168.0.10/x",
        "https://localhost/x",
    ],
)
def test_registration_refuses_http_and_internal_destinations(url, org_a, admin_a):
    with pytest.raises(ValidationError) as refused:
        webhooks.webhook_endpoint_create(organisation=org_a, url=url, events=EVENTS, user=admin_a)
    assert "url" in refused.value.message_dict
    assert not WebhookEndpoint.objects.exists()


def test_a_name_resolving_to_a_private_address_is_refused_at_send_time(org_a, monkeypatch):
    endpoint = WebhookEndpoint.objects.create(
        organisation=org_a,
        url="https://hooks.example.com/x",
        events=EVENTS,
        secret=webhooks.new_secret(),
    )
    connected = []
    monkeypatch.setattr(webhooks, "_resolve", lambda host, port: ["10.0.0.7"])  # DNS rebinding
    monkeypatch.setattr(webhooks.socket, "create_connection", lambda *a, **k: connected.append(a))
    (message,) = webhooks.webhook_publish(
        event_type="subprocessor.change.announced",
        data={"id": "x"},
        cause="t:1",
        organisation=org_a,
    )
    webhooks.webhook_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert connected == []
    assert message.status == WebhookMessage.Status.PENDING
    assert "private network" in message.last_error
    assert endpoint.pk


class Receiver(http.server.BaseHTTPRequestHandler):
    answers: list = []
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        status = Receiver.answers.pop(0) if Receiver.answers else 204
        self.send_response(status)
        if status in (301, 302):
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = True
    Receiver.answers, Receiver.received = [], []
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hooks"
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(receiver, org_a, admin_a):
    return webhooks.webhook_endpoint_create(
        organisation=org_a, url=receiver, events=EVENTS, user=admin_a
    )


def test_announcement_webhook_verifies_with_standardwebhooks(
    endpoint, draft, legal_user, admin_b, committed
):
    registered, secret = endpoint
    with committed():
        notice = services.notice_announce(
            notice=draft, effective_date=earliest_effective(), user=legal_user
        )
    (received,) = Receiver.received  # org_b has no endpoint, so one delivery
    headers, body = received
    payload = Webhook(secret).verify(body, headers)
    assert payload["type"] == "subprocessor.change.announced"
    assert payload["data"]["id"] == str(notice.public_id)
    row = notice.recipients.get(organisation=registered.organisation)
    assert datetime.fromisoformat(payload["data"]["objection_deadline"]) == row.objection_deadline
    message = WebhookMessage.objects.get()
    assert headers["webhook-id"] == message.webhook_id
    assert message.status == WebhookMessage.Status.SENT
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"announced", b"announcee"), headers)


def test_failures_are_retried_with_growing_delays_and_redirects_not_followed(endpoint, org_a):
    Receiver.answers = [500, 302, 204]
    (message,) = webhooks.webhook_publish(
        event_type="subprocessor.change.announced",
        data={"id": "x"},
        cause="t:2",
        organisation=org_a,
    )
    now = timezone.now()
    webhooks.webhook_deliver(message_id=message.pk)
    message.refresh_from_db()
    first_delay = message.next_attempt_at - now
    assert message.status == "pending" and timedelta(seconds=3) < first_delay <= timedelta(
        seconds=6
    )
    WebhookMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    webhooks.webhook_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert "Redirects are not followed" in message.last_error
    assert message.next_attempt_at - timezone.now() > timedelta(minutes=3)
    WebhookMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    webhooks.webhook_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == "sent"
    assert [a.status_code for a in message.tries.order_by("number")] == [500, 302, 204]
    assert len(Receiver.received) == 3  # the redirect target was never contacted
    ids = {headers["webhook-id"] for headers, _ in Receiver.received}
    assert ids == {message.webhook_id}
    assert sum(webhooks.RETRY_SCHEDULE, timedelta()) > timedelta(hours=24)


def test_410_disables_the_endpoint_and_emails_the_admins(endpoint, org_a, committed):
    registered, _secret = endpoint
    Receiver.answers = [410]
    with committed():
        (message,) = webhooks.webhook_publish(
            event_type="subprocessor.change.announced",
            data={"id": "x"},
            cause="t:3",
            organisation=org_a,
        )
    registered.refresh_from_db()
    assert registered.is_active is False and "410" in registered.disabled_reason
    assert [m.to for m in mail.outbox] == [["admin@acme.test"]]
    assert registered.url in mail.outbox[0].body
    # Nothing more is written for a disabled endpoint.
    assert (
        webhooks.webhook_publish(event_type="subprocessor.change.announced", data={}, cause="t:4")
        == []
    )


def test_portal_admin_registers_an_endpoint_and_sees_the_secret_once(
    client, admin_a, member_a, receiver
):
    login_with_second_factor(client, admin_a)
    response = client.post(
        "/portal/subprocessors/acme/webhooks/",
        {"url": receiver, "events": EVENTS, "description": "CRM"},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.encode() in response.content
    listing = client.get("/portal/subprocessors/acme/webhooks/")
    assert endpoint.secret.encode() not in listing.content
    client.force_login(member_a)
    assert client.get("/portal/subprocessors/acme/webhooks/").status_code == 403


def test_portal_refuses_a_plain_http_url(client, admin_a):
    login_with_second_factor(client, admin_a)
    response = client.post(
        "/portal/subprocessors/acme/webhooks/",
        {"url": "http://hooks.example.com/", "events": EVENTS},
    )
    assert b"must start with https://" in response.content
    assert not WebhookEndpoint.objects.exists()


def test_payload_is_json(endpoint, org_a):
    (message,) = webhooks.webhook_publish(
        event_type="subprocessor.change.effective",
        data={"id": "y"},
        cause="t:5",
        organisation=org_a,
    )
    assert json.loads(webhooks.webhook_body(message))["data"] == {"id": "y"}
