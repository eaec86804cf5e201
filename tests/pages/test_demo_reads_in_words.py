"""The demo, read as each of its users would: every page they can reach from their home,
every email the demo sends and its PDFs say things in words. No "example.com", no raw
Python list, no time without its zone, no internal choice code where a label exists, and
no link shown to someone that does not open for them."""

import html
import io
import re
from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from pypdf import PdfReader

from tests.conftest import sign_in_with_password_and_code
from trustcentre.accounts.models import User
from trustcentre.notifications.models import OutboxMessage

PAGES_PER_USER = 150

DEMO_USERS = [
    "buyer@initech.example",  # a prospect
    "admin@acme-retail.example",
    "member@acme-retail.example",
    "legal@northwind.example",
    "trust@northwind.example",
    "dpo@northwind.example",
]

# Links a person follows to do something (sign out, fetch a file, confirm) rather than read.
SKIPPED_LINK = re.compile(
    r"logout|sign-?out|download|/confirm/|/media/|/static/|\.(pdf|ics|csv|zip|json|xml|txt)(\?|$)"
    r"|/feed|/export",
    re.IGNORECASE,
)

ZONE_LABEL = r"(?:Z|UTC|GMT|CET|CEST|BST|EET|EEST|WET|WEST|[ECMP][SD]T|[+-]\d{2}(?::?\d{2})?)"
UNLABELLED_TIME = re.compile(
    r"(?<![\d:.])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?![\d:.])"
    r"(?!\s*" + ZONE_LABEL + r"\b)"
)
HIDDEN_BLOCKS = re.compile(
    r"<(script|style|code|pre|textarea)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
TAG = re.compile(r"<[^>]+>")
# Pages of one kind (an audit event, a request) differ in their id alone: a few of each kind
# leave room in the walk for every other kind of page.
PAGES_PER_KIND = 4
ID_IN_PATH = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+|[A-Z0-9]{4,}(?:-[A-Z0-9]{4,})+")
HREF = re.compile(r"<a\b[^>]*?\bhref\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)


def visible_text(markup: str) -> str:
    return html.unescape(TAG.sub(" ", HIDDEN_BLOCKS.sub(" ", markup)))


def choice_codes() -> set[str]:
    """The stored codes of the project's choices whose label says something else, e.g.
    "in_review" for "In review": a person should only ever read the label. A code that is
    also a column's name (contact_id) is left out: the data register names columns."""
    codes, columns = set(), set()
    for model in apps.get_models():
        if not model.__module__.startswith(
            ("trustcentre", "dpa", "rights_requests", "exports", "retention", "subprocessors")
        ):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.Field):
                columns.add(field.name)
            if not isinstance(field, models.Field) or not field.choices:
                continue
            for code, label in field.flatchoices:
                if isinstance(code, str) and "_" in code and str(label) != code:
                    codes.add(code)
    return codes - columns


def problems_in(text: str, *, where: str, codes=()) -> list[str]:
    found = []
    if "example.com" in text:
        found.append(f"{where}: says example.com")
    if "['" in text or '["' in text:
        found.append(f"{where}: shows a raw list near {text[text.find('[') :][:60]!r}")
    for match in UNLABELLED_TIME.finditer(text):
        context = text[max(0, match.start() - 40) : match.end() + 20]
        found.append(f"{where}: time without its zone: {' '.join(context.split())!r}")
    for code in codes:
        if re.search(rf"(?<![\w/.-]){re.escape(code)}(?![\w/-])", text):
            found.append(f"{where}: shows the code {code!r}")
    return found


def check_markup(markup: str, *, where: str, codes=()) -> list[str]:
    found = []
    if "example.com" in markup:
        found.append(f"{where}: markup says example.com")
    return found + problems_in(visible_text(markup), where=where, codes=codes)


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = False
    call_command("seed_demo", stdout=io.StringIO())


def same_site_path(href: str, base: str) -> str | None:
    href = html.unescape(href.strip())
    href, _fragment = urldefrag(href)
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "//")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if not href.startswith("/"):
        href = base.rsplit("/", 1)[0] + "/" + href
    if SKIPPED_LINK.search(href):
        return None
    return href


def walk(client, start: str, *, who: str, codes) -> tuple[list[str], int]:
    problems, seen, queue = [], {start}, deque([(start, "(home)")])
    visited, kinds = 0, Counter()
    while queue and visited < PAGES_PER_USER:
        path, linked_from = queue.popleft()
        response = client.get(path, follow=True)
        visited += 1
        status = response.status_code
        if status >= 500:
            problems.append(f"{who}: {path} (linked from {linked_from}) answers {status}")
            continue
        if status in (403, 404):
            problems.append(f"{who}: link to {path} on {linked_from} answers {status}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        markup = response.content.decode()
        problems += check_markup(markup, where=f"{who} {path}", codes=codes)
        final_path = response.request["PATH_INFO"]
        for href in HREF.findall(markup):
            target = same_site_path(href, final_path)
            if target and target not in seen:
                seen.add(target)
                kind = ID_IN_PATH.sub("#", target)
                kinds[kind] += 1
                if kinds[kind] > PAGES_PER_KIND:
                    continue
                queue.append((target, path))
    return problems, visited


def test_every_page_each_demo_user_reaches_reads_in_words(demo, client):
    codes = choice_codes()
    client.raise_request_exception = False
    problems, walked = [], {}
    problems += walk(client, "/", who="anonymous", codes=codes)[0]
    for email in DEMO_USERS:
        user = User.objects.get(email=email)
        client.logout()
        sign_in_with_password_and_code(client, user)
        found, walked[email] = walk(client, "/", who=email, codes=codes)
        problems += found
    assert all(count > 3 for count in walked.values()), walked
    assert not problems, "\n".join(sorted(set(problems)))


def test_every_demo_email_reads_in_words(demo):
    codes = choice_codes()
    messages = list(OutboxMessage.objects.all())
    assert messages
    problems = []
    for message in messages:
        where = f"email {message.template} to {message.to_email}"
        problems += problems_in(message.subject, where=where + " (subject)", codes=codes)
        problems += problems_in(message.body_text, where=where + " (text)", codes=codes)
        assert message.body_html, where
        problems += check_markup(message.body_html, where=where + " (HTML)", codes=codes)
    assert not problems, "\n".join(sorted(set(problems)))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_the_demo_agreement_and_a_response_letter_read_in_words(demo):
    from dpa.downloads import agreement_pdf
    from dpa.models import Agreement
    from rights_requests.letters import letter_pdf
    from rights_requests.models import RightsRequest

    codes = choice_codes()
    agreement = Agreement.objects.get(organisation__slug="acme-retail")
    agreement_text = pdf_text(agreement_pdf(agreement))
    assert "Data Processing Agreement" in agreement_text
    problems = problems_in(agreement_text, where="the DPA PDF", codes=codes)
    for rr in RightsRequest.objects.order_by("received_at")[:3]:
        text = pdf_text(letter_pdf(rr))
        assert rr.reference in text
        problems += problems_in(text, where=f"the letter of {rr.reference}", codes=codes)
    assert not problems, "\n".join(sorted(set(problems)))
