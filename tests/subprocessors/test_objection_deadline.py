"""The objection deadline on worked examples: 30 calendar days after the day of the announcement,
ending at the end of the last day; a last day on a weekend or holiday moves to the next working
day; a window of two days or more holds two working days (Regulation 1182/71, Art. 3). Days
and holidays are the provider's seat's (Europe/Berlin, Germany here)."""

import datetime
import zoneinfo

import pytest

from subprocessors import terms

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _seat(settings):
    settings.SUBPROCESSOR_DEADLINE_TIME_ZONE = "Europe/Berlin"
    settings.SUBPROCESSOR_OBJECTION_WINDOW_DAYS = 30
    settings.BUSINESS_HOLIDAYS = []
    settings.EU_HOLIDAYS_COUNTRY, settings.EU_HOLIDAYS_SUBDIVISION = "DE", ""


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
        # The 30th day is Friday 1 May 2026, Labour Day in Germany -> Monday 4 May.
        ("2026-04-01T08:00:00+00:00", "2026-05-04"),
        # 23:30 UTC on 31 March is already 1 April in Berlin: the day counted is Berlin's.
        ("2026-03-31T23:30:00+00:00", "2026-05-04"),
        # 21:30 UTC on 31 March is still 31 March in Berlin -> 30 April (Thursday).
        ("2026-03-31T21:30:00+00:00", "2026-04-30"),
        # The 30th day is Germany's Unity Day, Tuesday 3 October 2028 -> Wednesday 4 October.
        ("2028-09-03T10:00:00+00:00", "2028-10-04"),
        # The 30th day is Easter Monday, 6 April 2026 -> Tuesday 7 April.
        ("2026-03-07T10:00:00+00:00", "2026-04-07"),
        # Thanksgiving, Thursday 26 November 2026, is no holiday of the seat: it stays.
        ("2026-10-27T10:00:00+00:00", "2026-11-26"),
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


def test_a_window_of_two_days_holds_two_working_days():
    # Announced on Friday 27 November 2026: Saturday and Sunday, moved to Monday, would hold one
    # working day; Art. 3(5) ends it on Tuesday 1 December.
    deadline = terms.objection_deadline(announced_at=at("2026-11-27T10:00:00+00:00"), window_days=2)
    assert deadline == end_of("2026-12-01")
    # Announced on Thursday: Friday and the weekend, moved to Monday: two working days.
    deadline = terms.objection_deadline(announced_at=at("2026-11-26T10:00:00+00:00"), window_days=2)
    assert deadline == end_of("2026-11-30")


def test_the_whole_last_day_is_in_time():
    deadline = end_of("2026-02-04")
    last_tenth = datetime.datetime(2026, 2, 4, 23, 59, 59, 900000, tzinfo=BERLIN)
    assert terms.objection_in_time(deadline=deadline, at=last_tenth)
    midnight = datetime.datetime(2026, 2, 5, 0, 0, 0, tzinfo=BERLIN)
    assert not terms.objection_in_time(deadline=deadline, at=midnight)
    # The same instants in UTC.
    assert terms.objection_in_time(deadline=deadline, at=last_tenth.astimezone(datetime.UTC))
    assert not terms.objection_in_time(deadline=deadline, at=midnight.astimezone(datetime.UTC))


def test_summer_time_day_ends_at_its_own_midnight():
    # Sunday 29 March 2026 has 23 hours in Berlin: its end is 22:00 UTC.
    deadline = end_of("2026-03-29")
    just_before = datetime.datetime(2026, 3, 29, 21, 59, 59, 999999, tzinfo=datetime.UTC)
    assert terms.objection_in_time(deadline=deadline, at=just_before)
    assert not terms.objection_in_time(
        deadline=deadline, at=datetime.datetime(2026, 3, 29, 22, 0, tzinfo=datetime.UTC)
    )


@pytest.mark.django_db
def test_an_objection_at_23_59_59_9_on_the_last_day_is_accepted(announced, admin_a, org_a):
    from subprocessors import services
    from subprocessors.models import Objection

    row = announced.recipients.get(organisation=org_a)
    last_day = row.objection_deadline.astimezone(BERLIN).date()
    last_tenth = datetime.datetime.combine(
        last_day, datetime.time(23, 59, 59, 900000), tzinfo=BERLIN
    )
    objection = services.objection_raise(
        notice=announced, organisation=org_a, grounds="Just in time", user=admin_a, now=last_tenth
    )
    assert Objection.objects.get() == objection


@pytest.mark.django_db
def test_an_objection_at_midnight_after_the_last_day_is_late(announced, admin_a, org_a):
    from subprocessors import services
    from subprocessors.models import Objection

    row = announced.recipients.get(organisation=org_a)
    last_day = row.objection_deadline.astimezone(BERLIN).date()
    midnight = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time(0, 0), tzinfo=BERLIN
    )
    with pytest.raises(services.ObjectionTooLate) as late:
        services.objection_raise(
            notice=announced, organisation=org_a, grounds="Too late", user=admin_a, now=midnight
        )
    assert late.value.deadline == row.objection_deadline
    assert not Objection.objects.exists()
