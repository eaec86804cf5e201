"""Reads of the audit log for the staff pages and the CSV export."""

import zoneinfo
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet

from trustcentre.audit.models import AuditEvent


def _start_of_day(day: str | date, time_zone: str) -> datetime:
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return datetime.combine(day, time.min, tzinfo=zoneinfo.ZoneInfo(time_zone))


def audit_event_list(
    *,
    action: str = "",
    actor: str = "",
    organisation: str = "",
    object_id: str = "",
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    time_zone: str = "UTC",
) -> QuerySet[AuditEvent]:
    """Events matching the staff filters, newest first. Dates are whole days in `time_zone`
    (the viewer's), both ends included. Every keyword is what `AuditEventFilterForm.to_filters`
    returns, so a stored export job replays exactly the filters the page showed."""
    events = AuditEvent.objects.select_related("actor", "organisation").order_by("-seq")
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(Q(actor__email__iexact=actor) | Q(actor_label=actor))
    if organisation:
        events = events.filter(organisation__slug=organisation)
    if object_id:
        events = events.filter(object_id=object_id)
    if date_from:
        events = events.filter(occurred_at__gte=_start_of_day(date_from, time_zone))
    if date_to:
        day = date.fromisoformat(date_to) if isinstance(date_to, str) else date_to
        events = events.filter(occurred_at__lt=_start_of_day(day + timedelta(days=1), time_zone))
    return events


def audit_chain_head() -> dict | None:
    return AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
