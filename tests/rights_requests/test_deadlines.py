"""The legal deadlines on worked examples: month ends, 29 February, weekends, holidays, year
ends and pauses."""

import datetime

import pytest

from rights_requests import deadlines
from rights_requests.deadlines import Pause

D = datetime.date.fromisoformat


@pytest.fixture
def christmas(settings):
    settings.BUSINESS_HOLIDAYS = ["2026-12-24", "2026-12-25", "2027-01-01"]


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # An ordinary month: the same date.
        ("2026-04-15", "2026-05-15"),
        # 31 January has no 31 February: the month's last day, 28 February 2026, a Saturday,
        # moves to Monday 2 March.
        ("2026-01-31", "2026-03-02"),
        # A leap year: 31 January 2028 ends on Tuesday 29 February.
        ("2028-01-31", "2028-02-29"),
        # Received on 29 February: 29 March.
        ("2028-02-29", "2028-03-29"),
        # Year end: 31 December 2026 gives 31 January 2027, a Sunday: Monday 1 February.
        ("2026-12-31", "2027-02-01"),
        # Received on a Sunday: the clock still runs from that day.
        ("2026-03-15", "2026-04-15"),
    ],
)
def test_gdpr_one_month(received, due):
    assert deadlines.gdpr_deadline(D(received)) == D(due)


def test_gdpr_deadline_on_a_holiday_moves_to_the_next_working_day(settings):
    settings.BUSINESS_HOLIDAYS = ["2026-12-25", "2026-12-28"]
    # 25 December is a holiday (a Friday), then the weekend, then another holiday on Monday.
    assert deadlines.gdpr_deadline(D("2026-11-25")) == D("2026-12-29")


def test_gdpr_extension_is_three_months_from_receipt_by_the_same_rule():
    # 30 November + 3 months = 28 February 2027, a Sunday: Monday 1 March.
    assert deadlines.gdpr_deadline(D("2026-11-30"), extended=True) == D("2027-03-01")
    # Leap year month end: 30 November 2027 + 3 months = 29 February 2028 (a Tuesday).
    assert deadlines.gdpr_deadline(D("2027-11-30"), extended=True) == D("2028-02-29")


def test_extension_must_be_announced_within_the_first_month():
    assert deadlines.extension_notice_deadline(
        jurisdiction="eu_gdpr", received=D("2026-01-31")
    ) == D("2026-03-02")
    assert deadlines.extension_notice_deadline(
        jurisdiction="us_ccpa", received=D("2026-01-31")
    ) == D("2026-03-17")


def test_a_pause_adds_the_days_the_clock_waited():
    # UK GDPR: received 15 March, identification asked on 20 March, answered on 30 March:
    # ten days added to 15 April = 25 April, a Saturday: Monday 27 April.
    pauses = [Pause(D("2026-03-20"), D("2026-03-30"))]
    assert deadlines.gdpr_deadline(D("2026-03-15"), pauses=pauses) == D("2026-04-27")


def test_an_open_pause_counts_up_to_today_and_two_pauses_add_up():
    pauses = [Pause(D("2026-03-16"), D("2026-03-18")), Pause(D("2026-04-01"), None)]
    # 2 days, then 3 days so far (1 to 4 April): 15 April + 5 = 20 April, a Monday.
    assert deadlines.gdpr_deadline(D("2026-03-15"), pauses=pauses, today=D("2026-04-04")) == D(
        "2026-04-20"
    )


def test_ccpa_is_45_calendar_days_without_weekend_move():
    # 31 December 2026 + 45 days = Sunday 14 February 2027, and it stays a Sunday.
    assert deadlines.ccpa_deadline(D("2026-12-31")) == D("2027-02-14")
    assert deadlines.ccpa_deadline(D("2026-12-31"), extended=True) == D("2027-03-31")
    # Across 29 February 2028.
    assert deadlines.ccpa_deadline(D("2028-02-01")) == D("2028-03-17")


def test_opt_out_is_15_business_days_skipping_weekends_and_holidays(christmas):
    # From Friday 18 December 2026: Christmas Eve, Christmas Day and New Year's Day do not
    # count, nor do weekends: the 15th business day is Wednesday 13 January 2027.
    assert deadlines.opt_out_deadline(D("2026-12-18")) == D("2027-01-13")


def test_ccpa_acknowledgement_within_10_business_days(christmas):
    assert deadlines.ccpa_acknowledgement_deadline(D("2026-12-18")) == D("2027-01-06")


def test_statutory_deadline_chooses_the_rule():
    received = D("2026-01-31")
    assert deadlines.statutory_deadline(
        jurisdiction="eu_gdpr", request_type="access", received=received
    ) == D("2026-03-02")
    assert deadlines.statutory_deadline(
        jurisdiction="uk_gdpr", request_type="erasure", received=received
    ) == D("2026-03-02")
    assert deadlines.statutory_deadline(
        jurisdiction="us_ccpa", request_type="access", received=received
    ) == D("2026-03-17")
    # An opt-out follows the business-day rule whatever the jurisdiction.
    assert deadlines.statutory_deadline(
        jurisdiction="us_ccpa", request_type="opt_out", received=received
    ) == D("2026-02-20")
    assert deadlines.statutory_deadline(
        jurisdiction="us_ccpa", request_type="access", received=received, extended=True
    ) == D("2026-05-01")


def test_days_left():
    assert deadlines.days_left(D("2026-03-02"), today=D("2026-02-28")) == 2
    assert deadlines.days_left(D("2026-03-02"), today=D("2026-03-02")) == 0
    assert deadlines.days_left(D("2026-03-02"), today=D("2026-03-05")) == -3


def test_pause_and_extension_rules():
    assert deadlines.pause_allowed(jurisdiction="uk_gdpr")
    assert not deadlines.pause_allowed(jurisdiction="eu_gdpr")
    assert not deadlines.extension_allowed(jurisdiction="us_ccpa", request_type="opt_out")
    assert deadlines.needs_acknowledgement(jurisdiction="us_ccpa", request_type="erasure")
    assert not deadlines.needs_acknowledgement(jurisdiction="eu_gdpr", request_type="erasure")
