import datetime

import pytest

from trustcentre.lib.business_days import (
    add_business_days,
    business_day_on_or_after,
    business_days_between,
    is_business_day,
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
