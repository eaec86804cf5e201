"""Working days per legal regime: weekends, the regime's public holidays, and BUSINESS_HOLIDAYS.

Every period counted in business or working days (CCPA's 10 and 15 business days, the Data
Act's 14 working days) and every "moves to the next working day" rule counts through here, so
one calendar per regime rules them all. A regime is the body of law a period comes from:

- `EU`: EU GDPR and the Data Act. Regulation 1182/71 Art. 2(1) takes the public holidays of the
  Member State where the act is to be done: the provider's (EU_HOLIDAYS_COUNTRY, default DE,
  and EU_HOLIDAYS_SUBDIVISION, default none, i.e. the nationwide holidays only).
- `UK`: UK GDPR: the bank holidays of the UK nation (UK_HOLIDAYS_COUNTRY GB,
  UK_HOLIDAYS_SUBDIVISION ENG: England and Wales).
- `CCPA`: California's business days (CCPA_HOLIDAYS_COUNTRY US, CCPA_HOLIDAYS_SUBDIVISION CA:
  the federal holidays and California's state holidays).

Public holidays come from the `holidays` package, a maintained calendar (moving feasts,
substitute days and new holidays arrive with its releases). BUSINESS_HOLIDAYS adds the
provider's own closing days (ISO dates, e.g. "2026-12-24,2026-12-31") to every regime. A
regime's calendar never leaks into another's: a US holiday never moves a GDPR deadline.
"""

import datetime
import enum
import zoneinfo
from functools import lru_cache

import holidays as holiday_calendars
from django.conf import settings
from django.utils import timezone

SATURDAY = 5


class Regime(enum.StrEnum):
    EU = "eu"
    UK = "uk"
    CCPA = "ccpa"


def _setting(regime: Regime, name: str) -> str:
    return getattr(settings, f"{regime.name}_{name}")


def time_zone(regime: Regime = Regime.EU) -> zoneinfo.ZoneInfo:
    """The zone whose calendar days the regime's periods count (EU_DEADLINE_TIME_ZONE, ...)."""
    return zoneinfo.ZoneInfo(_setting(regime, "DEADLINE_TIME_ZONE"))


def local_day(moment: datetime.datetime, regime: Regime = Regime.EU) -> datetime.date:
    """The calendar day `moment` falls on in the regime's zone: a request received at 20:00 on
    a Monday in Los Angeles (04:00 on Tuesday in UTC) was received on Monday for the CCPA."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(time_zone(regime)).date()


def today(regime: Regime = Regime.EU) -> datetime.date:
    return local_day(timezone.now(), regime)


@lru_cache(maxsize=256)
def _public_holidays(country: str, subdivision: str, year: int) -> frozenset[datetime.date]:
    if not country:
        return frozenset()
    calendar = holiday_calendars.country_holidays(country, subdiv=subdivision or None, years=year)
    return frozenset(calendar)


@lru_cache(maxsize=8)
def _parse(dates: tuple[str, ...]) -> frozenset[datetime.date]:
    return frozenset(datetime.date.fromisoformat(value.strip()) for value in dates if value.strip())


def closing_days() -> frozenset[datetime.date]:
    """The provider's own closing days (BUSINESS_HOLIDAYS), in every regime."""
    return _parse(tuple(settings.BUSINESS_HOLIDAYS))


def is_public_holiday(day: datetime.date, regime: Regime = Regime.EU) -> bool:
    country = _setting(regime, "HOLIDAYS_COUNTRY")
    subdivision = _setting(regime, "HOLIDAYS_SUBDIVISION")
    return day in _public_holidays(country, subdivision, day.year) or day in closing_days()


def is_business_day(day: datetime.date, regime: Regime = Regime.EU) -> bool:
    return day.weekday() < SATURDAY and not is_public_holiday(day, regime)


def business_day_on_or_after(day: datetime.date, regime: Regime = Regime.EU) -> datetime.date:
    """The day itself when it is a business day, else the next one (a deadline falling on a
    weekend or holiday moves forward to it)."""
    while not is_business_day(day, regime):
        day += datetime.timedelta(days=1)
    return day


def add_business_days(
    start: datetime.date, count: int, regime: Regime = Regime.EU
) -> datetime.date:
    """The `count`-th business day after `start` (the start day itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += datetime.timedelta(days=1)
        if is_business_day(day, regime):
            count -= 1
    return day


def business_days_between(
    start: datetime.date, end: datetime.date, regime: Regime = Regime.EU
) -> int:
    """Business days after `start` up to and including `end` (0 when end <= start)."""
    days, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_business_day(day, regime):
            days += 1
    return days
