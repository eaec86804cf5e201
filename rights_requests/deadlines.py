"""The legal deadlines of rights requests: one function per rule, each naming its source.

Every date here is a calendar date of the request's regime (trustcentre.lib.business_days):
its zone decides the day of receipt, its calendar which days are working days. The regime
follows the jurisdiction: `eu_gdpr` and `other` (held to the stricter GDPR standard) the EU
regime (the provider's Member State and seat), `uk_gdpr` the UK's (England's bank holidays,
Europe/London), `us_ccpa` California's (America/Los_Angeles). A US holiday never moves a GDPR
deadline, and a German holiday never a CCPA one.

Where the text allows two readings, the one that gives the requester the answer sooner is
taken: these are periods in which the provider must act.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from trustcentre.lib import periods
from trustcentre.lib.business_days import Regime, add_business_days, local_day, time_zone
from trustcentre.lib.business_days import today as regime_today

# GDPR Art. 12(3) and UK GDPR Art. 12(3)/12A: one month, extendable by two further months.
GDPR_MONTHS = 1
GDPR_EXTENDED_MONTHS = 3
# 11 CCR 7021(b) (Cal. Civ. Code 1798.130(a)(2)(A)): 45 calendar days, extendable once by 45.
CCPA_DAYS = 45
CCPA_EXTENSION_DAYS = 45
# CCPA Regulations, 11 CCR 7026(f): act on an opt-out of sale/sharing within 15 business days.
OPT_OUT_BUSINESS_DAYS = 15
# 11 CCR 7021(a): confirm receipt of a request to know, delete or correct within 10 business
# days.
CCPA_ACKNOWLEDGEMENT_BUSINESS_DAYS = 10
CCPA_ACKNOWLEDGED_TYPES = ("access", "portability", "erasure", "rectification")

JURISDICTION_REGIMES = {"eu_gdpr": Regime.EU, "uk_gdpr": Regime.UK, "us_ccpa": Regime.CCPA}


def regime_for(jurisdiction: str) -> Regime:
    """The calendar and zone a request's periods count in; 'other' is held to the EU's."""
    return JURISDICTION_REGIMES.get(jurisdiction, Regime.EU)


def receipt_day(received_at: datetime.datetime, *, jurisdiction: str) -> datetime.date:
    """The calendar day of receipt in the regime's zone: received at 20:00 on a Monday in
    California (Tuesday in UTC), a CCPA request counts from Monday; the same instant is
    Tuesday for a GDPR request handled in Berlin."""
    return local_day(received_at, regime_for(jurisdiction))


def time_zone_name(*, jurisdiction: str) -> str:
    return str(time_zone(regime_for(jurisdiction)))


def today_for(jurisdiction: str) -> datetime.date:
    """Today in the regime's zone: the day a deadline is checked against."""
    return regime_today(regime_for(jurisdiction))


@dataclass(frozen=True)
class Pause:
    """The clock stopped on `start` (clarification or identification asked for) and resumed
    on `end` (the answer arrived); `end` is None while it waits."""

    start: datetime.date
    end: datetime.date | None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same date `months` later, or that month's last day (Regulation 1182/71 Art. 3(2)(c))."""
    return periods.add_months(day, months)


def paused_days(pauses: Iterable[Pause], *, today: datetime.date) -> int:
    """Calendar days the clock stood still; an open pause counts up to today."""
    return sum(((pause.end or today) - pause.start).days for pause in pauses)


def gdpr_deadline(
    received: datetime.date,
    *,
    extended: bool = False,
    pauses: Iterable[Pause] = (),
    today: datetime.date | None = None,
    jurisdiction: str = "eu_gdpr",
) -> datetime.date:
    """GDPR / UK GDPR Art. 12(3): one month from receipt (three once extended), counted as
    Regulation 1182/71 Art. 3 counts it (the ICO's guidance counts UK GDPR the same way): the
    receipt day does not count (Art. 3(1)); the period ends at the end of the day of the last
    month with the receipt's date, or of that month's last day (Art. 3(2)(c)); a last day on a
    Saturday, Sunday or public holiday of the regime moves to the next working day (Art. 3(4));
    the period holds at least two working days (Art. 3(5)).

    UK GDPR Art. 12A (DPA 2018 as amended by the Data (Use and Access) Act 2025): the days from
    asking for the information needed to identify the requester or the data (the pause) to
    receiving it do not count; they are added before the working-day move. An open pause
    counts up to `today`."""
    regime = regime_for(jurisdiction)
    nominal = add_months(received, GDPR_EXTENDED_MONTHS if extended else GDPR_MONTHS)
    nominal += datetime.timedelta(days=paused_days(pauses, today=today or received))
    return periods.close_period(received, nominal, regime=regime)


