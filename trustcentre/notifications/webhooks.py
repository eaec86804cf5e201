"""Webhooks per the Standard Webhooks specification: endpoints, the webhook outbox (a row per
event and endpoint, written in the transaction of the change), signed delivery with retries,
and the guard that keeps deliveries out of our own network.

The destination is checked twice: when the endpoint is registered (its URL) and when each
delivery connects (the addresses the name resolves to then, so DNS rebinding gains nothing).
Redirects are never followed: a 3xx is a failed attempt like any other."""

import base64
import contextlib
import http.client
import ipaddress
import json
import logging
import random
import secrets
import socket
import ssl
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from trustcentre.accounts.models import Membership
from trustcentre.audit.services import audit_record
from trustcentre.jobs.queueing import enqueue_after_commit
from trustcentre.notifications.models import (
    WebhookAttempt,
    WebhookEndpoint,
    WebhookEvent,
    WebhookMessage,
)
from trustcentre.notifications.services import email_enqueue

logger = logging.getLogger(__name__)

Status = WebhookMessage.Status

# Delays after failed attempt 1, 2, ...: the schedule the Standard Webhooks spec suggests
# (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), about 27.5 hours in all before giving up.
RETRY_SCHEDULE = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)

MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1
SENDING_TIMEOUT = timedelta(minutes=5)
ERROR_MAX_LENGTH = 1000
USER_AGENT = "TrustCentre-Webhooks/1"


class DestinationRefused(Exception):
    """The URL, or an address its host resolves to, is not one we send to."""


# IPv6 prefixes that carry an IPv4 address in their last 32 bits: NAT64 (RFC 6052's
# well-known prefix and RFC 8215's local-use prefix) and the deprecated IPv4-compatible form.
_NAT64_AND_COMPATIBLE = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("64:ff9b:1::/48"),
    ipaddress.IPv6Network("::/96"),
)


def embedded_ipv4_addresses(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: a router that translates 6to4, Teredo,
    NAT64 or IPv4-mapped addresses delivers to these, so each must pass the IPv4 check too."""
    embedded = []
    if ip.ipv4_mapped is not None:
        embedded.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        embedded.append(ip.sixtofour)
    if ip.teredo is not None:
        embedded.extend(ip.teredo)
    if any(ip in network for network in _NAT64_AND_COMPATIBLE):
        embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return embedded


def _ip_forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _address_forbidden(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = embedded_ipv4_addresses(ip)
        if ip.ipv4_mapped is not None:
            return _ip_forbidden(ip.ipv4_mapped)
        if any(_ip_forbidden(inner) for inner in embedded):
            return True
    return _ip_forbidden(ip)


def _private_allowed() -> bool:
    return settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise DestinationRefused(
            _("The host name %(host)s does not resolve.") % {"host": host}
        ) from error
    return list(dict.fromkeys(info[4][0] for info in infos))


def port_refusal(port: int) -> str | None:
    """Why a webhook may not go to `port`, or None: only WEBHOOK_ALLOWED_PORTS (443 by default),
    so a customer cannot aim our sender at SSH, SMTP or Redis on some public host. The test
    and local-development switch WEBHOOK_ALLOW_PRIVATE_DESTINATIONS lifts this too."""
    if _private_allowed() or port in settings.WEBHOOK_ALLOWED_PORTS:
        return None
    return _("Webhooks are sent only to port %(ports)s; %(port)s is not allowed.") % {
        "ports": ", ".join(str(allowed) for allowed in settings.WEBHOOK_ALLOWED_PORTS),
        "port": port,
    }


def checked_addresses(host: str, port: int) -> list[str]:
    """The addresses to connect to, or DestinationRefused when the port is not allowed or any
    address is internal (directly or through an IPv4 address embedded in an IPv6 one)."""
    refusal = port_refusal(port)
    if refusal:
        raise DestinationRefused(refusal)
    addresses = _resolve(host, port)
    if not _private_allowed():
        internal = [a for a in addresses if _address_forbidden(a)]
        if internal:
            raise DestinationRefused(
                _("%(host)s points inside a private network (%(address)s); we do not send there.")
                % {"host": host, "address": internal[0]}
            )
    return addresses


def validate_webhook_url(url: str) -> str:
    """The URL when it is HTTPS to a public address; otherwise a ValidationError saying why."""
    parts = urlsplit(url.strip())
    allowed_schemes = ("https", "http") if _private_allowed() else ("https",)
    if parts.scheme not in allowed_schemes:
        raise ValidationError(_("A webhook URL must start with https://."), code="not_https")
    if not parts.hostname:
        raise ValidationError(_("The webhook URL has no host name."), code="no_host")
    if parts.username or parts.password:
        raise ValidationError(_("A webhook URL must not contain credentials."), code="credentials")
    try:
        port = parts.port or 443
    except ValueError as error:
        raise ValidationError(_("The webhook URL has an invalid port."), code="port") from error
    try:
        checked_addresses(parts.hostname, port)
    except DestinationRefused as error:
        raise ValidationError(str(error), code="private_destination") from error
    return url.strip()


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


# Endpoints ----------------------------------------------------------------------------------


def webhook_endpoint_create(
    *, organisation, url: str, events: list[str], description: str = "", user=None, request=None
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its secret, which is shown once."""
    errors = {}
    try:
        url = validate_webhook_url(url)
    except ValidationError as error:
        errors["url"] = error.messages
    events = [e for e in dict.fromkeys(events) if e]
    unknown = [e for e in events if e not in WebhookEvent.values]
    if not events or unknown:
        errors["events"] = [_("Choose one or more of the listed events.")]
    if errors:
        raise ValidationError(errors)
    secret = new_secret()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            organisation=organisation,
            url=url,
            events=events,
            description=description.strip()[:200],
            secret=secret,
            created_by=user if getattr(user, "pk", None) else None,
        )
        audit_record(
            action="webhook.endpoint_created",
            actor=user,
            obj=endpoint,
            organisation=organisation,
            request=request,
            details={"events": events},
        )
    return endpoint, secret


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, user=None, request=None) -> None:
    with transaction.atomic():
        audit_record(
            action="webhook.endpoint_deleted",
            actor=user,
            obj=endpoint,
            organisation=endpoint.organisation,
            request=request,
        )
        endpoint.delete()


