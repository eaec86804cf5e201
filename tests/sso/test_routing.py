"""The sign-in page sends people of routed domains to their organisation's identity provider."""

from urllib.parse import parse_qs, urlsplit

from tests.conftest import PASSWORD
from tests.sso.conftest import start_sign_in


def test_an_address_at_a_routed_domain_goes_to_the_provider_with_a_login_hint(
    client, acme_idp, oidc_provider
):
    location = start_sign_in(client, "Someone@ACME.test")

    url = urlsplit(location)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{oidc_provider.issuer}/authorize"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["login_hint"] == "someone@acme.test"
    assert query["client_id"] == oidc_provider.client_id
    assert query["redirect_uri"] == "http://testserver/accounts/sso/org-acme/callback/"
    assert "openid" in query["scope"].split() and "email" in query["scope"].split()
    assert len(query["nonce"]) >= 32 and query["state"]
    assert query["code_challenge_method"] == "S256"


def test_other_addresses_are_asked_for_their_password(client, acme_idp, admin_b):
    response = client.post("/accounts/login/", {"login": admin_b.email, "password": ""})

    assert response.status_code == 200
    assert "Enter your password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_other_addresses_still_sign_in_with_their_password(client, acme_idp, admin_b):
    response = client.post("/accounts/login/", {"login": admin_b.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_b.pk)


def test_without_enforce_a_password_still_works_for_a_routed_domain(client, acme_idp, member_a):
    response = client.post("/accounts/login/", {"login": member_a.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member_a.pk)


def test_an_unreachable_provider_is_said_plainly(client, acme_idp, oidc_provider):
    oidc_provider.stop()

    response = client.post("/accounts/login/", {"login": "someone@acme.test", "password": ""})

    assert response.status_code == 502
    assert "identity provider cannot be reached" in response.content.decode()
    assert "_auth_user_id" not in client.session
