"""Where a customer's webhook may point: public addresses on allowed ports only, including the
IPv4 address hidden inside 6to4, Teredo, NAT64 and IPv4-mapped IPv6 addresses, at registration
and again when the host is resolved to connect."""

import pytest
from django.core.exceptions import ValidationError

from trustcentre.notifications import webhooks
from trustcentre.notifications.models import WebhookEndpoint, WebhookMessage

EVENTS = ["subprocessor.change.announced"]


@pytest.mark.parametrize(
    "url",
    [
        "https://[2002:7f00:1::]/hooks",  # 6to4 of 127.0.0.1
        "https://[2002:a9fe:a9fe::]/hooks",  # 6to4 of the cloud metadata address
        "https://[2002:0a00:0001::]/hooks",  # 6to4 of 10.0.0.1
        "https://[::ffff:169.254.169.254]/hooks",  # IPv4-mapped
        "https://[64:ff9b::7f00:1]/hooks",  # NAT64 of 127.0.0.1
        "https://[64:ff9b::a9fe:a9fe]/hooks",  # NAT64 of the metadata address
        "https://[64:ff9b:1::c0a8:1]/hooks",  # local-use NAT64 of 192.168.0.1
        "https://[::7f00:1]/hooks",  # IPv4-compatible 127.0.0.1
        # Teredo: server 65.54.227.120, client 192.168.1.1 (stored inverted: 3f57:fefe)
        "https://[2001:0:4136:e378:8000:63bf:3f57:fefe]/hooks",
    ],
)
def test_an_ipv4_address_inside_ipv6_is_checked_like_any_ipv4_address(url, org_a, admin_a):
    with pytest.raises(ValidationError) as refused:
        webhooks.webhook_endpoint_create(organisation=org_a, url=url, events=EVENTS, user=admin_a)
    assert "private network" in " ".join(refused.value.message_dict["url"])
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("port", [22, 25, 6379, 80, 8443])
def test_only_allowed_ports_are_accepted(port, org_a, admin_a):
    with pytest.raises(ValidationError) as refused:
        webhooks.webhook_endpoint_create(
            organisation=org_a,
            url=f"https://93.184.216.34:{port}/hooks",
            events=EVENTS,
            user=admin_a,
        )
    assert f"{port} is not allowed" in " ".join(refused.value.message_dict["url"])
    assert not WebhookEndpoint.objects.exists()


def test_a_public_address_on_an_allowed_port_is_accepted(org_a, admin_a, settings):
    settings.WEBHOOK_ALLOWED_PORTS = frozenset({443, 8443})
    for url in ("https://93.184.216.34/hooks", "https://93.184.216.34:8443/hooks"):
        webhooks.webhook_endpoint_create(organisation=org_a, url=url, events=EVENTS, user=admin_a)
    assert WebhookEndpoint.objects.filter(organisation=org_a).count() == 2


def test_an_invalid_port_is_a_clear_message(org_a, admin_a):
    with pytest.raises(ValidationError) as refused:
        webhooks.webhook_endpoint_create(
            organisation=org_a, url="https://93.184.216.34:99999/x", events=EVENTS, user=admin_a
        )
    assert "invalid port" in " ".join(refused.value.message_dict["url"])


@pytest.mark.parametrize("resolved", ["2002:7f00:1::", "64:ff9b::a9fe:a9fe", "::ffff:10.0.0.7"])
def test_a_name_resolving_to_an_embedded_private_address_is_refused_when_connecting(
    resolved, org_a, monkeypatch
):
    WebhookEndpoint.objects.create(
        organisation=org_a,
        url="https://hooks.example.com/x",
        events=EVENTS,
        secret=webhooks.new_secret(),
    )
    connected = []
    monkeypatch.setattr(webhooks, "_resolve", lambda host, port: [resolved])  # DNS rebinding
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


def test_a_stored_url_on_a_port_no_longer_allowed_is_refused_when_connecting(org_a, monkeypatch):
    WebhookEndpoint.objects.create(
        organisation=org_a,
        url="https://hooks.example.com:6379/x",
        events=EVENTS,
        secret=webhooks.new_secret(),
    )
    connected = []
    monkeypatch.setattr(webhooks, "_resolve", lambda host, port: ["93.184.216.34"])
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
    assert "6379 is not allowed" in message.last_error
