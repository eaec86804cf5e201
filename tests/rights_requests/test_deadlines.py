"""The legal deadlines on worked examples: month ends, 29 February, weekends, each regime's
holidays, year ends, evening receipts across time zones, daylight-saving changes, pauses and
extensions."""

import datetime

import pytest
from django.urls import reverse

from rights_requests import deadlines, services
from rights_requests.deadlines import Pause
from rights_requests.models import RightsRequest
from tests.conftest import login_with_second_factor

D = datetime.date.fromisoformat
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def _default_calendars(settings):
    settings.BUSINESS_HOLIDAYS = []
    settings.EU_HOLIDAYS_COUNTRY, settings.EU_HOLIDAYS_SUBDIVISION = "DE", ""
    settings.EU_DEADLINE_TIME_ZONE = "Europe/Berlin"
    settings.UK_HOLIDAYS_COUNTRY, settings.UK_HOLIDAYS_SUBDIVISION = "GB", "ENG"
    settings.UK_DEADLINE_TIME_ZONE = "Europe/London"
    settings.CCPA_HOLIDAYS_COUNTRY, settings.CCPA_HOLIDAYS_SUBDIVISION = "US", "CA"
    settings.CCPA_DEADLINE_TIME_ZONE = "America/Los_Angeles"


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
        # 2027 is no leap year: 28 February 2027 is a Sunday, so Monday 1 March.
        ("2027-01-31", "2027-03-01"),
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


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Germany's Unity Day, Tuesday 3 October 2028: Wednesday 4 October.
        ("2028-09-03", "2028-10-04"),
        # Good Friday 3 April 2026, the weekend, Easter Monday: Tuesday 7 April.
        ("2026-03-03", "2026-04-07"),
        # Christmas Day (Friday) and the weekend: Monday 28 December, a working day in Germany.
        ("2026-11-25", "2026-12-28"),
    ],
)
def test_gdpr_deadline_moves_off_the_member_states_public_holidays(received, due):
    assert deadlines.gdpr_deadline(D(received)) == D(due)


def test_uk_gdpr_deadline_moves_off_englands_bank_holidays_not_germanys():
    # Boxing Day is a Saturday in 2026: its substitute, Monday 28 December, is a bank holiday
    # in England but a working day in Germany.
    uk = deadlines.gdpr_deadline(D("2026-11-25"), jurisdiction="uk_gdpr")
    assert uk == D("2026-12-29")
    # Late Summer Bank Holiday, Monday 31 August 2026; an ordinary Monday in Germany.
    assert deadlines.gdpr_deadline(D("2026-07-31"), jurisdiction="uk_gdpr") == D("2026-09-01")
    assert deadlines.gdpr_deadline(D("2026-07-31"), jurisdiction="eu_gdpr") == D("2026-08-31")
    # Germany's Unity Day is a working day in England.
    assert deadlines.gdpr_deadline(D("2028-09-03"), jurisdiction="uk_gdpr") == D("2028-10-03")


def test_a_us_holiday_never_moves_a_gdpr_deadline():
    # Thanksgiving, Thursday 26 November 2026, is a working day in Germany.
    assert deadlines.gdpr_deadline(D("2026-10-26")) == D("2026-11-26")
    assert deadlines.gdpr_deadline(D("2026-10-26"), jurisdiction="other") == D("2026-11-26")


def test_business_holidays_add_the_providers_closing_days(settings):
    settings.BUSINESS_HOLIDAYS = ["2026-11-26"]
    assert deadlines.gdpr_deadline(D("2026-10-26")) == D("2026-11-27")


def test_gdpr_extension_is_three_months_from_receipt_by_the_same_rule():
    # 30 November + 3 months = 28 February 2027, a Sunday: Monday 1 March.
    assert deadlines.gdpr_deadline(D("2026-11-30"), extended=True) == D("2027-03-01")
    # Leap year month end: 30 November 2027 + 3 months = 29 February 2028 (a Tuesday).
    assert deadlines.gdpr_deadline(D("2027-11-30"), extended=True) == D("2028-02-29")


def test_extension_must_be_announced_within_the_first_period():
    assert deadlines.extension_notice_deadline(
        jurisdiction="eu_gdpr", received=D("2026-01-31")
    ) == D("2026-03-02")
    # CCPA: within the first 45 days, the receipt day being the first.
    assert deadlines.extension_notice_deadline(
        jurisdiction="us_ccpa", received=D("2026-01-31")
    ) == D("2026-03-16")


def test_a_pause_adds_the_days_the_clock_waited():
    # UK GDPR: received 15 March, identification asked on 20 March, answered on 30 March:
    # ten days added to 15 April = 25 April, a Saturday: Monday 27 April.
    pauses = [Pause(D("2026-03-20"), D("2026-03-30"))]
    received = D("2026-03-15")
    assert deadlines.gdpr_deadline(received, pauses=pauses, jurisdiction="uk_gdpr") == D(
        "2026-04-27"
    )


