"""Single sign-on replaces the password, never the staff's second factor."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import make_user
from tests.sso.conftest import sso_round_trip


@pytest.fixture
def staff_at_acme(acme_idp, oidc_provider):
    user = make_user("it.legal@acme.test", roles=["legal"])
    oidc_provider.identity = {**oidc_provider.identity, "sub": "legal-1", "email": user.email}
    return user


def test_staff_with_an_authenticator_are_asked_for_the_code_after_sso(client, staff_at_acme):
    TOTPDevice.objects.create(user=staff_at_acme, name="Phone", confirmed=True)

    response = sso_round_trip(client, staff_at_acme.email, next_url="/staff/")

    assert client.session["_auth_user_id"] == str(staff_at_acme.pk)
    gate = client.get("/staff/")
    assert gate.status_code == 302
    assert gate["Location"] == "/accounts/2fa/verify/?next=%2Fstaff%2F"
    assert response["Location"] in ("/staff/", "/accounts/2fa/verify/?next=%2Fstaff%2F")
    assert client.get("/staff/sso/")["Location"].startswith("/accounts/2fa/verify/")


def test_staff_without_an_authenticator_must_set_one_up_after_sso(client, staff_at_acme):
    response = sso_round_trip(client, staff_at_acme.email)

    assert client.session["_auth_user_id"] == str(staff_at_acme.pk)
    assert response["Location"].startswith("/accounts/2fa/setup/")
    assert client.get("/staff/")["Location"] == "/accounts/2fa/setup/?next=%2Fstaff%2F"
