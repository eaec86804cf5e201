"""What the services share: grant lengths, the NDA and grant terms, a refused download."""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied

GRANT_TERMS = (30, 90, 180, 365)


def grant_terms() -> list[int]:
    """The grant lengths staff may choose: the usual ones and TRUST_GRANT_DAYS, the default."""
    return sorted({*GRANT_TERMS, settings.TRUST_GRANT_DAYS})


class AccessDenied(PermissionDenied):
    """The download is refused now; `decision.reason` says why."""

    def __init__(self, decision):
        super().__init__(decision.reason)
        self.decision = decision


def _name(user) -> str:
    return user.full_name or user.email


def nda_expiry(accepted_at: datetime.datetime) -> datetime.datetime:
    """An NDA lasts TRUST_NDA_MONTHS calendar months; a day the end month lacks becomes its
    last day (31 January + 1 month = 28 or 29 February; 29 February + 12 months = 28 February)."""
    months = accepted_at.month - 1 + settings.TRUST_NDA_MONTHS
    year, month = accepted_at.year + months // 12, months % 12 + 1
    day = min(accepted_at.day, calendar.monthrange(year, month)[1])
    return accepted_at.replace(year=year, month=month, day=day)


def grant_expiry(granted_at: datetime.datetime, term_days: int) -> datetime.datetime:
    return granted_at + datetime.timedelta(days=term_days)