def test_an_open_pause_counts_up_to_today_and_two_pauses_add_up():
    pauses = [Pause(D("2026-03-16"), D("2026-03-18")), Pause(D("2026-04-01"), None)]
    # 2 days, then 3 days so far (1 to 4 April): 15 April + 5 = 20 April, a Monday.
    assert deadlines.gdpr_deadline(
        D("2026-03-15"), pauses=pauses, today=D("2026-04-04"), jurisdiction="uk_gdpr"
    ) == D("2026-04-20")


def test_uk_pause_also_delays_the_day_by_which_an_extension_is_announced():
    pauses = [Pause(D("2026-03-20"), D("2026-03-30"))]
    notice_by = deadlines.extension_notice_deadline(
        jurisdiction="uk_gdpr", received=D("2026-03-15"), pauses=pauses
    )
    assert notice_by == D("2026-04-27")
    # An open pause keeps moving it.
    open_pause = [Pause(D("2026-04-10"), None)]
    assert deadlines.extension_notice_deadline(
        jurisdiction="uk_gdpr", received=D("2026-03-15"), pauses=open_pause, today=D("2026-04-20")
    ) == D("2026-04-27")


@pytest.mark.django_db
def test_the_dpo_may_still_extend_a_uk_request_after_a_pause_past_the_first_month(
    file_request, dpo_user, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 15, 10, 0, tzinfo=UTC))
    rr = file_request(jurisdiction="uk_gdpr", email="uk-ext@example.org")
    time_machine.move_to(datetime.datetime(2026, 3, 20, 10, 0, tzinfo=UTC))
    services.rights_request_pause(rr=rr, reason="Which account do you mean?", actor=dpo_user)
    time_machine.move_to(datetime.datetime(2026, 3, 30, 10, 0, tzinfo=UTC))
    services.rights_request_reply(rr=RightsRequest.objects.get(pk=rr.pk), text="The shop one.")
    # 20 April is past the unpaused month (15 April), within the paused one (27 April).
    time_machine.move_to(datetime.datetime(2026, 4, 20, 10, 0, tzinfo=UTC))
    rr = RightsRequest.objects.get(pk=rr.pk)
    assert services.extension_refusal(rr) is None
    services.rights_request_extend(rr=rr, reason="Three systems to search.", actor=dpo_user)
    rr.refresh_from_db()
    assert rr.is_extended
    # 15 June + 10 paused days = 25 June 2026, a Thursday.
    assert rr.due_date == D("2026-06-25")


def test_ccpa_is_45_calendar_days_from_the_day_of_receipt_without_weekend_move():
    # 11 CCR 7021(b): the period begins on the day of receipt, its first day. From 31
    # December 2026 the 45th day is Saturday 13 February 2027, and it stays a Saturday.
    assert deadlines.ccpa_deadline(D("2026-12-31")) == D("2027-02-13")
    assert deadlines.ccpa_deadline(D("2026-12-31"), extended=True) == D("2027-03-30")
    # Across 29 February 2028.
    assert deadlines.ccpa_deadline(D("2028-02-01")) == D("2028-03-16")
    # A US holiday does not move it either: 12 October 2026 + 44 = Thanksgiving.
    assert deadlines.ccpa_deadline(D("2026-10-13")) == D("2026-11-26")


def test_opt_out_is_15_business_days_in_californias_calendar():
    # From Friday 13 November 2026: Veterans Day is past; Thanksgiving (26 November) and the
    # day after (a California state holiday) do not count: Tuesday 8 December.
    assert deadlines.opt_out_deadline(D("2026-11-13")) == D("2026-12-08")
    # César Chávez Day, Tuesday 31 March 2026, is a California state holiday.
    assert deadlines.opt_out_deadline(D("2026-03-27")) == D("2026-04-20")


def test_a_german_holiday_never_moves_a_ccpa_deadline():
    # Tuesday 3 October 2028 is Germany's Unity Day and a business day in California.
    assert deadlines.ccpa_acknowledgement_deadline(D("2028-10-02")) == D("2028-10-16")
    # The same 10 business days in the EU calendar skip it.
    assert deadlines.opt_out_deadline(D("2028-10-02"), jurisdiction="eu_gdpr") == D("2028-10-24")


def test_ccpa_acknowledgement_within_10_business_days_of_californias_calendar():
    # From Friday 18 December 2026: Christmas Day and New Year's Day do not count, Boxing Day
    # is no holiday there: Tuesday 5 January 2027.
    assert deadlines.ccpa_acknowledgement_deadline(D("2026-12-18")) == D("2027-01-05")


