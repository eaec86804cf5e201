"""Signing in through allauth: where each kind of account lands, rate limits, sessions."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password, **extra})


@pytest.mark.django_db
class TestWhereSignInLands:
    def test_login_page_uses_the_portal_layout(self, client):
        page = client.get("/accounts/login/").content.decode()
        assert '<form class="form" method="post" action="/accounts/login/">' in page
        assert '<div class="narrow">' in page
        assert 'class="field' in page
        assert "site-header" in page  # our base.html, not allauth's bare layout

    def test_customer_without_second_factor_goes_to_the_portal(self, client, member_a):
        response = sign_in(client, member_a.email)
        assert response["Location"] == "/after-login/"
        assert client.get("/after-login/", follow=True).redirect_chain[-1][0] == "/portal/"

    def test_customer_with_second_factor_is_asked_for_it_first(self, client, admin_a):
        TOTPDevice.objects.create(user=admin_a, name="Phone", confirmed=True)
        response = sign_in(client, admin_a.email)
        assert response["Location"] == "/accounts/2fa/verify/?next=%2Fafter-login%2F"
        assert client.get("/portal/")["Location"] == "/accounts/2fa/verify/?next=%2Fportal%2F"

    def test_staff_without_second_factor_is_sent_to_set_one_up(self, client, dpo_user):
        response = sign_in(client, dpo_user.email)
        assert response["Location"] == "/accounts/2fa/setup/?next=%2Fafter-login%2F"

    def test_a_next_on_the_login_form_does_not_skip_the_code(self, client, dpo_user):
        TOTPDevice.objects.create(user=dpo_user, name="Phone", confirmed=True)
        response = sign_in(client, dpo_user.email, next="/portal/")
        assert response["Location"] == "/portal/"
        assert client.get("/portal/")["Location"] == "/accounts/2fa/verify/?next=%2Fportal%2F"

    def test_session_key_changes_at_login(self, client, member_a):
        client.get("/accounts/login/")
        client.session.save()
        key_before = client.session.session_key
        sign_in(client, member_a.email)
        assert client.session.session_key != key_before

    def test_sign_out_ends_the_session_on_the_server(self, client, member_a):
        from django.contrib.sessions.models import Session

        sign_in(client, member_a.email)
        old_key = client.session.session_key
        assert Session.objects.filter(session_key=old_key).exists()
        client.post("/accounts/logout/")
        assert not Session.objects.filter(session_key=old_key).exists()


@pytest.mark.django_db
class TestBruteForce:
    def test_sixth_bad_password_in_five_minutes_is_blocked(self, client, member_a):
        for _ in range(5):
            response = sign_in(client, member_a.email, password="not the password at all")
            assert "not correct" in response.content.decode()
        response = sign_in(client, member_a.email)  # even the right password
        assert response.status_code == 200
        assert "Too many failed login attempts. Try again later." in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_admin_login_form_is_not_a_bypass(self, client, db):
        from tests.conftest import make_user

        root = make_user("root@provider.test", is_staff=True, is_superuser=True)
        response = client.post("/admin/login/", {"username": root.email, "password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert "_auth_user_id" not in client.session
