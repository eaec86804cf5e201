"""The one rule for when an audit or information request must be answered.

GDPR Art. 28(3)(h): the processor "makes available to the controller all information necessary
to demonstrate compliance with the obligations laid down in this Article and allow[s] for and
contribute[s] to audits, including inspections, conducted by the controller or another auditor
mandated by the controller". The DPA's clause on audits and information sets how long the
provider has to answer a request: the answer period of the customer's DPA in force
(`DpaVersion.audit_answer_days` for an agreement signed online, the negotiated agreement's own
`audit_answer_days` otherwise), and DEFAULT_AUDIT_ANSWER_DAYS (30) calendar days when it has none.

"Answered" means an answer with the information, or an audit scheduled with the customer.

The period is counted as Regulation (EEC, Euratom) No 1182/71 counts periods in days
(trustcentre.lib.periods, the EU regime's calendar and zone), as the portal counts the DPA's
other periods:
- Art. 3(1): the day the request is received does not count; the period starts the next day.
  The day is the one in the provider's zone (EU_DEADLINE_TIME_ZONE): a request sent at 20:30 in
  New York on 30 April arrives at 02:30 on 1 May in Berlin, and counts from 2 May.
- Art. 3(2)(b): the period ends with the expiry of the last hour of its last day.
- Art. 3(3), 3(4): weekends and public holidays count, but a last day on a Saturday, Sunday or
  public holiday moves to the next working day.
- Art. 3(5): a period of two days or more includes at least two working days.
Calendar days throughout, never business days: the DPA's period is in days.
"""

import datetime

from dpa.models import DEFAULT_AUDIT_ANSWER_DAYS
from dpa.selectors import agreement_in_force
from trustcentre.lib import periods
from trustcentre.lib.business_days import Regime, local_day


def answer_days_for(organisation) -> int:
    """Days the provider has to answer the organisation: the period of its DPA in force."""
    agreement = agreement_in_force(organisation)
    if agreement is None:
        return DEFAULT_AUDIT_ANSWER_DAYS
    if agreement.kind == agreement.Kind.ONLINE and agreement.version_id is not None:
        return agreement.version.audit_answer_days
    return agreement.audit_answer_days


def answer_due_on(*, received_at: datetime.datetime, days: int) -> datetime.date:
    """The last day on which a request received at `received_at` is answered in time, for an
    answer period of `days` calendar days (see the module's docstring for the rule)."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    if days < 1:
        raise ValueError("An answer period is at least one day.")
    received_day = local_day(received_at, Regime.EU)
    return periods.last_day_of_days(received_day, days, regime=Regime.EU)


def answered_in_time(*, due_on: datetime.date, at: datetime.datetime) -> bool:
    """Whether an answer at `at` is within the period whose last day is `due_on` (the whole of
    that day, to its last fraction of a second, in the provider's zone)."""
    return periods.is_in_time(at, due_on, Regime.EU)
