"""Breach follow-ups (GDPR Art. 33(4): "where, and in so far as, it is not possible to provide
the information at the same time, the information may be provided in phases without undue further
delay"): numbered additions to a notified incident, each sent once to every organisation notified
of it, by email and webhook through the outbox, in the same transaction as the follow-up."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dpa.breaches.models import (
    FollowUp,
    FollowUpDelivery,
    FollowUpNotice,
    Incident,
    Notification,
)
from dpa.breaches.services import (
    IncidentStateError,
    _notice_url,
    _require_dpo,
    _utc,
    send_to_organisation,
)
from trustcentre.audit.services import audit_record
from trustcentre.notifications.models import WebhookEvent

EMAIL_TEMPLATE = "breaches/follow_up"
NUMBER_FIELDS = ("subjects_affected", "records_affected")


@dataclass
class FollowUpResult:
    follow_up: FollowUp
    created: bool
    notices: list[FollowUpNotice] = field(default_factory=list)


def _clean(*, kind: str, body: str, updates: dict) -> dict:
    """The follow-up's fields, stripped and checked; a ValidationError names each bad field."""
    unknown = set(updates) - set(FollowUp.UPDATE_FIELDS)
    if unknown:
        raise ValueError(f"unknown follow-up fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    if kind not in FollowUp.Kind.values:
        errors["kind"] = [_("Choose what kind of follow-up this is.")]
    body = (body or "").strip()
    if not body:
        errors["body"] = [_("Write what customers should learn from this follow-up.")]
    cleaned = {"kind": kind, "body": body}
    for name in FollowUp.UPDATE_FIELDS:
        value = updates.get(name)
        if name in NUMBER_FIELDS:
            if value is None:
                cleaned[name] = None
            elif isinstance(value, bool) or not isinstance(value, int):
                errors[name] = [_("Give a whole number (an estimate is fine).")]
            elif value < 0:
                errors[name] = [_("A number of people or records cannot be negative.")]
            else:
                cleaned[name] = value
        else:
            cleaned[name] = (value or "").strip()
    if errors:
        raise ValidationError(errors)
    return cleaned


def _cause(follow_up: FollowUp, notification: Notification) -> str:
    # One per follow-up and organisation; with the outbox's (cause, address) uniqueness, one
    # email per recipient and follow-up, whatever is re-run.
    return f"breach-follow-up:{follow_up.public_id}:{notification.organisation.public_id}"


def follow_up_url(notice: FollowUpNotice) -> str:
    return f"{_notice_url(notice.notification)}#follow-up-{notice.follow_up.number}"


def follow_up_webhook_data(notice: FollowUpNotice) -> dict:
    """The `security.notice.follow_up` event's data: times in UTC (ISO 8601); `updates` holds
    only the fields this follow-up restates."""
    follow_up, notification = notice.follow_up, notice.notification
    incident = follow_up.incident
    return {
        "id": str(notice.public_id),
        "notice": str(notification.public_id),
        "incident": {
            "id": str(incident.public_id),
            "reference": incident.reference,
            "title": incident.title,
        },
        "organisation": str(notification.organisation.public_id),
        "number": follow_up.number,
        "kind": follow_up.kind,
        "final": follow_up.is_final,
        "body": follow_up.body,
        "updates": {
            name: getattr(follow_up, name)
            for name in FollowUp.UPDATE_FIELDS
            if getattr(follow_up, name) not in ("", None)
        },
        "sent_at": _utc(notice.sent_at),
        "url": follow_up_url(notice),
    }


def _deliver(notice: FollowUpNotice) -> None:
    """The notice's emails and webhooks, to the same recipients as the initial notification,
    each recorded as a FollowUpDelivery."""
    follow_up, notification = notice.follow_up, notice.notification

    def record(channel, address, **message):
        FollowUpDelivery.objects.get_or_create(
            notice=notice, channel=channel, address=address, defaults=message
        )

    send_to_organisation(
        organisation=notification.organisation,
        template=EMAIL_TEMPLATE,
        cause=_cause(follow_up, notification),
        context={
            "incident": follow_up.incident,
            "follow_up": follow_up,
            "updates": follow_up.updates(),
            "notice_url": follow_up_url(notice),
        },
        event_type=WebhookEvent.SECURITY_NOTICE_FOLLOW_UP,
        webhook_data=follow_up_webhook_data(notice),
        record_email=lambda address, message: record(
            FollowUpDelivery.Channel.EMAIL, address, outbox_message=message
        ),
        record_webhook=lambda url, message: record(
            FollowUpDelivery.Channel.WEBHOOK, url, webhook_message=message
        ),
    )


def follow_up_notices_create(
    *, follow_up: FollowUp, notifications, now: datetime.datetime
) -> list[FollowUpNotice]:
    """Send the follow-up to each notified organisation that does not have it yet, in the
    caller's transaction; returns the notices created. Run again, it creates and sends nothing:
    the database refuses a second notice for the same pair."""
    existing = set(
        FollowUpNotice.objects.filter(follow_up=follow_up).values_list("notification_id", flat=True)
    )
    created = []
    for notification in notifications:
        if notification.pk in existing:
            continue
        try:
            with transaction.atomic():
                notice = FollowUpNotice.objects.create(
                    follow_up=follow_up, notification=notification, sent_at=now
                )
        except IntegrityError:
            continue
        _deliver(notice)
        created.append(notice)
    return created


def follow_up_fan_out(*, follow_up: FollowUp, now=None) -> list[FollowUpNotice]:
    """Make sure every organisation notified of the incident has the follow-up: safe to run
    again (after a crash, from a shell), it sends only what is missing."""
    now = now or timezone.now()
    with transaction.atomic():
        Incident.objects.select_for_update().get(pk=follow_up.incident_id)
        notifications = Notification.objects.filter(incident_id=follow_up.incident_id)
        return follow_up_notices_create(
            follow_up=follow_up,
            notifications=notifications.select_related("organisation", "incident"),
            now=now,
        )


def follow_up_send(
    *,
    incident: Incident,
    user,
    kind: str,
    body: str,
    idempotency_key=None,
    request=None,
    now=None,
    **updates,
) -> FollowUpResult:
    """Number the next follow-up of a notified incident and send it to every organisation
    notified of it. The same `idempotency_key` again (a double click, a resubmitted form) returns
    the follow-up already sent and sends nothing. A final report closes the incident: it is the
    last phase, so nothing more can follow it."""
    _require_dpo(user)
    cleaned = _clean(kind=kind, body=body, updates=updates)
    now = now or timezone.now()
    with transaction.atomic():
        # The lock makes numbering gap-free and serialises two DPOs sending at once.
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if idempotency_key:
            existing = FollowUp.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                if existing.incident_id != locked.pk:
                    raise ValidationError(_("This form belongs to another incident."))
                return FollowUpResult(follow_up=existing, created=False)
        if locked.is_draft:
            raise IncidentStateError(
                _(
                    "No customer has been notified of this incident yet, so there is nothing to "
                    "follow up: notify the affected customers first. Nothing was sent."
                )
            )
        if not locked.can_follow_up:
            raise IncidentStateError(
                _(
                    "The incident is closed: its record is complete and no more follow-ups can "
                    "be sent. Nothing was sent."
                )
            )
        number = (locked.follow_ups.aggregate(last=Max("number"))["last"] or 0) + 1
        follow_up = FollowUp.objects.create(
            incident=locked,
            number=number,
            idempotency_key=idempotency_key or None,
            sent_at=now,
            sent_by=user,
            **cleaned,
        )
        notices = follow_up_notices_create(
            follow_up=follow_up,
            notifications=locked.notifications.select_related("organisation", "incident"),
            now=now,
        )
        deliveries = FollowUpDelivery.objects.filter(notice__follow_up=follow_up)
        audit_record(
            action="breach.follow_up_sent",
            actor=user,
            obj=follow_up,
            request=request,
            details={
                "incident": str(locked.public_id),
                "reference": locked.reference,
                "number": number,
                "kind": follow_up.kind,
                "organisations": len(notices),
                "emails": deliveries.filter(channel="email").count(),
                "webhooks": deliveries.filter(channel="webhook").count(),
                "fields_updated": [
                    name for name in FollowUp.UPDATE_FIELDS if cleaned[name] not in ("", None)
                ],
            },
        )
        if follow_up.is_final:
            locked.status, locked.closed_at, locked.updated_at = Incident.Status.CLOSED, now, now
            locked.save(update_fields=["status", "closed_at", "updated_at"])
            audit_record(
                action="breach.incident_closed",
                actor=user,
                obj=locked,
                request=request,
                details={"final_report": number},
            )
    incident.status, incident.closed_at = locked.status, locked.closed_at
    return FollowUpResult(follow_up=follow_up, created=True, notices=notices)


def follow_up_acknowledge(*, notice: FollowUpNotice, user, request=None, now=None) -> bool:
    """A member of the notified organisation confirms receipt of one follow-up; the first
    acknowledgement counts. The caller has checked membership."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = FollowUpNotice.objects.filter(pk=notice.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=user
        )
        if updated != 1:
            return False
        audit_record(
            action="breach.follow_up_acknowledged",
            actor=user,
            obj=notice,
            organisation=notice.notification.organisation,
            request=request,
            details={
                "incident": str(notice.follow_up.incident.public_id),
                "number": notice.follow_up.number,
            },
        )
    notice.acknowledged_at, notice.acknowledged_by = now, user
    return True
