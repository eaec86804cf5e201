"""Every HTML page carries the security headers of ARCHITECTURE.md; in production (HTTPS on)
the cookies are __Host- prefixed, Secure, HttpOnly (session) and SameSite; no template holds
anything the Content-Security-Policy would block."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.pages.test_deployment_settings import production_environment


@pytest.mark.django_db
def test_html_pages_carry_csp_and_protective_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in csp
    # django-csp adds a nonce only to pages that use one; no page may fall back to inline scripts.
    assert directives["script-src"].startswith("'self'")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert len(response.headers["X-Request-ID"]) >= 8


@pytest.mark.django_db
def test_hsts_is_sent_over_https_when_enabled(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith(
        "max-age=31536000; includeSubDomains"
    )


# --- with the production settings (HTTPS on) -----------------------------------------------

BASE_DIR = Path(__file__).resolve().parents[2]
# Every setting that decides a security header or a cookie attribute.
HEADER_AND_COOKIE_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_DOMAIN",
    "SESSION_COOKIE_PATH",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "CSRF_COOKIE_DOMAIN",
    "CSRF_COOKIE_PATH",
    "LANGUAGE_COOKIE_SECURE",
]


@pytest.fixture(scope="module")
def production_values():
    """The values settings.py gives these settings with DEBUG=0 and the README's variables."""
    names = HEADER_AND_COOKIE_SETTINGS
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    env = production_environment(DJANGO_SETTINGS_MODULE="trustcentre.settings")
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def production(settings, production_values):
    for name, value in production_values.items():
        if value is not None or hasattr(settings, name):
            setattr(settings, name, value)
    return production_values


def parse_csp(value):
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in value.split(";") if part.strip()
    )


@pytest.mark.django_db
def test_production_redirects_pages_to_https_with_hsts_on_every_secure_response(production, client):
    plain = client.get("/documents/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/documents/"
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/subprocessors/", "/documents/", "/api/docs/", "/data-act/"]
)
def test_production_pages_carry_every_protective_header(production, client, path):
    response = client.get(path, secure=True)
    assert response.status_code == 200
    csp = parse_csp(response["Content-Security-Policy"])
    for directive, expected in {
        "default-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }.items():
        assert csp[directive] == expected
    # Scripts only from the site itself (or with this response's nonce): never inline, never eval.
    assert set(csp["script-src"].split()) <= {"'self'"} | {
        token for token in csp["script-src"].split() if token.startswith("'nonce-")
    }
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_production_cookies_are_host_prefixed_secure_httponly_and_samesite(
    production, client, member_a
):
    login_page = client.get("/accounts/login/", secure=True)
    csrf = login_page.cookies["__Host-csrftoken"]
    response = client.post(
        "/accounts/login/",
        {"login": member_a.email, "password": PASSWORD},
        secure=True,
        HTTP_REFERER="https://testserver/accounts/login/",
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    # allauth's "Signed in as ..." message travels in the message cookie.
    messages = response.cookies["__Host-messages"]
    for cookie in (csrf, session, messages):
        header = cookie.output()
        # __Host-: Secure, Path=/ and no Domain, or browsers refuse the cookie (RFC 6265bis).
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
        assert not cookie["domain"]
        assert cookie["samesite"] == "Lax"
        assert "Domain=" not in header
    assert session["httponly"] is True
    assert "sessionid" not in response.cookies and "csrftoken" not in login_page.cookies
    assert "messages" not in response.cookies


# --- templates: nothing the CSP would block ----------------------------------------------------

TEMPLATE_DIRS = [
    BASE_DIR / "templates",
    *BASE_DIR.glob("*/templates"),
    *BASE_DIR.glob("*/*/templates"),
]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)


def templates():
    seen = set()
    for folder in TEMPLATE_DIRS:
        if ".venv" in folder.parts:
            continue
        for path in folder.rglob("*.html"):
            if path not in seen:
                seen.add(path)
                yield path


def without_comments(text):
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", text, flags=re.DOTALL)
    return re.sub(r"{#.*?#}", "", text, flags=re.DOTALL)


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for path in templates():
        text = without_comments(path.read_text())
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, SCRIPT_URL):
            found += [
                f"{path.relative_to(BASE_DIR)}: {m.group(0)[:60]}" for m in pattern.finditer(text)
            ]
    assert len(list(templates())) > 100  # the scan sees the project's templates
    assert found == []


def test_no_web_page_template_has_inline_styles_the_csp_would_drop():
    """style-src 'self': a style attribute or <style> block on a page is ignored by browsers.
    Emails and PDFs are rendered outside the browser and keep theirs."""
    found = []
    for path in templates():
        relative = path.relative_to(BASE_DIR).as_posix()
        text = without_comments(path.read_text())
        if "emails/" in relative or "/pdf/" in relative or "{% extends" not in text:
            continue
        found += [f"{relative}: {m.group(0)[:60]}" for m in INLINE_STYLE.finditer(text)]
    assert found == []