def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> bool:
    """Stop sending to the endpoint and email its organisation's admins, once."""
    now = timezone.now()
    with transaction.atomic():
        updated = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
            is_active=False, disabled_at=now, disabled_reason=reason[:300]
        )
        if updated != 1:
            return False
        audit_record(
            action="webhook.endpoint_disabled",
            obj=endpoint,
            organisation=endpoint.organisation,
            details={"reason": reason[:300]},
        )
        admins = Membership.objects.filter(
            organisation=endpoint.organisation, role=Membership.Role.ADMIN
        ).select_related("user")
        for membership in admins:
            email_enqueue(
                to=membership.user.email,
                recipient=membership.user,
                organisation=endpoint.organisation,
                template="notifications/webhook_disabled",
                context={
                    "name": membership.user.full_name or membership.user.email,
                    "organisation_name": endpoint.organisation.name,
                    "url": endpoint.url,
                    "reason": reason,
                    "disabled_at": now,
                },
                cause=f"webhook-disabled:{endpoint.public_id}:{now.isoformat()}",
            )
    endpoint.is_active, endpoint.disabled_at, endpoint.disabled_reason = False, now, reason
    return True


# The webhook outbox ---------------------------------------------------------------------------


def webhook_publish(
    *, event_type: str, data: dict, cause: str, organisation=None
) -> list[WebhookMessage]:
    """Write one message per active endpoint listening for `event_type` (the organisation's, or
    every organisation's when None), in the caller's transaction. The same cause twice adds
    nothing. Delivery starts once the transaction commits."""
    if event_type not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event {event_type!r}")
    endpoints = WebhookEndpoint.objects.filter(is_active=True)
    if organisation is not None:
        endpoints = endpoints.filter(organisation=organisation)
    created = []
    for endpoint in endpoints:
        if event_type not in endpoint.events:
            continue
        payload = {
            "type": event_type,
            "timestamp": timezone.now().astimezone(UTC).isoformat(),
            "data": data,
        }
        try:
            with transaction.atomic():
                message = WebhookMessage.objects.create(
                    endpoint=endpoint,
                    cause=cause,
                    event_type=event_type,
                    payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
                )
        except IntegrityError:
            continue
        created.append(message)
        _schedule(message.pk)
    return created


def _schedule(message_id: int) -> None:
    from trustcentre.notifications.tasks import deliver_webhook

    enqueue_after_commit(deliver_webhook, message_id, description=f"webhook message {message_id}")


def webhook_retry_delay(*, attempt: int) -> timedelta:
    """The wait after failed attempt `attempt`, shortened by up to 20 % of jitter."""
    base = RETRY_SCHEDULE[min(attempt, len(RETRY_SCHEDULE)) - 1]
    return base * random.uniform(0.8, 1.0)


class _CheckedConnectionMixin:
    """Resolves the host at connect time and refuses internal addresses before connecting."""

    def connect(self):
        addresses = checked_addresses(self.host, self.port)
        last_error = None
        for address in addresses:
            try:
                self.sock = socket.create_connection((address, self.port), self.timeout)
                break
            except OSError as error:
                last_error = error
        else:
            raise last_error or OSError("no address to connect to")
        if isinstance(self, http.client.HTTPSConnection):
            context = ssl.create_default_context()
            self.sock = context.wrap_socket(self.sock, server_hostname=self.host)


class _CheckedHTTPConnection(_CheckedConnectionMixin, http.client.HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedConnectionMixin, http.client.HTTPSConnection):
    pass


