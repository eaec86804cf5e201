"""The notification period: elapsed hours from awareness, worked examples."""

import datetime
import zoneinfo

import pytest

from dpa.breaches.deadlines import duration_label, notification_due_at, notification_timing

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = datetime.UTC


def berlin(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("aware", "hours", "due"),
    [
        # Across midnight: the clock just goes on.
        (berlin(2026, 1, 10, 23, 15), 48, berlin(2026, 1, 12, 23, 15)),
        (berlin(2026, 1, 10, 23, 15), 2, berlin(2026, 1, 11, 1, 15)),
        # Month end: 31 January + 48 h is 2 February.
        (berlin(2026, 1, 31, 12, 0), 48, berlin(2026, 2, 2, 12, 0)),
        (berlin(2026, 4, 30, 18, 0), 72, berlin(2026, 5, 3, 18, 0)),
        # Leap year: 28 February 2028 + 48 h passes 29 February; 2027 has none.
        (berlin(2028, 2, 28, 10, 0), 48, berlin(2028, 3, 1, 10, 0)),
        (berlin(2027, 2, 28, 10, 0), 48, berlin(2027, 3, 2, 10, 0)),
        (berlin(2028, 2, 29, 8, 30), 24, berlin(2028, 3, 1, 8, 30)),
        # Spring forward (29 March 2026, 02:00 CET -> 03:00 CEST): 48 elapsed hours read one
        # hour later on the clock.
        (berlin(2026, 3, 28, 23, 30), 48, berlin(2026, 3, 31, 0, 30)),
        # Fall back (25 October 2026, 03:00 CEST -> 02:00 CET): one hour earlier on the clock.
        (berlin(2026, 10, 24, 12, 0), 48, berlin(2026, 10, 26, 11, 0)),
        # Weekends count: Friday evening + 48 h is Sunday evening.
        (berlin(2026, 11, 20, 18, 0), 48, berlin(2026, 11, 22, 18, 0)),
    ],
)
def test_due_time_is_elapsed_hours_after_awareness(aware, hours, due):
    result = notification_due_at(aware, hours=hours)
    assert result == due
    # Elapsed time, measured in UTC (Python subtracts times of one zone by their clock readings).
    assert result.astimezone(UTC) - aware.astimezone(UTC) == datetime.timedelta(hours=hours)
    assert (result.year, result.month, result.day, result.hour, result.minute) == (
        due.year,
        due.month,
        due.day,
        due.hour,
        due.minute,
    )


def test_spring_forward_in_utc_is_exactly_48_hours():
    aware = berlin(2026, 3, 28, 23, 30)  # 22:30 UTC
    due = notification_due_at(aware, hours=48)
    assert due.astimezone(UTC) == datetime.datetime(2026, 3, 30, 22, 30, tzinfo=UTC)
    assert (due.hour, due.utcoffset()) == (0, datetime.timedelta(hours=2))


def test_period_comes_from_the_dpa_setting(settings):
    settings.DPA_BREACH_NOTIFICATION_HOURS = 24
    aware = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    assert notification_due_at(aware) == datetime.datetime(2026, 5, 2, 9, 0, tzinfo=UTC)


def test_naive_time_is_refused():
    with pytest.raises(ValueError):
        notification_due_at(datetime.datetime(2026, 5, 1, 9, 0), hours=48)


def test_timing_measures_from_detection_and_awareness(settings):
    settings.DPA_BREACH_NOTIFICATION_HOURS = 48
    detected = berlin(2026, 3, 27, 20, 0)
    aware = berlin(2026, 3, 28, 23, 30)
    on_time = notification_timing(
        detected_at=detected, aware_at=aware, notified_at=berlin(2026, 3, 31, 0, 30)
    )
    assert on_time.within_period is True  # exactly at the due time still counts
    assert on_time.since_awareness == datetime.timedelta(hours=48)
    assert on_time.since_detection == datetime.timedelta(hours=75, minutes=30)  # 27.5 h + 48 h
    late = notification_timing(
        detected_at=detected, aware_at=aware, notified_at=berlin(2026, 3, 31, 0, 31)
    )
    assert late.within_period is False


def test_duration_label():
    assert duration_label(datetime.timedelta(minutes=5)) == "5 min"
    assert duration_label(datetime.timedelta(hours=3, minutes=2)) == "3 h 2 min"
    assert duration_label(datetime.timedelta(days=2, minutes=1)) == "2 d 0 h 1 min"


def test_a_due_time_on_a_weekend_or_holiday_does_not_move(settings):
    # Elapsed hours, not Regulation 1182/71 days: aware on Thursday 1 October 2026 at 10:00,
    # 48 hours later is Saturday 3 October, Germany's Unity Day, and the notice is due then.
    settings.EU_HOLIDAYS_COUNTRY, settings.EU_HOLIDAYS_SUBDIVISION = "DE", ""
    assert notification_due_at(berlin(2026, 10, 1, 10, 0), hours=48) == berlin(2026, 10, 3, 10, 0)
    # Christmas Eve evening + 24 h: Christmas Day evening, a holiday; no move either.
    assert notification_due_at(berlin(2026, 12, 24, 18, 0), hours=24) == berlin(2026, 12, 25, 18, 0)
