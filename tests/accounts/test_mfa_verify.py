"""The second step of sign-in: TOTP codes, replay, throttling, session key rotation."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from trustcentre.audit.models import AuditEvent

VERIFY = "/accounts/2fa/verify/"


def current_code(device, steps_ahead=0):
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=-device.step * steps_ahead):06d}"


def a_wrong_code(device):
    valid = {current_code(device, offset) for offset in (-1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def as_if_the_delay_passed(device):
    """django-otp's growing delay is measured from the last failure; move that into the past."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


@pytest.fixture
def legal_device(legal_user):
    return TOTPDevice.objects.create(user=legal_user, name="Phone", confirmed=True)


def sign_in_with_password(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.django_db
class TestVerify:
    def test_password_then_code_opens_the_back_office(self, client, legal_user, legal_device):
        response = sign_in_with_password(client, legal_user)
        assert response["Location"] == "/accounts/2fa/verify/?next=%2Fafter-login%2F"
        page = client.get(response["Location"]).content.decode()
        assert "Enter your code" in page

        key_before = client.session.session_key
        response = client.post(VERIFY + "?next=/after-login/", {"code": current_code(legal_device)})
        assert response.status_code == 302
        assert response["Location"] == "/after-login/"
        assert client.session.session_key != key_before
        assert client.get("/staff/").status_code == 200
        event = AuditEvent.objects.get(action="mfa.verified")
        assert event.actor == legal_user and event.details == {"method": "totp"}

    def test_wrong_code_shows_a_message_and_changes_nothing(self, client, legal_user, legal_device):
        client.force_login(legal_user)
        key_before = client.session.session_key
        response = client.post(VERIFY, {"code": a_wrong_code(legal_device)})
        assert response.status_code == 200
        assert "That code is not valid" in response.content.decode()
        assert client.session.session_key == key_before
        assert client.get("/staff/")["Location"] == "/accounts/2fa/verify/?next=%2Fstaff%2F"
        assert AuditEvent.objects.filter(action="mfa.verify_failed").count() == 1
        assert not AuditEvent.objects.filter(action="mfa.verified").exists()

    def test_a_code_works_once(self, client, legal_user, legal_device):
        code = current_code(legal_device)
        client.force_login(legal_user)
        assert client.post(VERIFY, {"code": code}).status_code == 302

        client.logout()
        client.force_login(legal_user)
        response = client.post(VERIFY, {"code": code})
        assert response.status_code == 200
        assert "This code has already been used" in response.content.decode()
        assert client.get("/staff/").status_code == 302

        # The next code from the app is fine.
        as_if_the_delay_passed(legal_device)
        assert (
            client.post(VERIFY, {"code": current_code(legal_device, steps_ahead=1)}).status_code
            == 302
        )
        assert client.get("/staff/").status_code == 200

    def test_wrong_codes_bring_growing_delays(self, client, legal_user, legal_device):
        client.force_login(legal_user)
        client.post(VERIFY, {"code": a_wrong_code(legal_device)})
        # Straight after a wrong code even the right one is not checked yet.
        response = client.post(VERIFY, {"code": current_code(legal_device)})
        assert "Too many wrong codes. Wait" in response.content.decode()
        assert client.get("/staff/").status_code == 302

        as_if_the_delay_passed(legal_device)
        client.post(VERIFY, {"code": a_wrong_code(legal_device)})
        legal_device.refresh_from_db()
        assert legal_device.throttling_failure_count == 2
        assert legal_device.verify_is_allowed()[1]["locked_until"] == (
            legal_device.throttling_failure_timestamp + timedelta(seconds=2)
        )

    def test_five_wrong_codes_lock_the_form_for_five_minutes(
        self, client, legal_user, legal_device
    ):
        client.force_login(legal_user)
        for _ in range(5):
            as_if_the_delay_passed(legal_device)
            client.post(VERIFY, {"code": a_wrong_code(legal_device)})
        as_if_the_delay_passed(legal_device)

        response = client.post(VERIFY, {"code": current_code(legal_device)})
        assert "Too many attempts. Try again in 5 minutes." in response.content.decode()
        assert client.get("/staff/").status_code == 302

        # The count is per person and address; django-otp's own delay still covers the device.
        other = client.post(VERIFY, {"code": current_code(legal_device)}, REMOTE_ADDR="10.1.2.3")
        assert other.status_code == 302

    def test_backup_code_field_accepts_either_kind(self, client, legal_user, legal_device):
        client.force_login(legal_user)
        response = client.post(VERIFY, {"code": "ABCD-EFGH-IJKL"})
        assert "That code is not valid" in response.content.decode()
        # A wrong backup code does not slow down the authenticator.
        assert client.post(VERIFY, {"code": current_code(legal_device)}).status_code == 302

    def test_next_pointing_elsewhere_is_ignored(self, client, legal_user, legal_device):
        client.force_login(legal_user)
        response = client.post(
            VERIFY + "?next=https://evil.example/", {"code": current_code(legal_device)}
        )
        assert response["Location"] == "/after-login/"

    def test_user_without_device_is_not_kept_on_the_page(self, client, member_a):
        client.force_login(member_a)
        response = client.get(VERIFY + "?next=/portal/")
        assert response["Location"] == "/portal/"
