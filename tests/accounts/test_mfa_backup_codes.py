"""Backup codes (hashed, single use) and the security page (regenerate, remove)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from trustcentre.accounts.models import BackupCode, BackupCodeDevice
from trustcentre.audit.models import AuditEvent

VERIFY = "/accounts/2fa/verify/"
CODE_PATTERN = re.compile(r"\b[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}\b")


def current_code(device, steps_ahead=0):
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=-device.step * steps_ahead):06d}"


def enrol(client, user):
    """Set up an authenticator through the pages, as a person would; returns device and codes."""
    client.force_login(user)
    client.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/2fa/setup/", {"name": "Phone", "code": current_code(device)})
    codes = CODE_PATTERN.findall(response.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    return device, codes


def new_session(client, user):
    client.logout()
    client.force_login(user)


def as_if_the_delay_passed(user):
    BackupCodeDevice.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )
    TOTPDevice.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


@pytest.mark.django_db
class TestBackupCodes:
    def test_codes_are_stored_only_as_salted_hashes(self, client, legal_user):
        _device, codes = enrol(client, legal_user)
        hashes = list(BackupCode.objects.values_list("code_hash", flat=True))
        assert len(hashes) == 10 and len(set(hashes)) == 10
        for stored in hashes:
            assert stored.startswith("pbkdf2_sha256$")
            for code in codes:
                assert code not in stored and code.replace("-", "") not in stored
        # Nor anywhere else the portal writes: the audit log holds no code either.
        for event in AuditEvent.objects.all():
            for code in codes:
                assert code.replace("-", "") not in str(event.details)

    def test_a_backup_code_works_once(self, client, legal_user):
        _device, codes = enrol(client, legal_user)

        new_session(client, legal_user)
        response = client.post(VERIFY + "?next=/staff/", {"code": codes[3]})
        assert response.status_code == 302 and response["Location"] == "/staff/"
        assert client.get("/staff/").status_code == 200
        event = AuditEvent.objects.filter(action="mfa.verified").latest("seq")
        assert event.details == {"method": "backup_code", "backup_codes_left": 9}

        new_session(client, legal_user)
        as_if_the_delay_passed(legal_user)
        response = client.post(VERIFY, {"code": codes[3]})
        assert response.status_code == 200
        assert "That code is not valid" in response.content.decode()
        assert client.get("/staff/").status_code == 302
        assert BackupCode.objects.filter(used_at__isnull=False).count() == 1

    def test_typing_is_forgiving(self, client, member_a):
        _device, codes = enrol(client, member_a)
        new_session(client, member_a)
        typed = " " + codes[0].replace("-", " ").lower() + " "
        assert client.post(VERIFY, {"code": typed}).status_code == 302

    def test_new_codes_replace_the_old_after_a_fresh_code(self, client, legal_user):
        device, old_codes = enrol(client, legal_user)

        # Enrolment just verified this session, so the step-up check passes.
        response = client.post("/accounts/2fa/backup-codes/")
        new_codes = CODE_PATTERN.findall(response.content.decode())
        assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
        assert BackupCode.objects.count() == 10

        new_session(client, legal_user)
        assert (
            "That code is not valid" in client.post(VERIFY, {"code": old_codes[0]}).content.decode()
        )
        as_if_the_delay_passed(legal_user)
        assert client.post(VERIFY, {"code": new_codes[0]}).status_code == 302

    def test_replacing_codes_in_an_old_session_asks_for_a_code_first(self, client, legal_user):
        from tests.conftest import login_with_second_factor

        device = login_with_second_factor(client, legal_user)
        response = client.post("/accounts/2fa/backup-codes/")
        assert response.status_code == 302
        assert (
            response["Location"] == "/accounts/2fa/verify/?next=%2Faccounts%2F2fa%2Fbackup-codes%2F"
        )
        assert not BackupCode.objects.exists()

        client.post(VERIFY, {"code": current_code(device)})
        response = client.post("/accounts/2fa/backup-codes/")
        assert len(CODE_PATTERN.findall(response.content.decode())) == 10


@pytest.mark.django_db
class TestRemovingAnAuthenticator:
    def test_staff_cannot_remove_their_last_one(self, client, legal_user):
        device, _codes = enrol(client, legal_user)
        page = client.get("/accounts/security/").content.decode()
        assert "required for staff" in page

        response = client.post("/accounts/2fa/devices/remove/", {"device": device.pk}, follow=True)
        assert "Staff accounts must keep at least one authenticator" in response.content.decode()
        assert TOTPDevice.objects.filter(pk=device.pk).exists()

    def test_customer_removes_their_only_one_and_the_backup_codes_go_too(self, client, member_a):
        device, _codes = enrol(client, member_a)
        response = client.post("/accounts/2fa/devices/remove/", {"device": device.pk}, follow=True)
        assert "The authenticator was removed." in response.content.decode()
        assert not TOTPDevice.objects.filter(user=member_a).exists()
        assert not BackupCodeDevice.objects.filter(user=member_a).exists()
        assert AuditEvent.objects.filter(action="mfa.device_removed", actor=member_a).count() == 1
        assert client.get("/portal/").status_code == 200

    def test_removing_needs_a_fresh_code(self, client, member_a):
        from tests.conftest import login_with_second_factor

        device = login_with_second_factor(client, member_a)
        response = client.post("/accounts/2fa/devices/remove/", {"device": device.pk})
        assert response["Location"] == "/accounts/2fa/verify/?next=%2Faccounts%2Fsecurity%2F"
        assert TOTPDevice.objects.filter(pk=device.pk).exists()

    def test_someone_elses_device_is_not_found(self, client, member_a, admin_a):
        enrol(client, member_a)
        other = TOTPDevice.objects.create(user=admin_a, name="Theirs", confirmed=True)
        response = client.post("/accounts/2fa/devices/remove/", {"device": other.pk}, follow=True)
        assert "That authenticator does not exist any more." in response.content.decode()
        assert TOTPDevice.objects.filter(pk=other.pk).exists()

    def test_removing_is_post_only(self, client, member_a):
        device, _codes = enrol(client, member_a)
        assert client.get(f"/accounts/2fa/devices/remove/?device={device.pk}").status_code == 405
        assert TOTPDevice.objects.filter(pk=device.pk).exists()
