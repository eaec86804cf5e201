"""Breach notifications: record and edit an incident, notify the affected customers (one
notification per organisation, ever: emails and webhooks through the outbox in the same
transaction), acknowledge, close. Every change writes its audit event. The follow-ups that
complete a notification are in services_follow_ups.py."""

import datetime
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dpa import selectors as dpa_selectors
from dpa.breaches.deadlines import notification_timing
from dpa.breaches.models import Delivery, Incident, Notification
from trustcentre.accounts.models import Organisation
from trustcentre.accounts.permissions import has_staff_role
from trustcentre.audit.services import audit_record, fields_update_audited
from trustcentre.notifications.models import WebhookEvent
from trustcentre.notifications.services import email_enqueue
from trustcentre.notifications.webhooks import webhook_publish

Status = Incident.Status

REQUIRED_TEXT_FIELDS = (
    "title",
    "nature",
    "data_categories",
    "likely_consequences",
    "measures_taken",
    "contact_point",
)
EMAIL_TEMPLATE = "breaches/notification"


class IncidentStateError(Exception):
    """The incident is not in a state that allows this step."""


def _require_dpo(user) -> None:
    if user is None or not has_staff_role(user, "dpo"):
        raise PermissionDenied(_("Only the data protection officer may do this."))


def time_errors(*, detected_at, aware_at, now: datetime.datetime) -> dict[str, list[str]]:
    """Neither time in the future; awareness not before detection. The form shows these
    next to the other fields' errors; the services refuse the same."""
    errors: dict[str, list[str]] = {}
    for name, moment in (("detected_at", detected_at), ("aware_at", aware_at)):
        if not isinstance(moment, datetime.datetime) or timezone.is_naive(moment):
            errors[name] = [_("Give a date and time.")]
        elif moment > now:
            errors[name] = [_("This time is in the future.")]
    if not errors and aware_at < detected_at:
        errors["aware_at"] = [
            _("We cannot have become aware of the breach before it was detected.")
        ]
    return errors


def _clean_fields(values: dict, *, now: datetime.datetime) -> dict:
    """The incident's fields, stripped and checked; a ValidationError names each bad field."""
    unknown = set(values) - set(Incident.NOTICE_FIELDS)
    if unknown:
        raise ValueError(f"unknown incident fields: {sorted(unknown)}")
    cleaned = {
        name: value.strip() if isinstance(value, str) else value for name, value in values.items()
    }
    errors: dict[str, list[str]] = {}
    for name in REQUIRED_TEXT_FIELDS:
        if not cleaned.get(name):
            errors.setdefault(name, []).append(_("This field is required."))
    for name in ("subjects_affected", "records_affected"):
        number = cleaned.get(name)
        if number is None or isinstance(number, bool) or not isinstance(number, int):
            errors.setdefault(name, []).append(_("Give a whole number (an estimate is fine)."))
        elif number < 0:
            errors.setdefault(name, []).append(
                _("A number of people or records cannot be negative.")
            )
    for name, messages in time_errors(
        detected_at=cleaned.get("detected_at"), aware_at=cleaned.get("aware_at"), now=now
    ).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    for name in ("measures_proposed", "customer_actions"):
        cleaned[name] = cleaned.get(name) or ""
    return cleaned


def _new_reference(now: datetime.datetime) -> str:
    return f"INC-{now:%Y}-{secrets.token_hex(3).upper()}"


def incident_record(*, user, request=None, now=None, **values) -> Incident:
    """A draft incident, to be edited and then notified."""
    _require_dpo(user)
    now = now or timezone.now()
    cleaned = _clean_fields(values, now=now)
    with transaction.atomic():
        incident = Incident.objects.create(
            reference=_new_reference(now),
            created_by=user,
            created_at=now,
            updated_at=now,
            **cleaned,
        )
        audit_record(
            action="breach.incident_recorded",
            actor=user,
            obj=incident,
            request=request,
            details={"reference": incident.reference},
        )
    return incident


def incident_update(*, incident: Incident, user, request=None, now=None, **values) -> Incident:
    """Change a draft; once customers were notified, what they were told stays as sent."""
    _require_dpo(user)
    now = now or timezone.now()
    cleaned = _clean_fields(values, now=now)
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if not locked.is_draft:
            raise IncidentStateError(_("Only a draft can be edited."))
        fields_update_audited(
            obj=locked,
            values=cleaned,
            action="breach.incident_updated",
            actor=user,
            request=request,
            now=now,
            validate=False,  # _clean_fields checked them, against `now`
        )
    return locked


