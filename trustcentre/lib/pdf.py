"""The portal's own PDFs (DPA, deletion certificate, response letters, NDA receipts), rendered
from HTML with WeasyPrint in one place.

The HTML may carry text that staff or customers wrote (a DPA body, sub-processor names, a
requester's details). Whatever it links to, rendering fetches nothing from the network: only
files under the project directory and inline data are read, so a PDF cannot be made to call
an internal address (ASVS 12.6, server-side request forgery)."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string


class ResourceRefused(ValueError):
    """WeasyPrint skips a resource its fetcher refuses, with a warning in the log."""


def _local_only_fetcher(url: str, *args, **kwargs):
    from weasyprint import default_url_fetcher

    parts = urlsplit(url)
    if parts.scheme == "data":
        return default_url_fetcher(url, *args, **kwargs)
    if parts.scheme == "file":
        root = Path(settings.BASE_DIR).resolve()
        path = Path(unquote(parts.path)).resolve()
        if path.is_relative_to(root):
            return default_url_fetcher(url, *args, **kwargs)
    raise ResourceRefused(f"not fetched while rendering a PDF: {url[:200]}")


def html_to_pdf(html: str) -> bytes:
    # Imported late: WeasyPrint loads Pango, which is slow and not needed by most requests.
    from weasyprint import HTML

    return HTML(
        string=html,
        base_url=str(settings.BASE_DIR) + "/",
        url_fetcher=_local_only_fetcher,
    ).write_pdf()


def template_to_pdf(template_name: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template_name, context))
