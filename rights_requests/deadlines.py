"""The legal deadlines of rights requests: one function per rule, each naming its source.

Every date here is a calendar date in the provider's time zone (settings.TIME_ZONE); the
receipt date is the day the request arrived, whatever time of day. Weekends and holidays come
from trustcentre.lib.business_days, so one holiday calendar rules every period.
"""

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from trustcentre.lib.business_days import add_business_days, business_day_on_or_after

# GDPR Art. 12(3) and UK GDPR Art. 12(3): one month, extendable by two further months.
GDPR_MONTHS = 1
GDPR_EXTENDED_MONTHS = 3
# CCPA, Cal. Civ. Code 1798.130(a)(2)(A): 45 calendar days, extendable once by 45.
CCPA_DAYS = 45
CCPA_EXTENSION_DAYS = 45
# CCPA Regulations, 11 CCR 7026(f): act on an opt-out of sale/sharing within 15 business days.
OPT_OUT_BUSINESS_DAYS = 15
# 11 CCR 7021(a): confirm receipt of a request to know or delete within 10 business days.
CCPA_ACKNOWLEDGEMENT_BUSINESS_DAYS = 10


@dataclass(frozen=True)
class Pause:
    """The clock stopped on `start` (clarification or identification asked for) and resumed
    on `end` (the answer arrived); `end` is None while it waits."""

    start: datetime.date
    end: datetime.date | None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same date `months` later, or that month's last day when it has no such date
    (Regulation 1182/71 Art. 3(2)(c)): 31 January + 1 month = 28 (or 29) February."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def paused_days(pauses: Iterable[Pause], *, today: datetime.date) -> int:
    """Calendar days the clock stood still; an open pause counts up to today."""
    return sum(((pause.end or today) - pause.start).days for pause in pauses)


def gdpr_deadline(
    received: datetime.date,
    *,
    extended: bool = False,
    pauses: Iterable[Pause] = (),
    today: datetime.date | None = None,
) -> datetime.date:
    """GDPR / UK GDPR Art. 12(3): one month from receipt (three once extended), counted by
    Regulation 1182/71: the same date in the last month, or its last day; the days the clock
    was paused (UK GDPR as amended by the Data (Use and Access) Act 2025: identification or
    clarification asked for) are added; a deadline on a Saturday, Sunday or holiday moves to
    the next working day (Art. 3(4))."""
    end = add_months(received, GDPR_EXTENDED_MONTHS if extended else GDPR_MONTHS)
    end += datetime.timedelta(days=paused_days(pauses, today=today or received))
    return business_day_on_or_after(end)


def gdpr_extension_notice_deadline(received: datetime.date) -> datetime.date:
    """Art. 12(3): the requester is told of an extension, with the reasons, within one month
    of receipt: the original deadline."""
    return gdpr_deadline(received)


def ccpa_deadline(received: datetime.date, *, extended: bool = False) -> datetime.date:
    """CCPA/CPRA, Cal. Civ. Code 1798.130(a)(2)(A): 45 calendar days from receipt, once
    extendable by 45 more with notice within the first 45. Calendar days: no weekend move."""
    days = CCPA_DAYS + (CCPA_EXTENSION_DAYS if extended else 0)
    return received + datetime.timedelta(days=days)


def opt_out_deadline(received: datetime.date) -> datetime.date:
    """11 CCR 7026(f): an opt-out of sale or sharing is acted on within 15 business days,
    without demanding identity verification."""
    return add_business_days(received, OPT_OUT_BUSINESS_DAYS)


def ccpa_acknowledgement_deadline(received: datetime.date) -> datetime.date:
    """11 CCR 7021(a): a request to know or delete is acknowledged within 10 business days."""
    return add_business_days(received, CCPA_ACKNOWLEDGEMENT_BUSINESS_DAYS)


def statutory_deadline(
    *,
    jurisdiction: str,
    request_type: str,
    received: datetime.date,
    extended: bool = False,
    pauses: Iterable[Pause] = (),
    today: datetime.date | None = None,
) -> datetime.date:
    """The one deadline a request is worked to: an opt-out by the business-day rule, a CCPA
    request by 45 days, every other (EU, UK and 'other', which we hold to the stricter GDPR
    standard) by the one-month rule."""
    if request_type == "opt_out":
        return opt_out_deadline(received)
    if jurisdiction == "us_ccpa":
        return ccpa_deadline(received, extended=extended)
    return gdpr_deadline(received, extended=extended, pauses=pauses, today=today)


def extension_allowed(*, jurisdiction: str, request_type: str) -> bool:
    """An opt-out has no extension; every other request may be extended once."""
    return request_type != "opt_out"


def extension_notice_deadline(*, jurisdiction: str, received: datetime.date) -> datetime.date:
    """The last day on which an extension may still be announced to the requester."""
    if jurisdiction == "us_ccpa":
        return ccpa_deadline(received)
    return gdpr_extension_notice_deadline(received)


def pause_allowed(*, jurisdiction: str) -> bool:
    """Only UK GDPR lets the clock wait for the requester (the 'stop the clock' rule)."""
    return jurisdiction == "uk_gdpr"


def needs_acknowledgement(*, jurisdiction: str, request_type: str) -> bool:
    """CCPA requests to know (access, portability) or delete are acknowledged."""
    return jurisdiction == "us_ccpa" and request_type in ("access", "portability", "erasure")


def days_left(due: datetime.date, *, today: datetime.date) -> int:
    """Calendar days until the deadline: 0 on the day itself, negative once overdue."""
    return (due - today).days
