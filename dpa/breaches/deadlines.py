"""The one rule for when a breach notification to a customer is due, and how late it was."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings


def notification_due_at(aware_at: datetime, *, hours: int | None = None) -> datetime:
    """When the customer must have been notified of a breach we became aware of at `aware_at`.

    GDPR Art. 33(2) obliges a processor to notify the controller "without undue delay after
    becoming aware" of a personal data breach; the DPA turns that into a period of
    `DPA_BREACH_NOTIFICATION_HOURS` hours (the DPA template's placeholder reads the same
    setting). The period runs from awareness, not from detection: detection is when something
    odd was seen, awareness when we knew it was a breach.

    The hours are **elapsed hours** (real time: 48 h is 172,800 seconds), not clock hours: the
    sum is made in UTC, so across a daylight-saving change in Europe/Berlin the local clock
    reading of the due time moves by one hour (aware 28 March 2026 23:30 CET, due 31 March 00:30
    CEST), and nights, weekends, month ends and 29 February count like any other hour.

    Regulation (EEC, Euratom) No 1182/71 is not applied, for two reasons. It counts the periods
    of the Union's own acts; this one is the DPA's, a contractual period that gives content to
    Art. 33(2)'s "without undue delay". And where the provider must act, the earlier of two
    readings protects the controller and the people whose data it is. So: the start is not
    rounded up to the next full hour (Art. 3(1), second subparagraph, would); a due time on a
    Saturday, Sunday or public holiday does not move (Art. 3(4) concerns only periods "expressed
    otherwise than in hours"); and Art. 3(5)'s two working days, a rule for periods of days,
    does not lengthen it.
    """
    if aware_at.tzinfo is None:
        raise ValueError("aware_at must be timezone-aware")
    period = settings.DPA_BREACH_NOTIFICATION_HOURS if hours is None else hours
    return (aware_at.astimezone(UTC) + timedelta(hours=period)).astimezone(aware_at.tzinfo)


@dataclass(frozen=True)
class NotificationTiming:
    """How long after detection and after awareness a customer was notified, against the due
    time (elapsed time, as `notification_due_at` counts it)."""

    since_detection: timedelta
    since_awareness: timedelta
    due_at: datetime
    within_period: bool


def notification_timing(
    *, detected_at: datetime, aware_at: datetime, notified_at: datetime
) -> NotificationTiming:
    # In UTC: Python subtracts two times of the same zone by their clock readings, which is an
    # hour off across a daylight-saving change.
    detected_at, aware_at, notified_at = (
        moment.astimezone(UTC) for moment in (detected_at, aware_at, notified_at)
    )
    due_at = notification_due_at(aware_at)
    return NotificationTiming(
        since_detection=notified_at - detected_at,
        since_awareness=notified_at - aware_at,
        due_at=due_at,
        within_period=notified_at <= due_at,
    )


def duration_label(value: timedelta) -> str:
    """ "2 d 3 h 5 min" for the incident page: elapsed time, to the minute."""
    minutes = int(value.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(f"{days} d")
    if days or hours:
        parts.append(f"{hours} h")
    parts.append(f"{minutes} min")
    return sign + " ".join(parts)
