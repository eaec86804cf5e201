"""The objection deadline on worked examples: 30 calendar days after the day of the announcement,
ending with that day's last hour; a last day on a weekend or holiday moves to the next working
day (Regulation 1182/71, Art. 3). Days are the provider's seat's (Europe/Berlin here)."""

import datetime
import zoneinfo

import pytest

from subprocessors import terms

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _seat(settings):
    settings.SUBPROCESSOR_DEADLINE_TIME_ZONE = "Europe/Berlin"
    settings.SUBPROCESSOR_OBJECTION_WINDOW_DAYS = 30
    settings.BUSINESS_HOLIDAYS = ["2026-05-01", "2026-12-25", "2026-12-26"]


def at(text):
    return datetime.datetime.fromisoformat(text)


def end_of(day):
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(23, 59, 59), tzinfo=BERLIN
    )


@pytest.mark.parametrize(
    ("announced", "deadline"),
    [
        # Monday 5 January -> Wednesday 4 February.
        ("2026-01-05T10:00:00+00:00", "2026-02-04"),
        # Announced on the last day of January: February has 28 days -> 2 March.
        ("2026-01-31T09:00:00+00:00", "2026-03-02"),
        # Leap year: 29 February exists, so 30 days after 31 January is 1 March.
        ("2028-01-31T09:00:00+00:00", "2028-03-01"),
        # The 30th day is Saturday 7 February -> Monday 9 February.
        ("2026-01-08T12:00:00+00:00", "2026-02-09"),
        # Across the year end onto Saturday 30 January 2027 -> Monday 1 February.
        ("2026-12-31T12:00:00+00:00", "2027-02-01"),
        # The 30th day is a Sunday (28 February 2027) -> Monday 1 March.
        ("2027-01-29T08:00:00+00:00", "2027-03-01"),
        # The 30th day is Friday 1 May 2026, a holiday -> Monday 4 May.
        ("2026-04-01T08:00:00+00:00", "2026-05-04"),
        # 23:30 UTC on 31 March is already 1 April in Berlin: the day counted is Berlin's.
        ("2026-03-31T23:30:00+00:00", "2026-05-04"),
        # 21:30 UTC on 31 March is still 31 March in Berlin -> 30 April (Thursday).
        ("2026-03-31T21:30:00+00:00", "2026-04-30"),
    ],
)
def test_worked_examples(announced, deadline):
    assert terms.objection_deadline(announced_at=at(announced), window_days=30) == end_of(deadline)


def test_the_window_comes_from_one_function_which_the_dpa_will_fill(settings, org_a):
    settings.SUBPROCESSOR_OBJECTION_WINDOW_DAYS = 45
    assert terms.objection_window_for(org_a) == 45
    # 45 days after Monday 5 January 2026 is Thursday 19 February.
    deadline = terms.objection_deadline_for(
        announced_at=at("2026-01-05T10:00:00+00:00"), organisation=org_a
    )
    assert deadline == end_of("2026-02-19")


def test_effective_date_is_the_day_after_the_deadline_at_the_earliest():
    deadline = end_of("2026-02-09")
    assert terms.earliest_effective_date(deadline) == datetime.date(2026, 2, 10)
    assert terms.effective_at_for(datetime.date(2026, 2, 10)) > deadline


def test_a_window_of_no_days_is_refused():
    with pytest.raises(ValueError):
        terms.objection_deadline(announced_at=at("2026-01-05T10:00:00+00:00"), window_days=0)
