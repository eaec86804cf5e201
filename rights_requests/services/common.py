"""Helpers every rights-request use case shares: the history entry and the deadline."""

import datetime

from django.utils import timezone

from rights_requests import deadlines
from rights_requests.models import RequestEvent, RightsRequest


def add_event(
    rr: RightsRequest, kind: str, *, actor=None, actor_label: str = "", text: str = "", at=None
) -> RequestEvent:
    return RequestEvent.objects.create(
        request=rr,
        kind=kind,
        actor=actor,
        actor_label=actor_label or (actor.email if actor is not None else "system"),
        text=text,
        created_at=at or timezone.now(),
    )


def recompute_due(rr: RightsRequest, *, today: datetime.date | None = None) -> datetime.date:
    """The deadline from the receipt date, the extension and the closed pauses (an open pause
    freezes the shown deadline until the clock resumes)."""
    pauses = [p.as_pause() for p in rr.pauses.filter(ended_on__isnull=False)]
    rr.due_date = deadlines.statutory_deadline(
        jurisdiction=rr.jurisdiction,
        request_type=rr.type,
        received=rr.received_date,
        extended=rr.is_extended,
        pauses=pauses,
        today=today or timezone.localdate(),
    )
    return rr.due_date
