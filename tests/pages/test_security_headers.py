"""Every HTML page carries the security headers of ARCHITECTURE.md."""

import pytest


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