@pytest.mark.parametrize("request_type", ["access", "portability", "erasure", "rectification"])
def test_requests_to_know_delete_and_correct_are_acknowledged(request_type):
    assert deadlines.needs_acknowledgement(jurisdiction="us_ccpa", request_type=request_type)


@pytest.mark.django_db
def test_a_ccpa_correction_request_gets_its_acknowledgement_date(file_request, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 20, 18, 0, tzinfo=UTC))
    rr = file_request(type="rectification", jurisdiction="us_ccpa", email="fix@example.org")
    # Friday 20 November: Thanksgiving and the day after do not count.
    assert rr.acknowledgement_due == D("2026-12-08")


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
    ) == D("2026-03-16")
    # An opt-out follows the business-day rule whatever the jurisdiction (Presidents' Day,
    # 16 February, does not count in California).
    assert deadlines.statutory_deadline(
        jurisdiction="us_ccpa", request_type="opt_out", received=received
    ) == D("2026-02-23")
    assert deadlines.statutory_deadline(
        jurisdiction="us_ccpa", request_type="access", received=received, extended=True
    ) == D("2026-04-30")


@pytest.mark.parametrize(
    ("received_at", "jurisdiction", "received", "due"),
    [
        # Monday 30 November 2026, 20:00 in Los Angeles: Tuesday 04:00 in UTC. The CCPA
        # counts from Monday; the 45th day is Wednesday 13 January 2027.
        (datetime.datetime(2026, 12, 1, 4, 0, tzinfo=UTC), "us_ccpa", "2026-11-30", "2027-01-13"),
        # The same instant is Tuesday in Berlin: one month to 1 January, a holiday: Monday 4th.
        (datetime.datetime(2026, 12, 1, 4, 0, tzinfo=UTC), "eu_gdpr", "2026-12-01", "2027-01-04"),
        # Berlin's evening: 23:30 UTC on Saturday 30 January 2027 is Sunday in Berlin.
        (datetime.datetime(2027, 1, 30, 23, 30, tzinfo=UTC), "eu_gdpr", "2027-01-31", "2027-03-01"),
        # ... and still Saturday in London: 28 February 2027 is a Sunday, so Monday 1 March.
        (datetime.datetime(2027, 1, 30, 23, 30, tzinfo=UTC), "uk_gdpr", "2027-01-30", "2027-03-01"),
        # Summer time ends in the UK on 25 October 2026 at 01:00 UTC: 23:30 UTC the evening
        # before is already 00:30 on the 25th in London.
        (
            datetime.datetime(2026, 10, 24, 23, 30, tzinfo=UTC),
            "uk_gdpr",
            "2026-10-25",
            "2026-11-25",
        ),
        # California leaves summer time on 1 November 2026 at 09:00 UTC: 07:30 UTC on the 2nd is
        # 23:30 on the 1st there (it would be the 2nd at the summer offset).
        (datetime.datetime(2026, 11, 2, 7, 30, tzinfo=UTC), "us_ccpa", "2026-11-01", "2026-12-15"),
        # Summer time starts in Germany on 29 March 2026: 22:30 UTC that day is 00:30 on the 30th.
        (datetime.datetime(2026, 3, 29, 22, 30, tzinfo=UTC), "eu_gdpr", "2026-03-30", "2026-04-30"),
    ],
)
@pytest.mark.django_db
def test_the_receipt_day_is_the_calendar_day_in_the_regimes_zone(
    file_request, time_machine, received_at, jurisdiction, received, due
):
    time_machine.move_to(received_at)
    rr = file_request(jurisdiction=jurisdiction, email="tz@example.org")
    assert rr.received_date == D(received)
    assert rr.due_date == D(due)


@pytest.mark.django_db
def test_api_due_at_and_the_pages_show_the_same_day(client, dpo_user, time_machine):
    # Monday 30 November 2026, 20:00 in Los Angeles.
    time_machine.move_to(datetime.datetime(2026, 12, 1, 4, 0, tzinfo=UTC))
    body = {
        "type": "access",
        "email": "evening@example.org",
        "name": "Eve Ning",
        "jurisdiction": "us_ccpa",
        "details": "",
    }
    response = client.post("/api/v1/rights-requests/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["due_at"] == "2027-01-13"
    rr = RightsRequest.objects.get(email="evening@example.org")
    RightsRequest.objects.filter(pk=rr.pk).update(status="open")
    login_with_second_factor(client, dpo_user)
    page = client.get(reverse("rights_requests_staff:request_detail", args=[rr.reference]))
    text = page.content.decode()
    assert 'data-due-date="2027-01-13"' in text
    assert "13 Jan 2027" in text
    assert "30 Nov 2026, the day of receipt in America/Los_Angeles" in text


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
