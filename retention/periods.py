"""Retention periods as ISO 8601 durations (years, months, weeks, days), read from what legal
types: "P6Y", "P18M", or plainly "6 years", "90 days", "1 year 6 months".

Written here because none of the installed libraries parses calendar durations (a timedelta
has no months or years, and `isodate` is not a dependency)."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ISO = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
PLAIN_PART = re.compile(r"(\d+)\s*(years?|months?|weeks?|days?)", re.IGNORECASE)
UNITS = ("Y", "M", "W", "D")


class NotADuration(ValueError):
    """The text is not a period of years, months, weeks or days."""


def parse_period(text: str) -> str:
    """The period as a normalised ISO 8601 duration ("P1Y6M"); NotADuration otherwise. A
    period of nothing (P0D) is refused: it would say the data is never kept."""
    value = (text or "").strip()
    match = ISO.match(value.upper())
    if match:
        amounts = dict(zip(UNITS, (int(part or 0) for part in match.groups()), strict=True))
    else:
        rest = PLAIN_PART.sub("", value).replace(",", " ").replace(" and ", " ").strip()
        parts = PLAIN_PART.findall(value)
        if not parts or rest:
            raise NotADuration(value)
        amounts = dict.fromkeys(UNITS, 0)
        for number, unit in parts:
            amounts[unit[0].upper()] += int(number)
    if not any(amounts.values()):
        raise NotADuration(value)
    return "P" + "".join(f"{amounts[unit]}{unit}" for unit in UNITS if amounts[unit])


def describe_period(iso: str) -> str:
    """ "P1Y6M" -> "1 year 6 months", for people."""
    match = ISO.match(iso)
    if not match:
        return iso
    labels = {
        "Y": lambda n: ngettext("%(n)d year", "%(n)d years", n),
        "M": lambda n: ngettext("%(n)d month", "%(n)d months", n),
        "W": lambda n: ngettext("%(n)d week", "%(n)d weeks", n),
        "D": lambda n: ngettext("%(n)d day", "%(n)d days", n),
    }
    words = [
        labels[unit](int(part)) % {"n": int(part)}
        for unit, part in zip(UNITS, match.groups(), strict=True)
        if part and int(part)
    ]
    return " ".join(words) or _("none")


def seconds_to_iso(seconds: int) -> str:
    """A period kept in seconds (sessions, links) as an ISO 8601 duration: whole days as
    "P2D", anything else with a time part ("PT12H", "PT90S")."""
    if seconds and seconds % 86400 == 0:
        return f"P{seconds // 86400}D"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return (
        "PT"
        + (f"{hours}H" if hours else "")
        + (f"{minutes}M" if minutes else "")
        + (f"{secs}S" if secs or not (hours or minutes) else "")
    )


def describe_seconds(seconds: int) -> str:
    if seconds % 86400 == 0:
        days = seconds // 86400
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    minutes = seconds // 60
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
