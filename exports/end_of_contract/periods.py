"""The Data Act's switching periods (Regulation (EU) 2023/2854, Art. 25), one function per rule.

Every date an end-of-contract case shows or enforces comes from here, so a rule is written
once and tested on worked examples (month ends, leap years, weekends, holidays). A period's
end is the day the next one starts: a transition "until 1 March" means retrieval from 1 March.
Months are calendar months clamped to the month's end (31 December + 2 months = 28 or 29
February), as dateutil's relativedelta counts them.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings

from trustcentre.lib.business_days import add_business_days

# Art. 25(2)(d): the maximum notice period for starting the switching process is 2 months.
NOTICE_MAX_MONTHS = 2
# Art. 25(2)(a): the mandatory maximum transitional period is 30 calendar days.
TRANSITION_MAX_DAYS = 30
# Art. 25(4): where switching within 30 days is technically unfeasible, the provider says so
# within 14 working days of the request, with reasons, and sets an alternative transitional
# period of at most 7 months.
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
    """The latest end of a transition that was declared unfeasible in 30 days, or extended by
    the customer (Art. 25(4) and (5): at most 7 months from its start)."""
    return transition_start + relativedelta(months=ALTERNATIVE_TRANSITION_MAX_MONTHS)


def earliest_retrieval_end(retrieval_start: datetime.date) -> datetime.date:
    """The earliest day the erasure may start without the customer's written confirmation
    (Art. 25(2): data retrieval of at least 30 calendar days)."""
    return retrieval_start + datetime.timedelta(days=RETRIEVAL_MIN_DAYS)


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
