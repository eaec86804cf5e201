"""The public trust centre at /: overview, certifications with their documents, controls in
groups, FAQ with search and categories, documents, and the links to the other capabilities."""

import pytest
from django.test import RequestFactory

from trustcentre.content.models import (
    Certification,
    Control,
    ControlGroup,
    FaqCategory,
    FaqEntry,
    Overview,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(documents):
    Overview.objects.create(heading="Security at Northwind", body="First.\n\nSecond.")
    Certification.objects.create(
        name="ISO/IEC 27001:2022",
        issuer="TÜV",
        scope="The platform",
        valid_from="2025-01-01",
        valid_until="2028-01-01",
        document=documents["registered"],
    )
    group = ControlGroup.objects.create(name="Encryption", slug="encryption")
    Control.objects.create(group=group, title="TLS 1.2-1.3", description="In transit.")
    roles = FaqCategory.objects.create(name="Roles", slug="roles", order=1)
    cookies = FaqCategory.objects.create(name="Cookies", slug="cookies", order=2)
    FaqEntry.objects.create(category=roles, question="Are you a processor?", answer="Yes, Art. 28.")
    FaqEntry.objects.create(category=cookies, question="Do you use cookies?", answer="One.")


def test_the_page_shows_every_part(client, content):
    page = client.get("/").content.decode()
    for text in (
        "Security at Northwind",
        "Second.",
        "ISO/IEC 27001:2022",
        "registered document",
        "Encryption",
        "TLS 1.2-1.3",
        "Are you a processor?",
        "Do you use cookies?",
        "public document",
        "/data-act/",
    ):
        assert text in page, text
    assert "private document" not in page


def test_faq_search_and_category(client, content):
    page = client.get("/?q=cookie").content.decode()
    assert "Do you use cookies?" in page and "Are you a processor?" not in page
    page = client.get("/?faq=roles").content.decode()
    assert "Are you a processor?" in page and "Do you use cookies?" not in page
    assert "No question matches" in client.get("/?q=zzzz").content.decode()


def test_links_to_apps_that_do_not_exist_yet_are_left_out(client, content, monkeypatch):
    from django.urls import NoReverseMatch

    from trustcentre.lib import sections

    real = sections.reverse

    def reverse(name, *args, **kwargs):
        if name == "subprocessors:list":
            raise NoReverseMatch(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(sections, "reverse", reverse)
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/subprocessors/"' not in response.content.decode().split('id="more-title"')[1]


def test_security_txt_is_generated_from_settings(settings):
    from trustcentre.content.views import security_txt

    settings.TRUST_SECURITY_CONTACT = "security@example.test"
    body = security_txt(RequestFactory().get("/.well-known/security.txt")).content.decode()
    lines = dict(line.split(": ", 1) for line in body.strip().splitlines())
    assert lines["Contact"] == "mailto:security@example.test"
    assert lines["Policy"].endswith("/")
    assert lines["Expires"].endswith("Z")
    assert lines["Preferred-Languages"] == "en, de"
