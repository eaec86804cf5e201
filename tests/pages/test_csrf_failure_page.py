"""A form refused for its CSRF token gets the portal's own page, which the CSP does not break."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_refused_form_shows_the_portals_page_with_nothing_inline(settings):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/subprocessors/subscribe/", {"email": "a@example.org"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "We could not accept that form" in page
    assert "Nothing was changed." in page
    assert "<style" not in page and " style=" not in page
    assert "Content-Security-Policy" in response.headers
    assert response["Cache-Control"] == "no-store"
