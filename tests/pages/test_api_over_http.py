"""Over HTTPS deployments, pages redirect from HTTP but the API refuses it (ASVS V4.1.2)."""

import pytest


@pytest.mark.django_db
def test_api_over_plain_http_is_refused_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/api/v1/organisation/", HTTP_AUTHORIZATION="Bearer tcp_abcdefgh_secret")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "The API is only served over HTTPS."


@pytest.mark.django_db
def test_pages_over_plain_http_redirect_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/portal/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.django_db
def test_api_over_https_is_served(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/api/v1/organisation/", secure=True)
    assert response.status_code == 401
