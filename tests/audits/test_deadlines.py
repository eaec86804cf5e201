"""The answer period of an audit or information request, on worked examples: 30 calendar days
counted as Regulation 1182/71 counts them, in the provider's zone (Europe/Berlin) and calendar
(German public holidays), whatever the zone of the person asking."""

import datetime
import zoneinfo

import pytest

from dpa.audits.deadlines import answer_days_for, answer_due_on, answered_in_time
from tests.dpa.factories import give_dpa, make_version

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def at(year, month, day, hour=10, minute=0, zone=BERLIN):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=zone)


@pytest.mark.parametrize(
    ("received_at", "days", "due_on"),
    [
        # An ordinary month: Monday 2 March + 30 days is Wednesday 1 April.
        (at(2026, 3, 2), 30, datetime.date(2026, 4, 1)),
        # Month end: 30 January + 30 days is 1 March 2026, a Sunday: it moves to Monday 2 March.
        (at(2026, 1, 30), 30, datetime.date(2026, 3, 2)),
        # Leap year: 30 January 2028 + 30 days is Tuesday 29 February 2028.
        (at(2028, 1, 30), 30, datetime.date(2028, 2, 29)),
        # The same date a year earlier, no 29 February: Monday 1 March 2027.
        (at(2027, 1, 30), 30, datetime.date(2027, 3, 1)),
        # Weekend: 31 March + 30 days is Thursday 30 April; 1 April + 30 is Saturday 1 May,
        # a public holiday too, then Sunday: Monday 4 May.
        (at(2026, 3, 31), 30, datetime.date(2026, 4, 30)),
        (at(2026, 4, 1), 30, datetime.date(2026, 5, 4)),
        # Christmas: 25 November + 30 days is Friday 25 December; 26 December and the Sunday
        # follow: Monday 28 December.
        (at(2026, 11, 25), 30, datetime.date(2026, 12, 28)),
        # A DPA with a shorter period: 14 days from Friday 4 December is Friday 18 December.
        (at(2026, 12, 4), 14, datetime.date(2026, 12, 18)),
    ],
)
def test_worked_examples(received_at, days, due_on):
    assert answer_due_on(received_at=received_at, days=days) == due_on


@pytest.mark.parametrize(
    ("received_at", "due_on"),
    [
        # 17:00 in New York on Tuesday 10 February is 23:00 in Berlin, still the 10th.
        (at(2026, 2, 10, 17, 0, NEW_YORK), datetime.date(2026, 3, 12)),
        # 19:00 in New York is 01:00 on Wednesday the 11th in Berlin: one day later.
        (at(2026, 2, 10, 19, 0, NEW_YORK), datetime.date(2026, 3, 13)),
        # 07:30 on the 11th in Tokyo is 23:30 on the 10th in Berlin.
        (at(2026, 2, 11, 7, 30, TOKYO), datetime.date(2026, 3, 12)),
        # 23:30 UTC on the 10th is 00:30 on the 11th in Berlin.
        (at(2026, 2, 10, 23, 30, datetime.UTC), datetime.date(2026, 3, 13)),
    ],
)
def test_evening_times_in_other_zones_count_from_the_day_in_berlin(received_at, due_on):
    assert answer_due_on(received_at=received_at, days=30) == due_on


def test_the_whole_last_day_is_in_time_in_berlin():
    due_on = datetime.date(2026, 4, 1)
    assert answered_in_time(due_on=due_on, at=at(2026, 4, 1, 23, 59))
    assert not answered_in_time(due_on=due_on, at=at(2026, 4, 2, 0, 0))
    # 18:30 on 1 April in New York is already 2 April in Berlin: late.
    assert not answered_in_time(due_on=due_on, at=at(2026, 4, 1, 18, 30, NEW_YORK))


def test_a_naive_time_or_an_empty_period_is_refused():
    with pytest.raises(ValueError):
        answer_due_on(received_at=datetime.datetime(2026, 3, 2, 10, 0), days=30)
    with pytest.raises(ValueError):
        answer_due_on(received_at=at(2026, 3, 2), days=0)


def test_the_period_is_the_one_of_the_dpa_in_force(org_a, org_b):
    assert answer_days_for(org_a) == 30  # no DPA: the default
    agreement = give_dpa(org_a)  # negotiated: its own period, 30 unless set
    assert answer_days_for(org_a) == 30
    type(agreement).objects.filter(pk=agreement.pk).update(audit_answer_days=20)
    assert answer_days_for(org_a) == 20

    version = make_version(audit_answer_days=45)
    from dpa.models import Agreement

    Agreement.objects.create(
        organisation=org_b,
        kind=Agreement.Kind.ONLINE,
        version=version,
        status=Agreement.Status.EXECUTED,
        customer_legal_name="Globex",
        notices_email="dpo@globex.test",
        effective_date=datetime.date(2026, 1, 1),
        objection_window_days=30,
        executed_sha256="0" * 64,
    )
    assert answer_days_for(org_b) == 45
