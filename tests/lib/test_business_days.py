import datetime

import pytest

from trustcentre.lib.business_days import (
    Regime,
    add_business_days,
    business_day_on_or_after,
    business_days_between,
    is_business_day,
    local_day,
)

D = datetime.date


@pytest.fixture(autouse=True)
def _christmas(settings):
    settings.BUSINESS_HOLIDAYS = ["2026-12-25", "2026-12-28", "2027-01-01"]


def test_weekends_and_holidays_are_not_business_days():
    assert is_business_day(D(2026, 11, 23))  # Monday
    assert not is_business_day(D(2026, 11, 28))  # Saturday
    assert not is_business_day(D(2026, 11, 29))  # Sunday
    assert not is_business_day(D(2026, 12, 25))  # holiday on a Friday


def test_a_deadline_on_a_weekend_moves_to_monday():
    assert business_day_on_or_after(D(2026, 11, 28)) == D(2026, 11, 30)
    assert business_day_on_or_after(D(2026, 11, 30)) == D(2026, 11, 30)


def test_a_deadline_on_a_holiday_weekend_moves_past_the_holidays():
    # Friday 25th (holiday), weekend, Monday 28th (holiday): Tuesday 29 December.
    assert business_day_on_or_after(D(2026, 12, 25)) == D(2026, 12, 29)


def test_ten_business_days_over_a_plain_fortnight():
    assert add_business_days(D(2026, 11, 23), 10) == D(2026, 12, 7)


def test_business_days_skip_holidays_and_the_year_end():
    # From Wed 23 Dec: Thu 24, Tue 29, Wed 30, Thu 31, Mon 4 Jan (1 Jan holiday, weekend).
    assert add_business_days(D(2026, 12, 23), 5) == D(2027, 1, 4)


def test_counting_from_a_weekend_starts_on_monday():
    assert add_business_days(D(2026, 11, 28), 1) == D(2026, 11, 30)


def test_business_days_in_a_leap_february():
    # 2028 is a leap year: Mon 28 Feb, Tue 29 Feb, Wed 1 Mar.
    assert add_business_days(D(2028, 2, 25), 2) == D(2028, 2, 29)
    assert business_days_between(D(2028, 2, 25), D(2028, 3, 1)) == 3


def test_zero_days_is_the_start_and_negative_is_refused():
    assert add_business_days(D(2026, 11, 23), 0) == D(2026, 11, 23)
    with pytest.raises(ValueError):
        add_business_days(D(2026, 11, 23), -1)


def test_between_is_the_inverse_of_adding():
    start = D(2026, 12, 20)
    for count in range(0, 30):
        assert business_days_between(start, add_business_days(start, count)) == count


# Each regime's calendar, from the `holidays` package, with BUSINESS_HOLIDAYS on top.


@pytest.fixture
def calendars(settings):
    settings.BUSINESS_HOLIDAYS = []
    settings.EU_HOLIDAYS_COUNTRY, settings.EU_HOLIDAYS_SUBDIVISION = "DE", ""
    settings.UK_HOLIDAYS_COUNTRY, settings.UK_HOLIDAYS_SUBDIVISION = "GB", "ENG"
    settings.CCPA_HOLIDAYS_COUNTRY, settings.CCPA_HOLIDAYS_SUBDIVISION = "US", "CA"


@pytest.mark.parametrize(
    ("day", "eu", "uk", "ccpa"),
    [
        ("2028-10-03", False, True, True),  # Tag der Deutschen Einheit, a Tuesday
        ("2026-04-06", False, False, True),  # Easter Monday: Germany and England
        ("2026-05-04", True, False, True),  # England's Early May bank holiday
        ("2026-08-31", True, False, True),  # England's Late Summer bank holiday
        ("2026-12-28", True, False, True),  # Boxing Day (a Saturday) observed in England
        ("2026-11-26", True, True, False),  # Thanksgiving
        ("2026-11-27", True, True, False),  # the day after: a California state holiday
        ("2026-03-31", True, True, False),  # César Chávez Day: California
        ("2026-10-12", True, True, True),  # Columbus Day: not a California holiday
        ("2026-12-25", False, False, False),  # Christmas everywhere
    ],
)
def test_each_regime_has_its_own_public_holidays(calendars, day, eu, uk, ccpa):
    day = D.fromisoformat(day)
    assert is_business_day(day, Regime.EU) is eu
    assert is_business_day(day, Regime.UK) is uk
    assert is_business_day(day, Regime.CCPA) is ccpa


def test_business_holidays_close_every_regime(calendars, settings):
    settings.BUSINESS_HOLIDAYS = ["2026-11-25"]
    for regime in Regime:
        assert not is_business_day(D(2026, 11, 25), regime)


def test_the_default_regime_is_the_eu_one(calendars):
    assert not is_business_day(D(2028, 10, 3))
    assert is_business_day(D(2026, 11, 26))


def test_counting_business_days_over_thanksgiving_in_each_regime(calendars):
    # From Monday 23 November 2026, 5 business days.
    assert add_business_days(D(2026, 11, 23), 5, Regime.EU) == D(2026, 11, 30)
    assert add_business_days(D(2026, 11, 23), 5, Regime.CCPA) == D(2026, 12, 2)
    assert business_day_on_or_after(D(2026, 11, 26), Regime.CCPA) == D(2026, 11, 30)
    assert business_day_on_or_after(D(2026, 11, 26), Regime.EU) == D(2026, 11, 26)


@pytest.mark.parametrize(
    ("moment", "regime", "day"),
    [
        # 20:00 on Monday in Los Angeles is Tuesday 04:00 in UTC.
        (datetime.datetime(2026, 12, 1, 4, 0, tzinfo=datetime.UTC), Regime.CCPA, D(2026, 11, 30)),
        (datetime.datetime(2026, 12, 1, 4, 0, tzinfo=datetime.UTC), Regime.EU, D(2026, 12, 1)),
        # 23:30 UTC on 30 June is 1 July in Berlin and in London (summer time), not in LA.
        (datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC), Regime.EU, D(2026, 7, 1)),
        (datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC), Regime.UK, D(2026, 7, 1)),
        (datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC), Regime.CCPA, D(2026, 6, 30)),
        # ... but in winter London is on UTC: 23:30 UTC on 30 December is still the 30th.
        (datetime.datetime(2026, 12, 30, 23, 30, tzinfo=datetime.UTC), Regime.UK, D(2026, 12, 30)),
    ],
)
def test_the_day_of_an_instant_is_taken_in_the_regimes_zone(calendars, moment, regime, day):
    assert local_day(moment, regime) == day