def gdpr_extension_notice_deadline(
    received: datetime.date,
    *,
    pauses: Iterable[Pause] = (),
    today: datetime.date | None = None,
    jurisdiction: str = "eu_gdpr",
) -> datetime.date:
    """Art. 12(3): the requester is told of an extension, with the reasons, within one month
    of receipt: the original deadline. Under UK GDPR Art. 12A the pause stops this clock too:
    the extension is announced within the applicable time period, which the pause lengthens."""
    return gdpr_deadline(received, pauses=pauses, today=today, jurisdiction=jurisdiction)


def ccpa_deadline(received: datetime.date, *, extended: bool = False) -> datetime.date:
    """11 CCR 7021(b) (Cal. Civ. Code 1798.130(a)(2)(A)): 45 calendar days, once extendable by
    45 more with notice within the first 45. "The 45-calendar-day period will begin on the day
    that the business receives the request": the receipt day is the first of the 45 days, so
    the last is the 44th after it (the earlier of the two readings of "within 45 days", which
    protects the consumer). Calendar days: a last day on a weekend or holiday does not move."""
    days = CCPA_DAYS + (CCPA_EXTENSION_DAYS if extended else 0)
    return received + datetime.timedelta(days=days - 1)


def opt_out_deadline(received: datetime.date, *, jurisdiction: str = "us_ccpa") -> datetime.date:
    """11 CCR 7026(f): an opt-out of sale or sharing is acted on "no later than 15 business
    days from the date the business receives the request", without demanding identity
    verification. Counted from the day after receipt (Cal. Civ. Code 10 excludes the first
    day), in the request's regime calendar (California's for a CCPA request)."""
    return add_business_days(received, OPT_OUT_BUSINESS_DAYS, regime_for(jurisdiction))


def ccpa_acknowledgement_deadline(received: datetime.date) -> datetime.date:
    """11 CCR 7021(a): a request to know, to delete or to correct is confirmed "no later than
    10 business days after receiving" it: California's business days, from the day after
    receipt."""
    return add_business_days(received, CCPA_ACKNOWLEDGEMENT_BUSINESS_DAYS, Regime.CCPA)


def statutory_deadline(
    *,
    jurisdiction: str,
    request_type: str,
    received: datetime.date,
    extended: bool = False,
    pauses: Iterable[Pause] = (),
    today: datetime.date | None = None,
) -> datetime.date:
    """The one deadline a request is worked to: an opt-out by the business-day rule, a CCPA
    request by 45 days, every other (EU, UK and 'other', which we hold to the stricter GDPR
    standard) by the one-month rule."""
    if request_type == "opt_out":
        return opt_out_deadline(received, jurisdiction=jurisdiction)
    if jurisdiction == "us_ccpa":
        return ccpa_deadline(received, extended=extended)
    return gdpr_deadline(
        received, extended=extended, pauses=pauses, today=today, jurisdiction=jurisdiction
    )


def extension_allowed(*, jurisdiction: str, request_type: str) -> bool:
    """An opt-out has no extension; every other request may be extended once."""
    return request_type != "opt_out"


def extension_notice_deadline(
    *,
    jurisdiction: str,
    received: datetime.date,
    pauses: Iterable[Pause] = (),
    today: datetime.date | None = None,
) -> datetime.date:
    """The last day on which an extension may still be announced to the requester: within the
    first 45 days (CCPA), within the first month, lengthened by any pause (GDPR, UK GDPR)."""
    if jurisdiction == "us_ccpa":
        return ccpa_deadline(received)
    return gdpr_extension_notice_deadline(
        received, pauses=pauses, today=today, jurisdiction=jurisdiction
    )


def pause_allowed(*, jurisdiction: str) -> bool:
    """Only UK GDPR lets the clock wait for the requester (the 'stop the clock' rule)."""
    return jurisdiction == "uk_gdpr"


def needs_acknowledgement(*, jurisdiction: str, request_type: str) -> bool:
    """11 CCR 7021(a): CCPA requests to know (access, portability), to delete and to correct
    are acknowledged."""
    return jurisdiction == "us_ccpa" and request_type in CCPA_ACKNOWLEDGED_TYPES


def days_left(due: datetime.date, *, today: datetime.date) -> int:
    """Calendar days until the deadline: 0 on the day itself, negative once overdue."""
    return (due - today).days
