"""One clock for everything a person reads: times in one zone, labelled, in one date format.

The zone is the active one: the signed-in user's own choice (their profile's time zone,
activated per request), else TIME_ZONE, the provider's zone. Emails and PDFs rendered
outside a request use TIME_ZONE. Pages, emails, PDFs, feeds and calendar descriptions all
format through `format_moment`, so the same event reads the same everywhere:
"6 Dec 2026" for a day, "6 Dec 2026, 14:05 CET" for a time.
"""

import datetime
import zoneinfo

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_date, parse_datetime

DAY_FORMAT = "j M Y"
TIME_FORMAT = "j M Y, H:i T"

register = template.Library()


def _zone(zone) -> datetime.tzinfo:
    if zone is None:
        return timezone.get_current_timezone()
    if isinstance(zone, str):
        return zoneinfo.ZoneInfo(zone)
    return zone


def format_moment(value, *, day_only: bool = False, zone=None) -> str:
    """A datetime as "6 Dec 2026, 14:05 CET" (or its calendar day, "6 Dec 2026", with
    `day_only`) in `zone` or the active zone; a date as "6 Dec 2026"; nothing as ""."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        local = value.astimezone(_zone(zone))
        return date_format(
            local.date() if day_only else local, DAY_FORMAT if day_only else TIME_FORMAT
        )
    if isinstance(value, datetime.date):
        return date_format(value, DAY_FORMAT)
    return str(value)


def format_day(value, *, zone=None) -> str:
    """The calendar day of a datetime (in the active zone) or a date, as "6 Dec 2026"."""
    return format_moment(value, day_only=True, zone=zone)


@register.filter(name="moment", expects_localtime=False)
def moment_filter(value, arg: str = ""):
    """`{{ value|moment }}` for a labelled time, `{{ value|moment:"day" }}` for its day.
    An ISO 8601 string (as documents built for JSON carry them) reads the same as the
    datetime or date it stands for."""
    if isinstance(value, str):
        try:
            value = parse_datetime(value) or parse_date(value) or value
        except ValueError:
            pass
    return format_moment(value, day_only=(arg == "day"))
