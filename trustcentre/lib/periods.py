"""Periods of EU law counted as Regulation (EEC, Euratom) No 1182/71 Art. 3 counts them.

The rules, for a period that runs from an event (a request received, a change announced, a
transition ended):
- Art. 3(1): the day of the event does not count; the period starts with the next day.
- Art. 3(2)(b): a period in days ends with the expiry of the last hour of its last day.
- Art. 3(2)(c): a period in months ends with the expiry of the last hour of the day of its last
  month that has the event's date; when that month has no such date (31 January + 1 month),
  with the expiry of the last hour of that month's last day.
- Art. 3(3): Saturdays, Sundays and public holidays count, unless the period is in working days.
- Art. 3(4): when the last day is a Saturday, Sunday or public holiday, the period ends with
  the expiry of the last hour of the following working day.
- Art. 3(5): any period of two days or more includes at least two working days.

A period ends at the END of its last day: an act at 23:59:59.9 on that day is in time. The
functions here return the last day (a date); compare dates, or compare an instant against
`end_of_period_instant` (the start of the next day), never against 23:59:59.

Public holidays are those of the regime's calendar (trustcentre.lib.business_days).
"""

import calendar
import datetime

from trustcentre.lib.business_days import (
    Regime,
    business_day_on_or_after,
    is_business_day,
    time_zone,
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same date `months` later, or that month's last day when it has no such date
    (Art. 3(2)(c)): 31 January + 1 month = 28 February, or 29 February in a leap year."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def working_days_in(first: datetime.date, last: datetime.date, regime: Regime) -> int:
    """Working days from `first` to `last`, both included."""
    days, day = 0, first
    while day <= last:
        days += is_business_day(day, regime)
        day += datetime.timedelta(days=1)
    return days


def close_period(
    event_day: datetime.date, nominal_last: datetime.date, *, regime: Regime = Regime.EU
) -> datetime.date:
    """Art. 3(4) then Art. 3(5) applied to a period from the day after `event_day` to
    `nominal_last`. Art. 3(5) is read on the period as Art. 3(4) left it: only when the moved
    period still has fewer than two working days is it lengthened to the second one."""
    last = business_day_on_or_after(nominal_last, regime)
    if (nominal_last - event_day).days >= 2:
        first = event_day + datetime.timedelta(days=1)
        while working_days_in(first, last, regime) < 2:
            last = business_day_on_or_after(last + datetime.timedelta(days=1), regime)
    return last


def last_day_of_days(
    event_day: datetime.date, days: int, *, regime: Regime = Regime.EU
) -> datetime.date:
    """The last day of a period of `days` calendar days from an event on `event_day`
    (Art. 3(1), 3(2)(b), 3(4), 3(5)): a 30-day period from Monday 2 March ends on 1 April; a
    2-day period from a Friday (Saturday and Sunday) ends on Tuesday, its second working day."""
    if days < 1:
        raise ValueError("A period in days is at least one day.")
    nominal = event_day + datetime.timedelta(days=days)
    return close_period(event_day, nominal, regime=regime)


def last_day_of_months(
    event_day: datetime.date, months: int, *, regime: Regime = Regime.EU
) -> datetime.date:
    """The last day of a period of `months` months from an event on `event_day`
    (Art. 3(1), 3(2)(c), 3(4), 3(5)): 31 January + 1 month = 28 February (29 in a leap year),
    moved to the next working day when it is not one."""
    if months < 1:
        raise ValueError("A period in months is at least one month.")
    nominal = add_months(event_day, months)
    return close_period(event_day, nominal, regime=regime)


def end_of_period_instant(last_day: datetime.date, regime: Regime = Regime.EU) -> datetime.datetime:
    """The first instant after a period whose last day is `last_day`: midnight at the start of
    the next day in the regime's zone. An act is in time when it happens before this."""
    next_day = last_day + datetime.timedelta(days=1)
    return datetime.datetime.combine(next_day, datetime.time(0, 0), tzinfo=time_zone(regime))


def is_in_time(at: datetime.datetime, last_day: datetime.date, regime: Regime = Regime.EU) -> bool:
    """Whether an act at `at` falls within a period whose last day is `last_day` (Art. 3(2)(b):
    the whole of the last day is in time, to its last fraction of a second)."""
    return at < end_of_period_instant(last_day, regime)
