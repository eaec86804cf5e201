"""Regulation 1182/71 Art. 3 on worked examples: month ends, 29 February, year ends, weekends,
the Member State's holidays, the two-working-days rule and the end of a period's last day."""

import datetime

import pytest

from trustcentre.lib import periods

D = datetime.date.fromisoformat
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def _germany(settings):
    settings.BUSINESS_HOLIDAYS = []
    settings.EU_HOLIDAYS_COUNTRY, settings.EU_HOLIDAYS_SUBDIVISION = "DE", ""
    settings.EU_DEADLINE_TIME_ZONE = "Europe/Berlin"


@pytest.mark.parametrize(
    ("event", "days", "last"),
    [
        # The event day does not count: 30 days from Monday 2 March end on Wednesday 1 April.
        ("2026-03-02", 30, "2026-04-01"),
        # Across 29 February 2028.
        ("2028-02-01", 30, "2028-03-02"),
        # Across the year end: 30 days from 2 December 2026 end on Friday 1 January, a holiday,
        # then the weekend: Monday 4 January.
        ("2026-12-02", 30, "2027-01-04"),
        # A last day on a Sunday moves to Monday (Art. 3(4)).
        ("2026-11-01", 6, "2026-11-09"),
        # One day from a Friday: Saturday, moved to Monday; Art. 3(5) is for two days or more.
        ("2026-11-27", 1, "2026-11-30"),
        # Two days from a Thursday: Friday and Saturday, moved to Monday: two working days.
        ("2026-11-26", 2, "2026-11-30"),
        # Two days from a Friday: the weekend, moved to Monday, still one working day; Art. 3(5)
        # lengthens it to Tuesday.
        ("2026-11-27", 2, "2026-12-01"),
        # Two days from Christmas Eve 2026: Christmas Day (a holiday) and Saturday the 26th (the
        # second Christmas Day), moved to Monday 28: one working day, so Tuesday 29.
        ("2026-12-24", 2, "2026-12-29"),
    ],
)
def test_periods_in_days(event, days, last):
    assert periods.last_day_of_days(D(event), days) == D(last)


@pytest.mark.parametrize(
    ("event", "months", "last"),
    [
        # 31 January + 1 month: 28 February 2026, a Saturday: Monday 2 March.
        ("2026-01-31", 1, "2026-03-02"),
        # A leap year: Tuesday 29 February 2028.
        ("2028-01-31", 1, "2028-02-29"),
        # 2027: 28 February is a Sunday: Monday 1 March.
        ("2027-01-31", 1, "2027-03-01"),
        # From 29 February 2028: 29 March; a year on, 28 February 2029 (a Wednesday).
        ("2028-02-29", 1, "2028-03-29"),
        ("2028-02-29", 12, "2029-02-28"),
        # Year end: 31 January 2027 is a Sunday: Monday 1 February.
        ("2026-12-31", 1, "2027-02-01"),
        # Germany's Unity Day, Tuesday 3 October 2028: Wednesday 4 October.
        ("2028-09-03", 1, "2028-10-04"),
        # Good Friday 3 April 2026, the weekend and Easter Monday: Tuesday 7 April.
        ("2026-03-03", 1, "2026-04-07"),
    ],
)
def test_periods_in_months(event, months, last):
    assert periods.last_day_of_months(D(event), months) == D(last)


def test_a_period_ends_at_the_end_of_its_last_day():
    berlin = datetime.timezone(datetime.timedelta(hours=1))
    last = D("2026-11-30")
    assert periods.is_in_time(datetime.datetime(2026, 11, 30, 23, 59, 59, 900000, berlin), last)
    assert not periods.is_in_time(datetime.datetime(2026, 12, 1, 0, 0, 0, tzinfo=berlin), last)
    assert periods.end_of_period_instant(last) == datetime.datetime(2026, 11, 30, 23, 0, tzinfo=UTC)


def test_the_end_of_a_last_day_follows_daylight_saving_time():
    # Sunday 29 March 2026 has 23 hours in Berlin: it ends at 22:00 UTC (midnight CEST).
    last = D("2026-03-29")
    assert periods.end_of_period_instant(last) == datetime.datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert periods.is_in_time(datetime.datetime(2026, 3, 29, 21, 59, 59, 999999, UTC), last)
    assert not periods.is_in_time(datetime.datetime(2026, 3, 29, 22, 0, tzinfo=UTC), last)
    # Sunday 25 October 2026 has 25 hours: it ends at 23:00 UTC (midnight CET).
    last = D("2026-10-25")
    assert periods.is_in_time(datetime.datetime(2026, 10, 25, 22, 30, tzinfo=UTC), last)
    assert not periods.is_in_time(datetime.datetime(2026, 10, 25, 23, 0, tzinfo=UTC), last)


def test_the_member_state_is_a_setting(settings):
    # In France, 14 July is a holiday; in Germany it is not.
    assert periods.last_day_of_months(D("2026-06-14"), 1) == D("2026-07-14")
    settings.EU_HOLIDAYS_COUNTRY = "FR"
    assert periods.last_day_of_months(D("2026-06-14"), 1) == D("2026-07-15")
