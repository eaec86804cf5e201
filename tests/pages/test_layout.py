"""The base layout: landmarks, skip link, navigation, no third-party assets, and the error pages."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.template import loader
from django.urls import reverse

from tests.conftest import login_with_second_factor

URL_IN_HTML = re.compile(r"""https?://[^\s"'<>)]+""")


def _html(response):
    return response.content.decode()


@pytest.mark.django_db
def test_home_page_has_skip_link_landmarks_and_navigation(client):
    response = client.get("/")
    assert response.status_code == 200
    html = _html(response)
    assert "pages/home.html" in [t.name for t in response.templates]
    # The skip link is the first focusable element and points at the main landmark.
    assert re.search(r'<body>\s*<a class="skip-link" href="#main">', html)
    assert re.search(r'<main id="main"[^>]*>', html)
    assert html.count("<main") == 1
    assert '<header class="site-header">' in html
    assert '<footer class="site-footer">' in html
    assert '<nav class="main-nav" aria-label="Main">' in html
    # Every navigation item of the visitor is a link; the current one is marked.
    items = response.context["nav_items"]
    assert items, "the anonymous visitor sees at least the trust centre"
    for item in items:
        assert f'href="{item["url"]}"' in html
        assert str(item["label"]) in html
    assert '<a href="/" aria-current="page">' in html
    # The stylesheet and the account area.
    assert '<link rel="stylesheet" href="/static/css/portal.css">' in html
    assert f'href="{reverse("account_login")}"' in html
    assert f'href="{reverse("account_signup")}"' in html


@pytest.mark.django_db
def test_home_page_has_one_h1_and_the_trust_centre_sections(client):
    html = _html(client.get("/"))
    assert html.count("<h1") == 1
    for section in (
        "Documents",
        "Certifications",
        "Security controls",
        "Sub-processors",
        "Data processing agreement",
        "Your data and your rights",
    ):
        assert section in html


@pytest.mark.django_db
def test_pages_load_nothing_from_other_sites(client, member_a, legal_user):
    """No CDN, web font or tracker: every URL in the HTML is the site's own (relative)."""
    pages = [client.get("/"), client.get("/no-such-page/"), client.get(reverse("account_login"))]
    client.force_login(member_a)
    pages.append(client.get("/portal/"))
    login_with_second_factor(client, legal_user)
    pages.append(client.get("/staff/"))
    for response in pages:
        external = [
            url
            for url in URL_IN_HTML.findall(_html(response))
            if not url.startswith("http://testserver/")
        ]
        assert external == [], f"{response.request['PATH_INFO']} links to {external}"


@pytest.mark.django_db
def test_no_inline_styles_or_scripts_in_the_layout(client):
    """The CSP allows styles and scripts from 'self' only."""
    html = _html(client.get("/"))
    assert "<style" not in html
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


@pytest.mark.django_db
def test_signed_in_member_sees_portal_in_navigation_and_a_post_sign_out(client, member_a):
    client.force_login(member_a)
    html = _html(client.get("/portal/"))
    assert f'href="{reverse("pages:portal_home")}" aria-current="page"' in html
    assert re.search(rf'<form method="post" action="{reverse("account_logout")}">', html)
    assert member_a.email in html
    assert 'href="/staff/"' not in html  # a customer has no staff entry


@pytest.mark.django_db
def test_unknown_page_renders_the_404_template_with_a_link_home(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    names = [t.name for t in response.templates]
    assert "404.html" in names
    assert "base.html" in names
    html = _html(response)
    assert '<a class="button" href="/">' in html
    assert 'id="main"' in html


@pytest.mark.django_db
def test_403_page_offers_a_way_on(client, member_a):
    client.force_login(member_a)
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert 'href="/portal/"' in _html(response)


def test_500_and_400_pages_render_without_request_or_context_processors():
    """Django renders them with no context at all; they must still be whole, styled pages."""
    for name in ("500.html", "400.html"):
        html = loader.get_template(name).render()
        assert '<link rel="stylesheet" href="/static/css/portal.css">' in html
        assert '<a class="skip-link" href="#main">' in html
        assert '<main id="main"' in html
        assert 'href="/"' in html
        assert not URL_IN_HTML.findall(html)


@pytest.mark.django_db
def test_pagination_partial_keeps_the_query_and_links_both_ways(rf):
    request = rf.get("/staff/audit/", {"action": "mfa.", "page": "2"})
    request.user = AnonymousUser()
    template = loader.get_template("_partials/pagination.html")
    page_obj = Paginator(list(range(100)), 10).page(2)
    html = template.render({"page_obj": page_obj}, request)
    assert 'class="pagination"' in html
    assert "Page 2 of 10" in html
    assert 'href="?action=mfa.&amp;page=1" rel="prev"' in html
    assert 'href="?action=mfa.&amp;page=3" rel="next"' in html
    single = Paginator([1], 10).page(1)
    assert template.render({"page_obj": single}, request).strip() == ""


@pytest.mark.django_db
def test_only_the_most_specific_navigation_entry_is_current(client, member_a):
    client.force_login(member_a)
    response = client.get("/portal/profile/")
    items = response.context["nav_items"] + response.context["account_nav_items"]
    current = [str(item["label"]) for item in items if item["active"]]
    assert current == ["Profile"]
