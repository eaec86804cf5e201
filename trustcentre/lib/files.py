"""Serving stored files: the headers every file the portal hands out carries, so a file is
never cached, rendered as a page of the site, sniffed or referred from."""

from django.http import HttpResponse, HttpResponseBase
from django.utils.text import get_valid_filename


def private_file(response: HttpResponseBase) -> HttpResponseBase:
    """Never cached, sniffed, rendered as a page of the site (sandboxed) or referred from.
    For file responses only: under no-referrer, browsers send "Origin: null" with a form's
    POST and CSRF protection rightly refuses it, so pages with a form must not use it."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def file_response(
    data: bytes, *, filename: str, content_type: str, inline: bool = False
) -> HttpResponse:
    """The bytes as a private file: an attachment, or shown in the browser when `inline`."""
    response = HttpResponse(data, content_type=content_type)
    safe = get_valid_filename(filename) or "document"
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{safe}"'
    response["Content-Length"] = str(len(data))
    return private_file(response)
