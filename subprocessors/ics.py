"""An objection deadline, and the day the change takes effect, as iCalendar (RFC 5545) events.
Written by hand: two events with a few properties do not justify a dependency (no iCalendar
package is installed)."""

from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from trustcentre.lib.moments import format_moment

LINE_LIMIT = 75  # octets, RFC 5545 section 3.1


def _escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    encoded = line.encode()
    if len(encoded) <= LINE_LIMIT:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        limit = LINE_LIMIT if not parts else LINE_LIMIT - 1
        if len(current) + len(piece) > limit:
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(value) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def deadline_ics(*, notice, deadlines, url: str) -> str:
    """`deadlines`: (deadline, organisation or None) pairs; one event each, and one all-day
    event on the day the change takes effect."""
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{_escape(settings.PROVIDER_NAME)}//Trust Centre//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for deadline, organisation in deadlines:
        uid_suffix = f"-{organisation.public_id}" if organisation is not None else ""
        summary = _("Objection deadline: %(summary)s") % {"summary": notice.summary}
        if organisation is not None:
            summary += f" ({organisation.name})"
        description = _(
            "Last moment to object to this sub-processor change on data-protection grounds: "
            "%(deadline)s. It takes effect on %(effective)s. %(url)s"
        ) % {
            "deadline": format_moment(deadline),
            "effective": format_moment(notice.effective_day),
            "url": url,
        }
        lines += [
            "BEGIN:VEVENT",
            f"UID:subprocessor-notice-{notice.public_id}{uid_suffix}@{domain}",
            f"DTSTAMP:{_utc(timezone.now())}",
            f"DTSTART:{_utc(deadline)}",
            f"DTEND:{_utc(deadline)}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(description)}",
            f"URL:{url}",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_escape(summary)}",
            "TRIGGER:-P3D",
            "END:VALARM",
            "END:VEVENT",
        ]
    if notice.effective_at is not None:
        # An all-day event on the provider's calendar day: DATE values float (RFC 5545
        # section 3.3.4), so the day must be the provider's, never the UTC date of the instant.
        day = notice.effective_day
        summary = _("Takes effect: %(summary)s") % {"summary": notice.summary}
        lines += [
            "BEGIN:VEVENT",
            f"UID:subprocessor-notice-{notice.public_id}-effective@{domain}",
            f"DTSTAMP:{_utc(timezone.now())}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(summary)}",
            f"URL:{url}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
