"""The objection window and deadline of a sub-processor change: the one place they are computed.

Art. 28(2) GDPR: the processor informs the controller of an intended change of sub-processor,
giving it the opportunity to object. The DPA sets how long that opportunity lasts; ours
defaults to SUBPROCESSOR_OBJECTION_WINDOW_DAYS (30) calendar days.

The period is counted as Regulation (EEC, Euratom) No 1182/71 counts periods in days
(trustcentre.lib.periods, in the EU regime's calendar):
- Art. 3(1): the day of the announcement does not count; the period starts with the next day.
- Art. 3(2)(b): it ends with the expiry of the last hour of its last day: an objection at
  23:59:59.9 on that day is in time, one at midnight is late.
- Art. 3(4): when that last day is a Saturday, Sunday or public holiday (the provider's Member
  State's, EU_HOLIDAYS_COUNTRY, plus BUSINESS_HOLIDAYS), the period ends with the expiry of the
  last hour of the following working day.
- Art. 3(5): a window of two days or more includes at least two working days.
Days are those of the provider's seat (SUBPROCESSOR_DEADLINE_TIME_ZONE, the EU regime's zone).
The customer is the one who acts here, so where a reading is open the later end is taken: the
whole last day, to its last instant, in the seat's zone.

The deadline is kept as an instant on the last day (23:59:59 there), which pages and the API
show; whether an objection is in time is decided by `objection_in_time`, against the start of
the next day, never against that instant.

The organisation's agreement in force may set its own window: `objection_window_for` reads it
through trustcentre.accounts.agreements (filled by the DPA app), else takes the default.
"""

import datetime
import zoneinfo

from django.conf import settings

from trustcentre.accounts.agreements import agreement_terms
from trustcentre.lib import periods
from trustcentre.lib.business_days import Regime


def objection_window_for(organisation) -> int:
    """Days the organisation has to object: the window of its DPA in force (a negotiated
    DPA's own window, else the signed version's), else the default."""
    terms = agreement_terms(organisation)
    if terms is None:
        return settings.SUBPROCESSOR_OBJECTION_WINDOW_DAYS
    return terms.objection_window_days


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.SUBPROCESSOR_DEADLINE_TIME_ZONE)


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=_zone())


def objection_deadline(*, announced_at: datetime.datetime, window_days: int) -> datetime.datetime:
    """The last moment an objection is in time (an aware datetime in the seat's zone)."""
    if window_days < 1:
        raise ValueError("An objection window is at least one day.")
    announced_day = announced_at.astimezone(_zone()).date()
    last_day = periods.last_day_of_days(announced_day, window_days, regime=Regime.EU)
    return _end_of_day(last_day)


def objection_last_day(deadline: datetime.datetime) -> datetime.date:
    """The last day of the window whose deadline is `deadline`, in the seat's zone."""
    return deadline.astimezone(_zone()).date()


def objection_in_time(*, deadline: datetime.datetime, at: datetime.datetime) -> bool:
    """Whether an objection made at `at` is within the window: before the start of the day
    after its last day (Regulation 1182/71 Art. 3(2)(b)), to the last fraction of a second."""
    next_day = objection_last_day(deadline) + datetime.timedelta(days=1)
    return at < datetime.datetime.combine(next_day, datetime.time(0, 0), tzinfo=_zone())


def objection_deadline_for(*, announced_at: datetime.datetime, organisation) -> datetime.datetime:
    return objection_deadline(
        announced_at=announced_at, window_days=objection_window_for(organisation)
    )


def earliest_effective_date(latest_deadline: datetime.datetime) -> datetime.date:
    """A change may take effect on the day after the last deadline at the earliest."""
    return latest_deadline.astimezone(_zone()).date() + datetime.timedelta(days=1)


def effective_at_for(day: datetime.date) -> datetime.datetime:
    """A change takes effect at the start of its effective day (the seat's zone)."""
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=_zone())


def deadline_zone_name() -> str:
    return settings.SUBPROCESSOR_DEADLINE_TIME_ZONE