def _post(url: str, body: bytes, headers: dict) -> int:
    parts = urlsplit(url)
    if parts.scheme == "https":
        connection_class = _CheckedHTTPSConnection
    elif parts.scheme == "http" and _private_allowed():
        connection_class = _CheckedHTTPConnection
    else:
        raise DestinationRefused(_("A webhook URL must start with https://."))
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    default_port = 443 if parts.scheme == "https" else 80
    connection = connection_class(parts.hostname, parts.port or default_port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    # The socket timeout bounds each read; an endpoint trickling its answer a byte at a time
    # never trips it, so the whole exchange also has a deadline, after which the socket is shut.
    expired = threading.Event()

    def give_up():
        expired.set()
        if connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)

    deadline = threading.Timer(timeout, give_up)
    deadline.daemon = True
    deadline.start()
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
    except Exception as error:
        if expired.is_set():
            raise TimeoutError(f"timed out: no complete answer within {timeout} s") from error
        raise
    else:
        # Cut off by the deadline, a half-read answer can still parse (headers end at EOF).
        if expired.is_set():
            raise TimeoutError(f"timed out: no complete answer within {timeout} s")
        return response.status
    finally:
        deadline.cancel()
        connection.close()


def signed_headers(message: WebhookMessage, body: str, *, now: datetime | None = None) -> dict:
    """`webhook-id` is constant across attempts; `webhook-timestamp` is fresh per attempt."""
    now = (now or timezone.now()).astimezone(UTC)
    signature = Webhook(message.endpoint.secret).sign(message.webhook_id, now, body)
    return {
        "webhook-id": message.webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }


def webhook_body(message: WebhookMessage) -> str:
    return json.dumps(message.payload, separators=(",", ":"), sort_keys=True)


def _claim(message_id: int, now: datetime) -> WebhookMessage | None:
    claimed = WebhookMessage.objects.filter(
        pk=message_id, status=Status.PENDING, next_attempt_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    return WebhookMessage.objects.select_related("endpoint").get(pk=message_id)


def webhook_deliver(*, message_id: int) -> WebhookMessage | None:
    """One attempt at one due message. None when it was not ours to send."""
    now = timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return None
    endpoint = message.endpoint
    attempt = WebhookAttempt.objects.create(
        message=message, number=message.attempts, started_at=now
    )
    if not endpoint.is_active:
        _finish(message, attempt, status=Status.FAILED, error=_("The endpoint is disabled."))
        return message
    body = webhook_body(message)
    status_code, error = None, ""
    try:
        status_code = _post(endpoint.url, body.encode(), signed_headers(message, body, now=now))
    except DestinationRefused as refused:
        error = str(refused)
    except Exception as failure:  # timeouts, refused connections, TLS errors: all retried
        error = f"{type(failure).__name__}: {failure}"
    attempt.status_code = status_code
    if status_code is not None and 200 <= status_code < 300:
        _finish(message, attempt, status=Status.SENT)
        return message
    if status_code is not None:
        error = _("The endpoint answered %(code)s.") % {"code": status_code}
        if 300 <= status_code < 400:
            error += " " + _("Redirects are not followed.")
    if status_code == 410:
        _finish(message, attempt, status=Status.FAILED, error=error)
        webhook_endpoint_disable(
            endpoint=endpoint, reason=_("The endpoint answered 410 Gone: it asked us to stop.")
        )
        return message
    if message.attempts >= MAX_ATTEMPTS:
        _finish(message, attempt, status=Status.FAILED, error=error)
        webhook_endpoint_disable(
            endpoint=endpoint,
            reason=_("Deliveries kept failing for more than a day. Last error: %(error)s")
            % {"error": error[:200]},
        )
        return message
    # The wait counts from the failure, not from the attempt's start: a timed-out attempt must
    # not eat the first delay (5 s) of the schedule.
    retry_at = timezone.now() + webhook_retry_delay(attempt=message.attempts)
    _finish(message, attempt, status=Status.PENDING, error=error, retry_at=retry_at)
    return message


def _finish(message, attempt, *, status, error: str = "", retry_at=None) -> None:
    now = timezone.now()
    error = error[:ERROR_MAX_LENGTH]
    fields = {"status": status, "last_error": error}
    if status == Status.SENT:
        fields["sent_at"] = now
    if retry_at is not None:
        fields["next_attempt_at"] = retry_at
    with transaction.atomic():
        WebhookMessage.objects.filter(
            pk=message.pk, status=Status.SENDING, attempts=message.attempts
        ).update(**fields)
        attempt.finished_at = now
        attempt.succeeded = status == Status.SENT
        attempt.error = error
        attempt.retry_at = retry_at
        attempt.save(update_fields=["finished_at", "succeeded", "error", "retry_at", "status_code"])
    for name, value in fields.items():
        setattr(message, name, value)


def webhook_due_message_ids(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """For the sweep: take back rows of workers that died mid-attempt, then list what is due."""
    now = now or timezone.now()
    WebhookMessage.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - SENDING_TIMEOUT
    ).update(status=Status.PENDING, next_attempt_at=now)
    due = WebhookMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
    return list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
