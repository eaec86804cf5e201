"""Worked examples of every Data Act period rule (exports/end_of_contract/periods.py)."""

import datetime

import pytest

from exports.end_of_contract import periods

D = datetime.date


@pytest.mark.parametrize(
    ("requested", "latest"),
    [
        (D(2026, 3, 15), D(2026, 5, 15)),  # an ordinary day
        (D(2026, 12, 31), D(2027, 2, 28)),  # a month end into a short February
        (D(2027, 12, 31), D(2028, 2, 29)),  # ... and into a leap-year February
        (D(2026, 1, 31), D(2026, 3, 31)),  # month end to month end
        (D(2026, 8, 31), D(2026, 10, 31)),
        (D(2026, 4, 30), D(2026, 6, 30)),
    ],
)
def test_notice_lasts_at_most_two_calendar_months(requested, latest):
    assert periods.latest_notice_end(requested) == latest


@pytest.mark.parametrize(
    ("start", "latest"),
    [
        (D(2026, 3, 1), D(2026, 3, 31)),
        (D(2024, 1, 31), D(2024, 3, 1)),  # leap year: 29 days of February count
        (D(2026, 1, 31), D(2026, 3, 2)),  # common year
        (D(2026, 12, 15), D(2027, 1, 14)),  # across the new year
    ],
)
def test_transition_lasts_at_most_thirty_calendar_days(start, latest):
    assert periods.latest_transition_end(start) == latest


@pytest.mark.parametrize(
    ("requested", "due", "holidays"),
    [
        (D(2026, 11, 20), D(2026, 12, 10), []),  # a Friday: 14 weekdays later, a Thursday
        (D(2026, 11, 21), D(2026, 12, 10), []),  # a Saturday counts from the Monday
        (D(2026, 11, 23), D(2026, 12, 11), []),  # a Monday
        # Christmas and New Year's Day are German public holidays: they never count.
        (D(2026, 12, 18), D(2027, 1, 11), []),
        # The provider's own closing days (BUSINESS_HOLIDAYS) do not count either.
        (D(2026, 12, 18), D(2027, 1, 13), ["2026-12-24", "2026-12-31"]),
        # Easter: Good Friday 3 April and Easter Monday 6 April 2026 do not count.
        (D(2026, 3, 27), D(2026, 4, 20), []),
    ],
)
def test_unfeasibility_statement_within_fourteen_working_days(settings, requested, due, holidays):
    settings.BUSINESS_HOLIDAYS = holidays
    assert periods.unfeasibility_statement_due(requested) == due


@pytest.mark.parametrize(
    ("start", "latest"),
    [
        (D(2026, 7, 31), D(2027, 2, 28)),  # month end clamped to February
        (D(2027, 7, 31), D(2028, 2, 29)),  # leap year
        (D(2026, 1, 15), D(2026, 8, 15)),
        (D(2026, 6, 30), D(2027, 1, 30)),
    ],
)
def test_alternative_transition_lasts_at_most_seven_months(start, latest):
    assert periods.latest_alternative_transition_end(start) == latest


@pytest.mark.parametrize(
    ("start", "earliest"),
    [
        (D(2026, 3, 2), D(2026, 4, 1)),
        (D(2028, 2, 1), D(2028, 3, 2)),  # leap February has 29 days
        (D(2026, 2, 1), D(2026, 3, 3)),
        (D(2026, 12, 20), D(2027, 1, 19)),
    ],
)
def test_retrieval_lasts_at_least_thirty_days(start, earliest):
    assert periods.earliest_retrieval_end(start) == earliest


@pytest.mark.parametrize(
    ("start", "erasure"),
    [
        # From Friday 30 October 2026, the 30th day is Saturday 28 November: the retrieval ends
        # with Monday 30 November, the erasure starts on Tuesday 1 December.
        (D(2026, 10, 30), D(2026, 12, 1)),
        # From Saturday 7 March 2026, the 30th day is Easter Sunday; Easter Monday is a holiday
        # in Germany: the retrieval ends with Tuesday 7 April, the erasure starts on the 8th.
        (D(2026, 3, 7), D(2026, 4, 8)),
        # The 30th day is Germany's Unity Day, Tuesday 3 October 2028: erasure on the 5th.
        (D(2028, 9, 4), D(2028, 10, 5)),
        # The 30th day is Thursday 26 November 2026, Thanksgiving: no holiday here.
        (D(2026, 10, 28), D(2026, 11, 27)),
        # Across the year end: the 30th day is New Year's Day 2027, a Friday: Monday 4 January.
        (D(2026, 12, 3), D(2027, 1, 5)),
    ],
)
def test_retrieval_ends_at_the_end_of_a_working_day(start, erasure):
    assert periods.earliest_retrieval_end(start) == erasure


def test_a_longer_retrieval_the_customer_chose_ends_on_a_working_day_too():
    # From Friday 30 October 2026: the 44th day is Saturday 12 December, the 45th a Sunday;
    # both end with Monday 14 December. The 43rd, Friday 11 December, stays.
    assert periods.retrieval_end_for(D(2026, 10, 30), 44) == D(2026, 12, 15)
    assert periods.retrieval_end_for(D(2026, 10, 30), 45) == D(2026, 12, 15)
    assert periods.retrieval_end_for(D(2026, 10, 30), 43) == D(2026, 12, 12)


def test_the_alternative_transitions_bound_is_the_providers_only():
    # Art. 25(4) bounds the provider's alternative period; the customer's extension under
    # Art. 25(5) has no such bound (tests/end_of_contract/test_case_services.py).
    assert periods.latest_alternative_transition_end(D(2026, 1, 31)) == D(2026, 8, 31)


def test_retrieval_upper_bound_is_the_providers_setting(settings):
    settings.END_OF_CONTRACT_RETRIEVAL_MAX_DAYS = 60
    assert periods.latest_retrieval_end(D(2026, 1, 1)) == D(2026, 3, 2)


def test_reminders_seven_days_and_one_day_before_the_erasure():
    # The erasure on 1 March 2028 (leap year): reminders on 23 and 29 February.
    assert periods.deletion_reminder_dates(D(2028, 3, 1)) == [D(2028, 2, 23), D(2028, 2, 29)]
    assert periods.deletion_reminder_dates(D(2027, 3, 1)) == [D(2027, 2, 22), D(2027, 2, 28)]


def test_backups_overwritten_after_the_retention_setting(settings):
    settings.END_OF_CONTRACT_BACKUP_RETENTION_DAYS = 35
    assert periods.backups_overwritten_by(D(2026, 1, 31)) == D(2026, 3, 7)
    assert periods.backups_overwritten_by(D(2028, 1, 31)) == D(2028, 3, 6)
    settings.END_OF_CONTRACT_BACKUP_RETENTION_DAYS = 7
    assert periods.backups_overwritten_by(D(2026, 12, 28)) == D(2027, 1, 4)
