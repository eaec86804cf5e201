"""The loopback identity provider, an organisation configured to use it, and the round trip
a browser makes: sign-in form -> provider's authorize endpoint -> the portal's callback."""

import html
import re

import pytest
import requests

from tests.conftest import make_user
from tests.sso.oidc_provider import LoopbackOIDCProvider
from trustcentre.sso.services import identity_provider_save


@pytest.fixture
def oidc_provider(settings):
    settings.SSO_ALLOW_HTTP_ISSUERS = True
    provider = LoopbackOIDCProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def sso_admin(db):
    return make_user("trust.sso@provider.test", roles=["trust_admin"])


@pytest.fixture
def acme_idp(org_a, oidc_provider, sso_admin):
    """Acme (acme.test) signs its people in at the loopback provider; passwords still allowed."""
    return identity_provider_save(
        organisation=org_a,
        issuer=oidc_provider.issuer,
        client_id=oidc_provider.client_id,
        client_secret=oidc_provider.client_secret,
        domains=["acme.test"],
        enforce=False,
        changed_by=sso_admin,
    )


def start_sign_in(client, email, next_url=None):
    """Type the address on the sign-in page; returns the redirect to the identity provider."""
    data = {"login": email, "password": ""}
    if next_url:
        data["next"] = next_url
    response = client.post("/accounts/login/", data)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "_auth_user_id" not in client.session
    return continue_link(response)


def continue_link(response) -> str:
    """The notice page's link to the identity provider (a script follows it at once)."""
    found = re.search(
        r'<a class="button" data-sso-continue href="([^"]+)"', response.content.decode()
    )
    assert found, response.content.decode()[:2000]
    return html.unescape(found.group(1))


def through_provider(authorize_url):
    """What the browser does at the provider: it approves at once and redirects back."""
    response = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def sso_round_trip(client, email, next_url=None):
    callback_url = through_provider(start_sign_in(client, email, next_url))
    return client.get(callback_url)
