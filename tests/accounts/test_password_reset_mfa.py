"""Password reset: a bad link says so clearly; a reset never skips the second factor."""

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

NEW_PASSWORD = "a brand new passphrase 2025"


def reset_link(user):
    return reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )


@pytest.mark.django_db
class TestPasswordReset:
    def test_invalid_link_shows_a_clear_message(self, client, member_a):
        response = client.get(
            f"/accounts/password/reset/key/{user_pk_to_url_str(member_a)}-bad-token/"
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "This password reset link is invalid or has expired." in page
        assert 'href="/accounts/password/reset/"' in page
        assert 'name="password1"' not in page

    def test_used_link_does_not_work_twice(self, client, member_a):
        link = reset_link(member_a)
        form_url = client.get(link)["Location"]
        client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        page = client.get(link).content.decode()
        assert "This password reset link is invalid or has expired." in page

    def test_reset_request_answers_the_same_for_unknown_addresses(self, client, member_a):
        known = client.post("/accounts/password/reset/", {"email": member_a.email})
        unknown = client.post("/accounts/password/reset/", {"email": "nobody@acme.test"})
        assert known.status_code == unknown.status_code == 302
        assert known["Location"] == unknown["Location"]

    def test_reset_does_not_bypass_the_second_factor(self, client, legal_user):
        TOTPDevice.objects.create(user=legal_user, name="Phone", confirmed=True)

        response = client.get(reset_link(legal_user))
        assert response.status_code == 302  # allauth moves the key out of the URL
        response = client.post(
            response["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
        assert response["Location"] == "/accounts/password/reset/key/done/"
        assert "Your password is now changed." in client.get(response["Location"]).content.decode()
        assert "_auth_user_id" not in client.session  # a reset does not sign anyone in

        response = client.post(
            "/accounts/login/", {"login": legal_user.email, "password": NEW_PASSWORD}
        )
        assert response["Location"] == "/accounts/2fa/verify/?next=%2Fafter-login%2F"
        assert client.get("/staff/")["Location"] == "/accounts/2fa/verify/?next=%2Fstaff%2F"
