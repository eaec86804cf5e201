"""The public pages are kept rendered for anonymous visitors: a published change shows on the
next request, a browser revalidates with 304, and nothing of a signed-in visit ever reaches
the copy an anonymous visitor gets."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from subprocessors import services as subprocessor_services
from subprocessors import terms
from tests.conftest import login_with_second_factor
from tests.documents import conftest as documents_fixtures
from tests.subprocessors import conftest as subprocessors_fixtures
from trustcentre.content.models import ControlGroup, FaqCategory
from trustcentre.documents.models import AccessLevel
from trustcentre.pages import public_cache

pytestmark = pytest.mark.django_db

# The fixtures of the documents and sub-processors tests, used here as they are.
category = documents_fixtures.category
make_document = documents_fixtures.make_document
nda_version = documents_fixtures.nda_version
private_storage = documents_fixtures.private_storage
register = subprocessors_fixtures.register
proposed = subprocessors_fixtures.proposed
draft = subprocessors_fixtures.draft
committed = subprocessors_fixtures.committed
_defaults = subprocessors_fixtures._defaults


@pytest.fixture(autouse=True, params=["local memory", "shared cache"])
def page_cache(request, settings, tmp_path):
    """Every test runs with the embedded default's cache of the process and with a cache all
    processes share, as Redis is in production (a folder here)."""
    # The pages a process took from the shared cache, as a new process starts.
    public_cache.forget_kept_pages()
    if request.param == "local memory":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    return request.param


PUBLIC_PAGES = ["/", "/documents/", "/subprocessors/", "/data-act/", "/subprocessors/feed.atom"]


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def kept(client, path) -> str:
    """The page an anonymous visitor gets, after checking it is the kept copy: a browser
    holding it is told 304 Not Modified."""
    response = client.get(path)
    assert response.status_code == 200
    assert client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    return response.content.decode()


def test_a_second_anonymous_visit_is_served_from_the_cache(
    client, make_document, register, page_cache
):
    make_document(AccessLevel.PUBLIC, title="Penetration test summary")
    for path in PUBLIC_PAGES:
        first = page(client, path)
        # Only the edition's version is read: none of the page's own queries run again.
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            again = page(client, path)
        assert again == first
        # The shared cache holds the edition's token too; the local one reads it from its row.
        expected = 1 if page_cache == "local memory" else 0
        assert len(queries) == expected, (path, [q["sql"] for q in queries])


def test_a_revalidating_browser_gets_304_until_something_is_published(
    client, make_document, committed
):
    make_document(AccessLevel.PUBLIC, title="Penetration test summary")
    for path in PUBLIC_PAGES:
        response = client.get(path)
        etag = response["ETag"]
        assert response["Last-Modified"]
        assert "Cookie" in response["Vary"] and "Accept-Language" in response["Vary"]
        assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert client.get(path, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    with committed():
        make_document(AccessLevel.PUBLIC, title="ISO 27001 certificate")
    response = client.get("/documents/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "ISO 27001 certificate" in response.content.decode()


def test_a_published_document_shows_at_once(client, make_document, committed):
    make_document(AccessLevel.PUBLIC, title="Penetration test summary")
    assert "ISO 27001 certificate" not in kept(client, "/documents/")
    assert "ISO 27001 certificate" not in kept(client, "/")
    with committed():
        make_document(AccessLevel.PUBLIC, title="ISO 27001 certificate")
    assert "ISO 27001 certificate" in kept(client, "/documents/")
    assert "ISO 27001 certificate" in kept(client, "/")


def test_a_control_and_a_faq_entry_saved_by_a_trust_admin_show_at_once(
    client, trust_admin_user, committed
):
    group = ControlGroup.objects.create(name="Encryption", slug="encryption")
    faq = FaqCategory.objects.create(name="Roles", slug="roles")
    assert "TLS 1.2 and 1.3 only" not in kept(client, "/")
    staff = Client()
    login_with_second_factor(staff, trust_admin_user)
    with committed():
        response = staff.post(
            "/staff/trust-centre/control/new/",
            {
                "group": group.pk,
                "title": "TLS 1.2 and 1.3 only",
                "description": "Older protocols are refused.",
                "order": 1,
                "owner": trust_admin_user.pk,
                "next_review_on": "2027-01-31",
            },
        )
    assert response.status_code == 302
    assert "TLS 1.2 and 1.3 only" in kept(client, "/")
    with committed():
        response = staff.post(
            "/staff/trust-centre/faq/new/",
            {
                "category": faq.pk,
                "question": "Are you our processor?",
                "answer": "Yes, under a DPA.",
                "order": 0,
                "next_review_on": "2027-01-31",
            },
        )
    assert response.status_code == 302
    assert "Are you our processor?" in kept(client, "/")


def test_a_sub_processor_change_shows_at_once_on_the_list_and_the_feed(
    client, draft, legal_user, register, committed
):
    assert "Warehouse for analytics" not in kept(client, "/subprocessors/")
    assert "Warehouse for analytics" not in kept(client, "/subprocessors/feed.atom")
    deadline = terms.objection_deadline(announced_at=timezone.now(), window_days=30)
    with committed():
        notice = subprocessor_services.notice_announce(
            notice=draft, effective_date=terms.earliest_effective_date(deadline), user=legal_user
        )
    assert "Warehouse for analytics" in kept(client, "/subprocessors/")
    assert "Warehouse for analytics (Announced)" in kept(client, "/subprocessors/feed.atom")

    with committed():
        subprocessor_services.notice_withdraw(notice=notice, reason="Not needed", user=legal_user)
    assert "Warehouse for analytics (Withdrawn)" in kept(client, "/subprocessors/feed.atom")


def test_nothing_of_a_signed_in_visit_reaches_an_anonymous_visitor(
    client, make_document, nda_version, prospect_org, legal_user, member_a
):
    from tests.conftest import add_member, make_user
    from tests.documents.conftest import accept_nda, grant_access

    nda_document = make_document(AccessLevel.NDA, title="SOC 2 Type II report")
    buyer = make_user("buyer.person@initech.test", first_name="Beatrix", last_name="Buyerton")
    add_member(buyer, prospect_org)
    accept_nda(buyer, nda_version)
    grant_access(buyer, [nda_document], legal_user)

    signed_in = Client()
    signed_in.force_login(buyer)
    for path in PUBLIC_PAGES:
        body = page(signed_in, path)
        if path != "/subprocessors/feed.atom":
            assert "buyer.person@initech.test" in body
            assert "csrfmiddlewaretoken" in body
    assert "Available" in page(signed_in, "/documents/")

    for path in PUBLIC_PAGES:
        body = kept(client, path)
        assert "buyer.person@initech.test" not in body
        assert "Beatrix" not in body
        assert "csrfmiddlewaretoken" not in body
        assert "Sign out" not in body
        assert not client.cookies.get(settings.CSRF_COOKIE_NAME)
    assert "Available" not in kept(client, "/documents/")

    # And the other way round: the anonymous copy is never what a signed-in person gets.
    signed_in_member = Client()
    signed_in_member.force_login(member_a)
    for path in PUBLIC_PAGES[:4]:
        assert member_a.email in page(signed_in_member, path)


def test_cached_pages_keep_the_content_security_policy_and_carry_no_nonce(client):
    """The public pages have no inline script: nothing in a kept page depends on the nonce of
    the request that rendered it, and every answer gets the policy afresh."""
    for path in PUBLIC_PAGES:
        kept(client, path)
        for _visit in range(2):
            response = client.get(path)
            policy = response["Content-Security-Policy"]
            assert "default-src 'self'" in policy and "object-src 'none'" in policy
            assert "nonce-" not in policy
            assert "nonce=" not in response.content.decode()


def test_a_search_or_another_page_of_results_is_never_taken_from_the_cache(client, make_document):
    make_document(AccessLevel.PUBLIC, title="Penetration test summary")
    assert "Penetration test summary" in kept(client, "/documents/")
    body = page(client, "/documents/?q=nothing-matches-this")
    assert "Penetration test summary" not in body


def test_a_kept_page_carries_the_same_headers_as_a_rendered_one(client):
    """A kept page skips the middleware after the static files; what they add to a response
    must not change."""
    for path in PUBLIC_PAGES:
        rendered = client.get(path)
        kept_copy = client.get(path)
        assert kept_copy.content == rendered.content
        for header in (
            "Content-Security-Policy",
            "X-Frame-Options",
            "Content-Language",
            "Content-Type",
            "Cross-Origin-Resource-Policy",
            "X-Content-Type-Options",
            "Referrer-Policy",
            "Cache-Control",
            "ETag",
        ):
            assert kept_copy.get(header) == rendered.get(header), (path, header)
        assert set(kept_copy["Vary"].split(", ")) == set(rendered["Vary"].split(", "))
        assert not kept_copy.cookies


def test_a_kept_page_is_refused_to_an_unknown_host(client):
    page(client, "/")
    kept(client, "/")
    client.raise_request_exception = False
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
