"""With "enforce" on, passwords are refused for the organisation's domains: sign-in and reset."""

import pytest

from tests.conftest import PASSWORD
from tests.sso.conftest import continue_link
from trustcentre.sso.services import identity_provider_save


@pytest.fixture
def enforced(acme_idp, sso_admin, oidc_provider):
    return identity_provider_save(
        organisation=acme_idp.organisation,
        issuer=oidc_provider.issuer,
        client_id=oidc_provider.client_id,
        client_secret="",
        domains=["acme.test"],
        enforce=True,
        changed_by=sso_admin,
    )


def test_a_correct_password_is_refused_with_a_clear_message(client, enforced, member_a):
    response = client.post("/accounts/login/", {"login": member_a.email, "password": PASSWORD})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Acme signs its people in with single sign-on" in page
    assert "Leave the password empty" in page
    assert "_auth_user_id" not in client.session


def test_without_a_password_the_same_person_goes_to_the_provider(client, enforced, oidc_provider):
    response = client.post("/accounts/login/", {"login": "member@acme.test", "password": ""})

    assert response.status_code == 200
    assert "Acme signs its people in with single sign-on" in response.content.decode()
    assert continue_link(response).startswith(f"{oidc_provider.issuer}/authorize?")


def test_password_reset_is_refused_and_sends_nothing(client, enforced, member_a):
    from trustcentre.notifications.models import OutboxMessage

    before = OutboxMessage.objects.count()
    response = client.post("/accounts/password/reset/", {"email": member_a.email})

    assert response.status_code == 200
    assert "Acme signs its people in with single sign-on" in response.content.decode()
    assert OutboxMessage.objects.count() == before


def test_a_reset_link_sent_before_enforce_no_longer_sets_a_password(
    client, acme_idp, sso_admin, oidc_provider, member_a
):
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    key = default_token_generator.make_token(member_a)
    url = f"/accounts/password/reset/key/{user_pk_to_url_str(member_a)}-{key}/"
    form_url = client.get(url)["Location"]
    identity_provider_save(
        organisation=acme_idp.organisation,
        issuer=oidc_provider.issuer,
        client_id=oidc_provider.client_id,
        client_secret="",
        domains=["acme.test"],
        enforce=True,
        changed_by=sso_admin,
    )

    new_password = "a brand new passphrase 42"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})

    assert response.status_code == 200
    assert "signs its people in with single sign-on" in response.content.decode()
    member_a.refresh_from_db()
    assert member_a.check_password(PASSWORD)


def test_other_domains_keep_passwords_and_reset(client, enforced, admin_b):
    response = client.post("/accounts/login/", {"login": admin_b.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_b.pk)


def test_signing_up_with_a_password_at_an_enforced_domain_is_refused(
    client, enforced, django_user_model
):
    response = client.post(
        "/accounts/signup/",
        {"email": "newcomer@acme.test", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 200
    assert "Acme signs its people in with single sign-on" in response.content.decode()
    assert not django_user_model.objects.filter(email="newcomer@acme.test").exists()
