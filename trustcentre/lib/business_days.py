"""Business days: weekends plus the configured holiday calendar.

Legal periods counted in business or working days (CCPA's 10 and 15 business days, the Data
Act's 14 working days) all count through here, so one calendar rules them all. Holidays come
from the BUSINESS_HOLIDAYS setting: ISO dates, e.g. "2026-12-25,2026-12-26".
"""

import datetime
from functools import lru_cache

from django.conf import settings

SATURDAY = 5


@lru_cache(maxsize=8)
def _parse(dates: tuple[str, ...]) -> frozenset[datetime.date]:
    return frozenset(datetime.date.fromisoformat(value.strip()) for value in dates if value.strip())


def holidays() -> frozenset[datetime.date]:
    return _parse(tuple(settings.BUSINESS_HOLIDAYS))


def is_business_day(day: datetime.date) -> bool:
    return day.weekday() < SATURDAY and day not in holidays()


def business_day_on_or_after(day: datetime.date) -> datetime.date:
    """The day itself when it is a business day, else the next one (a deadline falling on a
    weekend or holiday moves forward to it)."""
    while not is_business_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_business_days(start: datetime.date, count: int) -> datetime.date:
    """The `count`-th business day after `start` (the start day itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += datetime.timedelta(days=1)
        if is_business_day(day):
            count -= 1
    return day


def business_days_between(start: datetime.date, end: datetime.date) -> int:
    """Business days after `start` up to and including `end` (0 when end <= start)."""
    days, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_business_day(day):
            days += 1
    return days
