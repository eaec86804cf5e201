"""Setting up an authenticator app: QR code, first code, backup codes shown once."""

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from trustcentre.accounts.models import BackupCode
from trustcentre.audit.models import AuditEvent

CODE_PATTERN = re.compile(r"\b[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}\b")


def current_code(device, steps_ahead=0):
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=-device.step * steps_ahead):06d}"


def a_wrong_code(device):
    valid = {current_code(device, offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


@pytest.mark.django_db
class TestEnrolment:
    def test_staff_enrols_end_to_end(self, client, legal_user):
        client.force_login(legal_user)
        response = client.get("/staff/", follow=True)
        assert response.redirect_chain[-1][0] == "/accounts/2fa/setup/?next=%2Fstaff%2F"
        page = response.content.decode()
        assert "Set up two-factor sign-in" in page
        assert 'src="data:image/svg+xml;base64,' in page

        device = TOTPDevice.objects.get(user=legal_user)
        assert device.confirmed is False
        assert (device.step, device.tolerance) == (30, 1)
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
        svg = base64.b64decode(re.search(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", page)[1])
        assert svg.startswith(b"<svg")

        # Reloading keeps the same secret, so an app that already scanned it still works.
        client.get("/accounts/2fa/setup/?next=/staff/")
        assert TOTPDevice.objects.filter(user=legal_user).count() == 1

        key_before = client.session.session_key
        response = client.post(
            "/accounts/2fa/setup/",
            {"name": "Work phone", "code": current_code(device), "next": "/staff/"},
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "Your backup codes" in page
        codes = CODE_PATTERN.findall(page)
        assert len(codes) == 10 and len(set(codes)) == 10
        assert client.session.session_key != key_before

        device.refresh_from_db()
        assert device.confirmed is True and device.name == "Work phone"
        assert BackupCode.objects.filter(device__user=legal_user).count() == 10
        assert AuditEvent.objects.filter(action="mfa.enrolled", actor=legal_user).count() == 1
        assert AuditEvent.objects.filter(
            action="mfa.backup_codes_generated", actor=legal_user
        ).exists()

        assert client.get("/staff/").status_code == 200

    def test_wrong_code_says_so_and_changes_nothing(self, client, trust_admin_user):
        client.force_login(trust_admin_user)
        client.get("/accounts/2fa/setup/")
        device = TOTPDevice.objects.get(user=trust_admin_user)

        response = client.post(
            "/accounts/2fa/setup/", {"name": "Phone", "code": a_wrong_code(device)}
        )
        assert response.status_code == 200
        assert "That code is not valid" in response.content.decode()
        device.refresh_from_db()
        assert device.confirmed is False
        assert not BackupCode.objects.exists()
        assert client.get("/staff/")["Location"].startswith("/accounts/2fa/setup/")

    def test_malformed_code_is_a_form_error(self, client, trust_admin_user):
        client.force_login(trust_admin_user)
        client.get("/accounts/2fa/setup/")
        response = client.post("/accounts/2fa/setup/", {"name": "Phone", "code": "12ab"})
        assert "Enter the 6-digit code shown in your app." in response.content.decode()
        assert TOTPDevice.objects.get(user=trust_admin_user).throttling_failure_count == 0

    def test_customer_may_turn_it_on_from_the_security_page(self, client, member_a):
        client.force_login(member_a)
        page = client.get("/accounts/security/").content.decode()
        assert "Two-factor sign-in is off" in page
        client.get("/accounts/2fa/setup/")
        device = TOTPDevice.objects.get(user=member_a)
        response = client.post(
            "/accounts/2fa/setup/", {"name": "Phone", "code": current_code(device)}
        )
        assert len(CODE_PATTERN.findall(response.content.decode())) == 10
        page = client.get("/accounts/security/").content.decode()
        assert "Phone" in page and "10 left" in page

    def test_a_second_authenticator_needs_a_fresh_code_from_the_first(self, client, member_a):
        TOTPDevice.objects.create(user=member_a, name="Old phone", confirmed=True)
        client.force_login(member_a)
        response = client.get("/accounts/2fa/setup/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/2fa/verify/")
        assert TOTPDevice.objects.filter(user=member_a).count() == 1
