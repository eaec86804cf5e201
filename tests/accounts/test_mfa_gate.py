"""StaffSecondFactorMiddleware: nobody reaches /staff/ or /admin/ on a password alone."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import login_with_second_factor, make_user


@pytest.fixture
def superuser(db):
    return make_user("root@provider.test", is_staff=True, is_superuser=True)


def confirmed_device(user):
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


@pytest.mark.django_db
class TestStaffArea:
    def test_staff_without_device_is_sent_to_enrol(self, client, legal_user):
        client.force_login(legal_user)
        response = client.get("/staff/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/setup/?next=%2Fstaff%2F"

    def test_staff_with_device_but_unverified_is_sent_to_verify(self, client, dpo_user):
        confirmed_device(dpo_user)
        client.force_login(dpo_user)
        response = client.get("/staff/?tab=open")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/verify/?next=%2Fstaff%2F%3Ftab%3Dopen"

    def test_verified_staff_gets_the_page(self, staff_client):
        response = staff_client.get("/staff/")
        assert response.status_code == 200

    def test_customer_member_is_refused(self, client, member_a):
        client.force_login(member_a)
        response = client.get("/staff/")
        assert response.status_code == 403

    def test_anonymous_is_sent_to_sign_in(self, client, db):
        response = client.get("/staff/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
class TestAdmin:
    def test_admin_without_device_is_sent_to_enrol(self, client, superuser):
        client.force_login(superuser)
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/setup/?next=%2Fadmin%2F"

    def test_admin_with_device_but_unverified_is_sent_to_verify(self, client, superuser):
        confirmed_device(superuser)
        client.force_login(superuser)
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/verify/?next=%2Fadmin%2F"

    def test_verified_admin_gets_the_admin(self, client, superuser):
        login_with_second_factor(client, superuser)
        response = client.get("/admin/")
        assert response.status_code == 200
        assert "administration" in response.content.decode()

    def test_anonymous_ends_on_the_allauth_sign_in_page(self, client, db):
        response = client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0].startswith("/accounts/login/")
        assert b'name="login"' in response.content

    def test_signed_in_non_staff_is_refused(self, client, member_a, legal_user):
        client.force_login(member_a)
        assert client.get("/admin/").status_code == 403
        # Staff roles without is_staff work in /staff/, never in the Django admin.
        login_with_second_factor(client, legal_user)
        assert client.get("/admin/").status_code == 403

    def test_admin_password_form_is_not_a_way_round_allauth(self, client, superuser, member_a):
        login_with_second_factor(client, superuser)
        response = client.post(
            "/admin/login/", {"username": member_a.email, "password": "whatever it is"}
        )
        assert response.status_code == 403
        assert int(client.session["_auth_user_id"]) == superuser.pk


@pytest.mark.django_db
class TestEveryoneWithASecondFactor:
    def test_customer_with_device_must_verify_before_the_portal(self, client, admin_a):
        confirmed_device(admin_a)
        client.force_login(admin_a)
        response = client.get("/portal/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/verify/?next=%2Fportal%2F"

    def test_customer_without_device_is_not_asked(self, client, member_a):
        client.force_login(member_a)
        assert client.get("/portal/").status_code == 200

    def test_sign_out_stays_open_while_unverified(self, client, admin_a):
        confirmed_device(admin_a)
        client.force_login(admin_a)
        response = client.post("/accounts/logout/")
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session

    def test_api_with_an_unverified_session_gets_a_problem_not_a_redirect(self, client, legal_user):
        client.force_login(legal_user)
        response = client.get("/api/v1/")
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["title"] == "Second factor required"
