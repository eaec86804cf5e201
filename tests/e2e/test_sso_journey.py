"""A person of an organisation with its own identity provider signs in: they type their work
address, are sent to the provider (a small OpenID Connect provider on loopback that approves at
once), and come back signed in to the portal as a member of their organisation."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_user
from tests.sso.oidc_provider import LoopbackOIDCProvider
from trustcentre.accounts.models import Membership, User
from trustcentre.sso.services import identity_provider_save

pytestmark = pytest.mark.e2e


@pytest.fixture
def oidc_provider(settings):
    settings.SSO_ALLOW_HTTP_ISSUERS = True
    provider = LoopbackOIDCProvider().start()
    yield provider
    provider.stop()


def test_a_person_signs_in_at_their_organisations_identity_provider(page, org_a, oidc_provider):
    identity_provider_save(
        organisation=org_a,
        issuer=oidc_provider.issuer,
        client_id=oidc_provider.client_id,
        client_secret=oidc_provider.client_secret,
        domains=["acme.test"],
        enforce=True,
        changed_by=make_user("trust.sso@provider.test", roles=["trust_admin"]),
    )
    oidc_provider.identity = {
        "sub": "0042",
        "email": "grace@acme.test",
        "email_verified": True,
        "name": "Grace Hopper",
    }
    main = page.locator("main")

    page.goto("/accounts/login/")
    main.get_by_label("Email").fill("grace@acme.test")
    main.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("header")).to_contain_text("grace@acme.test")
    assert oidc_provider.authorize_requests[-1]["login_hint"] == "grace@acme.test"
    user = User.objects.get(email="grace@acme.test")
    assert Membership.objects.filter(user=user, organisation=org_a, role="member").exists()
    assert not user.has_usable_password()

    # With SSO enforced, the same address cannot use a password instead.
    page.locator("header").get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    main.get_by_label("Email").fill("grace@acme.test")
    main.get_by_label("Password").fill("a guessed password")
    main.get_by_role("button", name="Sign in").click()
    expect(main.get_by_role("alert")).to_contain_text("signs its people in with single sign-on")
