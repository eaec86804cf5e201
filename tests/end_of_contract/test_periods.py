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
        # Christmas and New Year's Day do not count when they are holidays.
        (D(2026, 12, 18), D(2027, 1, 11), ["2026-12-25", "2027-01-01"]),
        (D(2026, 12, 18), D(2027, 1, 7), []),
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