def recipients_for(organisation: Organisation) -> list[tuple[str, object]]:
    """(address, user or None) for every admin of the organisation and the notice contact of
    its DPA, each address once (compared without case)."""
    seen: dict[str, tuple[str, object]] = {}
    for user in dpa_selectors.admins_of(organisation):
        seen.setdefault(user.email.lower(), (user.email, user))
    contact = dpa_selectors.notice_contact_for(organisation)
    if contact:
        seen.setdefault(contact.strip().lower(), (contact.strip(), None))
    return list(seen.values())


def _notice_url(notification: Notification) -> str:
    path = reverse("breaches_portal:notice_detail", args=[notification.public_id])
    return f"{settings.SITE_URL}{path}"


def _utc(value: datetime.datetime | None) -> str | None:
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z") if value else None


def _webhook_value(value):
    return _utc(value) if isinstance(value, datetime.datetime) else value


def notification_webhook_data(notification: Notification) -> dict:
    """The `security.notice.published` event's data: times in UTC (ISO 8601)."""
    incident = notification.incident
    return {
        "id": str(notification.public_id),
        "incident": {
            "id": str(incident.public_id),
            "reference": incident.reference,
            **{name: _webhook_value(getattr(incident, name)) for name in Incident.NOTICE_FIELDS},
        },
        "organisation": str(notification.organisation.public_id),
        "notified_at": _utc(notification.notified_at),
        "url": _notice_url(notification),
    }


def _cause(incident: Incident, organisation: Organisation) -> str:
    # Deterministic per (incident, organisation): the outbox's own uniqueness is a second guard.
    return f"breach-notice:{incident.public_id}:{organisation.public_id}"


def send_to_organisation(
    *,
    organisation: Organisation,
    template: str,
    cause: str,
    context: dict,
    event_type: str,
    webhook_data: dict,
    record_email,
    record_webhook,
) -> None:
    """A security notice (the first or a follow-up) to an organisation's recipients by email and
    to its webhooks, written to the outbox in the caller's transaction; `record_email(address,
    message)` and `record_webhook(url, message)` keep each delivery."""
    for address, user in recipients_for(organisation):
        message = email_enqueue(
            to=address,
            recipient=user,
            organisation=organisation,
            template=template,
            cause=cause,
            context={
                **context,
                "name": (user.full_name if user else "") or "",
                "organisation_name": organisation.name,
                "time_zone": getattr(user, "time_zone", None) or "UTC",
            },
        )
        record_email(address, message)
    for message in webhook_publish(
        event_type=event_type, data=webhook_data, cause=cause, organisation=organisation
    ):
        record_webhook(message.endpoint.url, message)


def _deliver(notification: Notification) -> None:
    """The notification's emails and webhooks, each recorded as a Delivery."""
    incident = notification.incident

    def record(channel, address, **message):
        Delivery.objects.create(
            notification=notification, channel=channel, address=address, **message
        )

    send_to_organisation(
        organisation=notification.organisation,
        template=EMAIL_TEMPLATE,
        cause=_cause(incident, notification.organisation),
        context={"incident": incident, "notice_url": _notice_url(notification)},
        event_type=WebhookEvent.SECURITY_NOTICE_PUBLISHED,
        webhook_data=notification_webhook_data(notification),
        record_email=lambda address, message: record(
            Delivery.Channel.EMAIL, address, outbox_message=message
        ),
        record_webhook=lambda url, message: record(
            Delivery.Channel.WEBHOOK, url, webhook_message=message
        ),
    )


@dataclass
class NotifyResult:
    notified: list[Notification] = field(default_factory=list)
    already_notified: list[Organisation] = field(default_factory=list)


