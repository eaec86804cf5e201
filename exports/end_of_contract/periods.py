"""The Data Act's switching periods (Regulation (EU) 2023/2854, Art. 25), one function per rule.

Every date an end-of-contract case shows or enforces comes from here, so a rule is written
once and tested on worked examples (month ends, leap years, weekends, holidays). A period's
end is the day the next one starts: a transition "until 1 March" means retrieval from 1 March.
Months are calendar months clamped to the month's end (31 December + 2 months = 28 or 29
February), as dateutil's relativedelta counts them.

Where the periods bind the provider (notice, transition, statement), they are bounds the
customer may choose within. Where the customer acts (retrieving its data), the later reading is
taken: the retrieval ends at the end of a working day (Regulation 1182/71 Art. 3(4)), in the
EU regime's calendar (the provider's Member State, trustcentre.lib.business_days).
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings

from trustcentre.lib import periods as eu_periods
from trustcentre.lib.business_days import Regime, add_business_days

# Art. 25(2)(d): the maximum notice period for starting the switching process is 2 months.
NOTICE_MAX_MONTHS = 2
# Art. 25(2)(a): the mandatory maximum transitional period is 30 calendar days.
TRANSITION_MAX_DAYS = 30
# Art. 25(4): where switching within 30 days is technically unfeasible, the provider says so
# within 14 working days of the request, with reasons, and sets an alternative transitional
# period of at most 7 months. The bound is the provider's: the customer's own extension under
# Art. 25(5) has none.
UNFEASIBILITY_STATEMENT_WORKING_DAYS = 14
ALTERNATIVE_TRANSITION_MAX_MONTHS = 7
# Art. 25(2): data retrieval lasts at least 30 calendar days, starting after the end of the
# transitional period.
RETRIEVAL_MIN_DAYS = 30
# Reminders before the erasure starts, in days before its date.
DELETION_REMINDER_DAYS = (7, 1)


def latest_notice_end(requested_on: datetime.date) -> datetime.date:
    """The latest day a switch asked for on `requested_on` may take effect (Art. 25(2)(d):
    notice of at most 2 months)."""
    return requested_on + relativedelta(months=NOTICE_MAX_MONTHS)


def latest_transition_end(transition_start: datetime.date) -> datetime.date:
    """The latest end of an ordinary transitional period (Art. 25(2)(a): 30 calendar days)."""
    return transition_start + datetime.timedelta(days=TRANSITION_MAX_DAYS)


def unfeasibility_statement_due(requested_on: datetime.date) -> datetime.date:
    """The last day on which legal may declare the 30-day switch technically unfeasible
    (Art. 25(4): within 14 working days of the request; weekends and BUSINESS_HOLIDAYS do
    not count, the request day itself neither)."""
    return add_business_days(requested_on, UNFEASIBILITY_STATEMENT_WORKING_DAYS)


def latest_alternative_transition_end(transition_start: datetime.date) -> datetime.date:
    """The latest end of the alternative transition the provider sets when switching within 30
    days is technically unfeasible (Art. 25(4): at most 7 months from its start).

    Not a bound on the customer: Art. 25(5) lets the customer extend the transition once "for a
    period that the customer deems more appropriate for its own purposes"."""
    return transition_start + relativedelta(months=ALTERNATIVE_TRANSITION_MAX_MONTHS)


def retrieval_end_for(retrieval_start: datetime.date, days: int) -> datetime.date:
    """The day the erasure may start after a retrieval of `days` days from `retrieval_start`
    (the day the transition's end gives way to it). The retrieval is a period in days
    (Regulation 1182/71 Art. 3(2)(b)) whose last day, when a Saturday, Sunday or public holiday
    of the provider's Member State, moves to the next working day (Art. 3(4)), and which holds
    at least two working days (Art. 3(5)); the erasure starts the day after that last day."""
    transition_last_day = retrieval_start - datetime.timedelta(days=1)
    last_day = eu_periods.last_day_of_days(transition_last_day, days, regime=Regime.EU)
    return last_day + datetime.timedelta(days=1)


def earliest_retrieval_end(retrieval_start: datetime.date) -> datetime.date:
    """The earliest day the erasure may start without the customer's written confirmation
    (Art. 25(2): data retrieval of at least 30 calendar days, ending at the end of a working
    day)."""
    return retrieval_end_for(retrieval_start, RETRIEVAL_MIN_DAYS)


def latest_retrieval_end(retrieval_start: datetime.date) -> datetime.date:
    """How long the provider offers retrieval at most, extensions included: not a Data Act
    bound (it sets only the minimum) but the provider's setting, so data is not kept forever."""
    return retrieval_start + datetime.timedelta(days=settings.END_OF_CONTRACT_RETRIEVAL_MAX_DAYS)


def deletion_reminder_dates(deletion_on: datetime.date) -> list[datetime.date]:
    """The days the reminders go out: 7 days and 1 day before the erasure."""
    return [deletion_on - datetime.timedelta(days=days) for days in DELETION_REMINDER_DAYS]


def backups_overwritten_by(deletion_finished_on: datetime.date) -> datetime.date:
    """The day by which every backup holding the erased data has been overwritten: the backup
    retention (END_OF_CONTRACT_BACKUP_RETENTION_DAYS) after the erasure finished."""
    return deletion_finished_on + datetime.timedelta(
        days=settings.END_OF_CONTRACT_BACKUP_RETENTION_DAYS
    )
