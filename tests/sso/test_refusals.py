"""What the identity provider says is not taken on trust: each refusal signs nobody in."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.sso.conftest import sso_round_trip, start_sign_in, through_provider
from trustcentre.accounts.models import Membership, User
from trustcentre.audit.models import AuditEvent


def _refused(client, response, reason):
    assert response.status_code in (400, 403)
    assert "You are not signed in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(action="sso.sign_in_refused").latest("seq")
    assert event.details["reason"] == reason
    return response.content.decode()


def test_an_address_at_another_organisations_domain_is_refused(
    client, acme_idp, oidc_provider, admin_b
):
    """Acme's provider cannot sign anyone in as a Globex person, even with a verified claim."""
    oidc_provider.identity = {**oidc_provider.identity, "email": admin_b.email}

    response = sso_round_trip(client, "someone@acme.test")

    page = _refused(client, response, "domain_not_routed")
    assert "cannot sign in addresses at globex.test" in page
    assert not Membership.objects.filter(user=admin_b, organisation=acme_idp.organisation).exists()


def test_an_address_at_an_unrelated_domain_creates_no_account(client, acme_idp, oidc_provider):
    oidc_provider.identity = {**oidc_provider.identity, "email": "intruder@elsewhere.test"}

    _refused(client, sso_round_trip(client, "someone@acme.test"), "domain_not_routed")
    assert not User.objects.filter(email="intruder@elsewhere.test").exists()


@pytest.mark.parametrize("verified", [False, "false", None])
def test_an_address_the_provider_does_not_call_verified_is_refused(
    client, acme_idp, oidc_provider, member_a, verified
):
    identity = {**oidc_provider.identity, "email": member_a.email, "email_verified": verified}
    if verified is None:
        del identity["email_verified"]
    oidc_provider.identity = identity

    _refused(client, sso_round_trip(client, member_a.email), "email_not_verified")


def test_userinfo_that_contradicts_the_id_token_is_refused(client, acme_idp, oidc_provider):
    oidc_provider.userinfo_overrides = {"sub": "someone-else"}

    _refused(client, sso_round_trip(client, "someone@acme.test"), "authentication_error:unknown")
    assert not User.objects.filter(email="new.person@acme.test").exists()


def test_a_tampered_state_is_refused(client, acme_idp):
    callback = urlsplit(through_provider(start_sign_in(client, "someone@acme.test")))
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    query["state"] = query["state"][:-1] + ("A" if query["state"][-1] != "A" else "B")

    response = client.get(f"{callback.path}?{urlencode(query)}")

    _refused(client, response, "authentication_error:unknown")
    assert not User.objects.filter(email="new.person@acme.test").exists()


def test_a_callback_from_another_browser_session_is_refused(client, acme_idp, django_user_model):
    from django.test import Client

    callback_url = through_provider(start_sign_in(client, "someone@acme.test"))

    other = Client()
    response = other.get(callback_url)

    assert response.status_code == 400
    assert "_auth_user_id" not in other.session
    assert not django_user_model.objects.filter(email="new.person@acme.test").exists()


def test_a_replayed_nonce_is_refused(client, acme_idp, oidc_provider):
    oidc_provider.id_token_overrides = {"nonce": "a-nonce-from-another-sign-in"}

    _refused(client, sso_round_trip(client, "someone@acme.test"), "nonce_mismatch")


def test_an_id_token_signed_with_another_key_is_refused(client, acme_idp, oidc_provider):
    oidc_provider.sign_with_other_key = True

    _refused(client, sso_round_trip(client, "someone@acme.test"), "authentication_error:unknown")


def test_an_id_token_for_another_client_is_refused(client, acme_idp, oidc_provider):
    oidc_provider.id_token_overrides = {"aud": "some-other-client"}

    _refused(client, sso_round_trip(client, "someone@acme.test"), "authentication_error:unknown")


def test_a_linked_account_whose_address_changed_is_refused(client, acme_idp, oidc_provider):
    sso_round_trip(client, "new.person@acme.test")
    client.post("/accounts/logout/")
    oidc_provider.identity = {**oidc_provider.identity, "email": "renamed@acme.test"}

    _refused(client, sso_round_trip(client, "renamed@acme.test"), "email_changed")


def test_allauths_own_oidc_routes_are_closed_even_for_a_configured_provider(client, acme_idp):
    """Only the hardened callback (issuer, subject and algorithm checks) signs anyone in."""
    for path in (
        f"/accounts/oidc/{acme_idp.provider_id}/login/",
        f"/accounts/oidc/{acme_idp.provider_id}/login/callback/?code=x&state=y",
    ):
        assert client.get(path).status_code == 404
        assert client.post(path).status_code == 404
    assert "_auth_user_id" not in client.session
