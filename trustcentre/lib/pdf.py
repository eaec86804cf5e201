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


def _local_only_fetcher():
    # Imported late with WeasyPrint itself (see html_to_pdf). Since WeasyPrint 68 a fetcher is a
    # URLFetcher whose fetch() answers a URLFetcherResponse.
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file":
                root = Path(settings.BASE_DIR).resolve()
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(root):
                    return super().fetch(url, headers)
            raise ResourceRefused(f"not fetched while rendering a PDF: {url[:200]}")

    return LocalOnlyFetcher(allowed_protocols={"data", "file"}, allow_redirects=False)


def html_to_pdf(html: str) -> bytes:
    # Imported late: WeasyPrint loads Pango, which is slow and not needed by most requests.
    from weasyprint import HTML

    return HTML(
        string=html,
        base_url=str(settings.BASE_DIR) + "/",
        url_fetcher=_local_only_fetcher(),
    ).write_pdf()


def template_to_pdf(template_name: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template_name, context))