def incident_notify(
    *, incident: Incident, organisations, user, request=None, now=None
) -> NotifyResult:
    """Notify each selected customer organisation of the incident, once: an organisation that
    was already notified (a second click, a retry, a later addition that repeats it) is skipped,
    and the database refuses a second row for the same pair whatever happens. An organisation
    notified after follow-ups were sent gets those follow-ups too."""
    # Imported here: the follow-up services build on this module's helpers.
    from dpa.breaches.services_follow_ups import follow_up_notices_create

    _require_dpo(user)
    organisations = list(dict.fromkeys(organisations))
    if not organisations:
        raise ValidationError(
            {"organisations": [_("Select at least one affected customer organisation.")]}
        )
    not_customers = [o for o in organisations if o.kind != Organisation.Kind.CUSTOMER]
    if not_customers:
        raise ValidationError(
            {"organisations": [_("Only customer organisations can be notified of a breach.")]}
        )
    now = now or timezone.now()
    result = NotifyResult()
    with transaction.atomic():
        # The lock serialises a double click: the second request waits, then finds the rows.
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if not locked.can_notify:
            raise IncidentStateError(_("A closed incident cannot be notified."))
        done = set(
            Notification.objects.filter(
                incident=locked, organisation__in=organisations
            ).values_list("organisation_id", flat=True)
        )
        for organisation in organisations:
            if organisation.pk in done:
                result.already_notified.append(organisation)
                continue
            try:
                with transaction.atomic():
                    notification = Notification.objects.create(
                        incident=locked, organisation=organisation, notified_at=now, sent_by=user
                    )
            except IntegrityError:
                result.already_notified.append(organisation)
                continue
            _deliver(notification)
            # An organisation found affected later learns everything already sent to the others.
            earlier = [
                follow_up_notices_create(follow_up=follow_up, notifications=[notification], now=now)
                for follow_up in locked.follow_ups.order_by("number")
            ]
            timing = notification_timing(
                detected_at=locked.detected_at, aware_at=locked.aware_at, notified_at=now
            )
            audit_record(
                action="breach.notification_sent",
                actor=user,
                obj=notification,
                organisation=organisation,
                request=request,
                details={
                    "incident": str(locked.public_id),
                    "reference": locked.reference,
                    "emails": notification.deliveries.filter(channel="email").count(),
                    "webhooks": notification.deliveries.filter(channel="webhook").count(),
                    "hours_since_awareness": round(
                        timing.since_awareness.total_seconds() / 3600, 2
                    ),
                    "within_period": timing.within_period,
                    "earlier_follow_ups": len(earlier),
                },
            )
            result.notified.append(notification)
        if result.notified and locked.status == Status.DRAFT:
            locked.status = Status.NOTIFIED
            locked.first_notified_at = now
            locked.updated_at = now
            locked.save(update_fields=["status", "first_notified_at", "updated_at"])
    incident.status, incident.first_notified_at = locked.status, locked.first_notified_at
    return result


def notification_acknowledge(*, notification: Notification, user, request=None, now=None) -> bool:
    """A member of the notified organisation confirms receipt; the first acknowledgement
    counts. The caller has checked membership (the portal's queryset is scoped to it)."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, acknowledged_at__isnull=True
        ).update(acknowledged_at=now, acknowledged_by=user)
        if updated != 1:
            return False
        audit_record(
            action="breach.notification_acknowledged",
            actor=user,
            obj=notification,
            organisation=notification.organisation,
            request=request,
            details={"incident": str(notification.incident.public_id)},
        )
    notification.acknowledged_at, notification.acknowledged_by = now, user
    return True


def incident_close(*, incident: Incident, user, request=None, now=None) -> Incident:
    """The incident is handled; no more customers will be notified of it."""
    _require_dpo(user)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if not locked.can_close:
            raise IncidentStateError(_("Only a notified incident can be closed."))
        locked.status, locked.closed_at, locked.updated_at = Status.CLOSED, now, now
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        audit_record(action="breach.incident_closed", actor=user, obj=locked, request=request)
    return locked


def refusal_record(*, request, reason: str, obj=None, organisation=None, details=None) -> None:
    """A refused attempt (wrong role, another organisation's notice, tampered or bad input),
    in the audit log. Details carry field names and ids, never what was typed."""
    audit_record(
        action="authz.denied" if reason.startswith("authz:") else "breach.input_refused",
        request=request,
        obj=obj,
        object_type="" if obj is not None else "breaches.incident",
        organisation=organisation,
        details={"reason": reason.removeprefix("authz:"), **(details or {})},
    )
