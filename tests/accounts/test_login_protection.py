"""Login protection (issue 9, SECURITY-TESTS rows 1-4, 7, 9, 27; drills R15, R16).

Passwords and second-factor codes are rate limited per account and per address with a message
that says what to do; the address is the one the server saw, not one the client claims; the
session key changes at sign-in and again at the second factor; the password policy; customer
admins need a second factor. The counters live in the cache: run these against Redis too
(CACHE_URL=redis://...), as production counts there.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, add_member, make_organisation, make_user
from trustcentre.accounts.api_keys import api_key_create
from trustcentre.accounts.models import BackupCodeDevice, Membership, Organisation
from trustcentre.audit.models import AuditEvent
from trustcentre.lib.client import client_address

LOGIN = "/accounts/login/"
VERIFY = "/accounts/2fa/verify/"
SETUP = "/accounts/2fa/setup/"
WRONG_PASSWORD = "not the password at all"
LOCKED_OUT = "Too many failed login attempts. Try again later. Wait up to 5 minutes"
TOO_MANY_CODES = "Too many attempts. Try again in"


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def current_code(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step):06d}"


def a_wrong_code(device):
    valid = {
        f"{totp(device.bin_key, step=device.step, t0=-device.step * k):06d}" for k in (-1, 0, 1, 2)
    }
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def as_if_the_delay_passed(user):
    """django-otp's own growing delay per device is measured from the last failure; move it
    into the past, so what the test sees is the portal's counters alone."""
    long_ago = timezone.now() - timedelta(hours=1)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=long_ago)
    BackupCodeDevice.objects.filter(user=user).update(throttling_failure_timestamp=long_ago)


def staff_with_device(email):
    user = make_user(email, roles=["legal"])
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return user, device


# --- passwords ------------------------------------------------------------------------


@pytest.mark.django_db
class TestFailedSignIns:
    def test_an_account_is_locked_after_five_failures_from_five_addresses(self, client, member_a):
        for number in range(5):
            response = sign_in(
                client, member_a.email, WRONG_PASSWORD, REMOTE_ADDR=f"198.51.100.{number}"
            )
            assert "not correct" in response.content.decode()
        # From yet another address, even the right password is not checked.
        response = sign_in(client, member_a.email, REMOTE_ADDR="203.0.113.99")
        assert response.status_code == 200
        assert LOCKED_OUT in response.content.decode()
        assert not signed_in(client)

    def test_an_address_is_stopped_after_ten_failures_across_accounts(self, client, member_a):
        for number in range(10):
            sign_in(client, f"guess{number}@acme.test", WRONG_PASSWORD, REMOTE_ADDR="192.0.2.7")
        response = sign_in(client, member_a.email, REMOTE_ADDR="192.0.2.7")
        assert LOCKED_OUT in response.content.decode()
        assert not signed_in(client)
        # Someone elsewhere is not affected.
        response = sign_in(client, member_a.email, REMOTE_ADDR="192.0.2.8")
        assert response.status_code == 302 and signed_in(client)

    def test_a_forged_forwarded_for_header_does_not_escape_the_address_limit(
        self, client, member_a
    ):
        # allauth's own get_client_ip would read the first X-Forwarded-For entry, which the
        # client writes: a fresh made-up address per attempt would never be limited.
        for number in range(10):
            sign_in(
                client,
                f"guess{number}@acme.test",
                WRONG_PASSWORD,
                REMOTE_ADDR="192.0.2.7",
                HTTP_X_FORWARDED_FOR=f"10.9.8.{number}",
            )
        response = sign_in(
            client, member_a.email, REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="10.9.8.200"
        )
        assert LOCKED_OUT in response.content.decode()

    def test_a_failure_writes_no_session_and_a_right_password_does_not_reset_the_count(
        self, client, member_a, admin_a
    ):
        for _ in range(4):
            sign_in(client, member_a.email, WRONG_PASSWORD)
        # A success for another account in between buys the guesser nothing for this one.
        assert sign_in(client, admin_a.email).status_code == 302
        client.logout()
        sign_in(client, member_a.email, WRONG_PASSWORD)
        assert LOCKED_OUT in sign_in(client, member_a.email).content.decode()

    def test_too_many_sign_in_posts_get_a_clear_429_page_not_an_error(self, client, db):
        for _ in range(30):  # ACCOUNT_RATE_LIMITS "login": 30 a minute per address
            client.post(LOGIN, {}, REMOTE_ADDR="192.0.2.50")
        response = client.post(LOGIN, {}, REMOTE_ADDR="192.0.2.50")
        assert response.status_code == 429
        page = response.content.decode()
        assert "Too many attempts" in page
        assert "Wait a minute, then try again." in page
        assert "site-header" in page  # the portal's layout
        assert client.post(LOGIN, {}, REMOTE_ADDR="192.0.2.51").status_code == 200


class TestClientAddress:
    def test_without_proxies_the_socket_address_counts_whatever_the_headers(self, settings):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
        request = RequestFactory().get(
            "/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.0.0.1"
        )
        assert client_address(request) == "192.0.2.1"

    def test_num_proxies_unset_means_none_not_the_whole_header(self, settings):
        # DRF's get_ident would take the whole X-Forwarded-For header here, as the client sent it.
        settings.REST_FRAMEWORK = {
            k: v for k, v in settings.REST_FRAMEWORK.items() if k != "NUM_PROXIES"
        }
        request = RequestFactory().get(
            "/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.0.0.1"
        )
        assert client_address(request) == "192.0.2.1"

    def test_behind_one_proxy_the_address_that_proxy_saw_counts(self, settings):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
        # The client wrote "10.0.0.1" itself; the proxy appended the address it saw.
        request = RequestFactory().get(
            "/", REMOTE_ADDR="172.16.0.2", HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.23"
        )
        assert client_address(request) == "198.51.100.23"

    @pytest.mark.django_db
    def test_behind_a_proxy_clients_have_their_own_login_buckets(self, client, settings, member_a):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
        proxy = {"REMOTE_ADDR": "172.16.0.2"}
        for number in range(10):
            sign_in(
                client,
                f"guess{number}@acme.test",
                WRONG_PASSWORD,
                HTTP_X_FORWARDED_FOR="198.51.100.23",
                **proxy,
            )
        blocked = sign_in(client, member_a.email, HTTP_X_FORWARDED_FOR="198.51.100.23", **proxy)
        assert LOCKED_OUT in blocked.content.decode()
        other = sign_in(client, member_a.email, HTTP_X_FORWARDED_FOR="198.51.100.24", **proxy)
        assert other.status_code == 302


# --- second-factor codes ------------------------------------------------------------------


@pytest.mark.django_db
class TestWrongCodes:
    def test_ten_wrong_codes_from_ten_addresses_lock_the_account(self, client, db):
        user, device = staff_with_device("legal@provider.test")
        client.force_login(user)
        for number in range(10):
            as_if_the_delay_passed(user)
            response = client.post(
                VERIFY, {"code": a_wrong_code(device)}, REMOTE_ADDR=f"198.51.100.{number}"
            )
            assert "That code is not valid" in response.content.decode()
        as_if_the_delay_passed(user)
        response = client.post(VERIFY, {"code": current_code(device)}, REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 200
        assert TOO_MANY_CODES + " 15 minutes." in response.content.decode()
        assert client.get("/staff/").status_code == 302  # still not verified

    def test_twenty_wrong_codes_from_one_address_stop_it_for_every_account(self, client, db):
        accounts = [staff_with_device(f"legal{n}@provider.test") for n in range(5)]
        for user, device in accounts:  # 4 each: under the per-person and per-account limits
            client.force_login(user)
            for _ in range(4):
                as_if_the_delay_passed(user)
                client.post(VERIFY, {"code": a_wrong_code(device)}, REMOTE_ADDR="192.0.2.9")
        user, device = staff_with_device("legal-next@provider.test")
        client.force_login(user)
        response = client.post(VERIFY, {"code": current_code(device)}, REMOTE_ADDR="192.0.2.9")
        assert TOO_MANY_CODES in response.content.decode()
        # The same person from another address is let in: the block is on the address.
        response = client.post(VERIFY, {"code": current_code(device)}, REMOTE_ADDR="192.0.2.10")
        assert response.status_code == 302
        assert client.get("/staff/").status_code == 200

    def test_wrong_backup_codes_are_counted_too(self, client, db):
        user, device = staff_with_device("legal@provider.test")
        backup = BackupCodeDevice.objects.create(user=user, name="Backup codes", confirmed=True)
        codes = [BackupCodeDevice.format_code(code) for code in backup.replace_codes()]
        client.force_login(user)
        for _ in range(5):
            as_if_the_delay_passed(user)
            client.post(VERIFY, {"code": "AAAA-BBBB-CCCC"})
        as_if_the_delay_passed(user)
        response = client.post(VERIFY, {"code": codes[0]})
        assert TOO_MANY_CODES + " 5 minutes." in response.content.decode()
        assert backup.remaining_codes() == 10  # the right code was not even checked

    def test_step_up_before_a_sensitive_change_is_limited_the_same_way(self, client, db):
        user, device = staff_with_device("legal@provider.test")
        client.force_login(user)
        as_if_the_delay_passed(user)
        assert client.post(VERIFY, {"code": current_code(device)}).status_code == 302
        session = client.session
        session["mfa_verified_at"] -= 3600  # the last code is an hour old
        session.save()
        response = client.post("/accounts/2fa/backup-codes/")  # replace backup codes
        assert response["Location"].startswith(VERIFY + "?next=")
        for _ in range(5):
            as_if_the_delay_passed(user)
            client.post(response["Location"], {"code": a_wrong_code(device)})
        as_if_the_delay_passed(user)
        # Wait for a code the authenticator has not given yet (the last one was used).
        code = f"{totp(device.bin_key, step=device.step, t0=-device.step):06d}"
        refused = client.post(response["Location"], {"code": code})
        assert TOO_MANY_CODES in refused.content.decode()
        assert client.post("/accounts/2fa/backup-codes/")["Location"].startswith(VERIFY)
        # Five wrong codes were checked and logged; the sixth attempt was not checked at all.
        failures = AuditEvent.objects.filter(action="mfa.verify_failed", actor=user)
        assert failures.count() == 5

    def test_wrong_codes_while_setting_up_an_authenticator_are_limited(self, client, legal_user):
        client.force_login(legal_user)
        client.get(SETUP)
        device = TOTPDevice.objects.get(user=legal_user, confirmed=False)
        for _ in range(5):
            as_if_the_delay_passed(legal_user)
            client.post(SETUP, {"name": "Phone", "code": a_wrong_code(device)})
        as_if_the_delay_passed(legal_user)
        response = client.post(SETUP, {"name": "Phone", "code": current_code(device)})
        assert TOO_MANY_CODES in response.content.decode()
        device.refresh_from_db()
        assert not device.confirmed


# --- sessions -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_session_key_changes_at_sign_in_and_again_at_the_second_factor(client, db):
    user, device = staff_with_device("legal@provider.test")
    client.get(LOGIN)
    session = client.session
    session["planted"] = True  # a key an attacker could have fixed in the victim's browser
    session.save()
    before_login = client.session.session_key

    assert sign_in(client, user.email).status_code == 302
    after_password = client.session.session_key
    assert after_password != before_login
    assert client.get("/staff/").status_code == 302  # half signed in

    assert client.post(VERIFY, {"code": current_code(device)}).status_code == 302
    after_code = client.session.session_key
    assert after_code not in (before_login, after_password)
    assert client.get("/staff/").status_code == 200
    # The earlier keys are gone on the server: neither opens anything any more.
    assert not Session.objects.filter(session_key__in=[before_login, after_password]).exists()


# --- password policy --------------------------------------------------------------------------


@pytest.mark.django_db
class TestPasswordPolicy:
    def messages_for(self, password, user=None):
        try:
            validate_password(password, user)
        except ValidationError as error:
            return " ".join(error.messages)
        return ""

    def test_at_least_twelve_characters(self):
        assert "at least 12 characters" in self.messages_for("kx7#mq2vw9z")  # 11
        assert self.messages_for("kx7#mq2vw9zp") == ""  # 12

    def test_common_passwords_are_refused(self):
        assert "too common" in self.messages_for("qwerty123456")
        assert "too common" in self.messages_for("1q2w3e4r5t6y")

    def test_passwords_like_the_persons_own_details_are_refused(self, member_a):
        assert "too similar" in self.messages_for("member@acme.test", member_a)
        assert "too similar" in self.messages_for("Max Member 1", member_a)

    def test_all_digits_are_refused(self):
        assert "entirely numeric" in self.messages_for("830561927364")

    def test_long_passphrases_without_composition_rules_are_welcome(self):
        assert self.messages_for("correct horse battery staple") == ""
        assert self.messages_for("a" * 40 + " lowercase only, no digits " + "b" * 60) == ""

    def test_the_password_change_form_applies_the_policy(self, client, member_a):
        client.force_login(member_a)
        response = client.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": "qwerty123456", "password2": "qwerty123456"},
        )
        assert response.status_code == 200
        assert "too common" in response.content.decode()
        member_a.refresh_from_db()
        assert member_a.check_password(PASSWORD)


# --- who must have a second factor ------------------------------------------------------------


@pytest.fixture
def admins_need_a_second_factor(settings):
    settings.MFA_REQUIRED_FOR_CUSTOMER_ADMINS = True  # the default (settings.py)


@pytest.fixture
def new_admin_a(admin_a):
    """Acme's admin before setting up a second factor (say, just invited): admin_a without the
    authenticator the shared fixture gives every customer admin."""
    TOTPDevice.objects.filter(user=admin_a).delete()
    return admin_a


@pytest.mark.django_db
@pytest.mark.usefixtures("admins_need_a_second_factor")
class TestCustomerAdminsNeedASecondFactor:
    def test_sign_in_sends_an_admin_without_one_to_set_it_up(self, client, new_admin_a):
        response = sign_in(client, new_admin_a.email)
        assert response["Location"] == "/accounts/2fa/setup/?next=%2Fafter-login%2F"
        page = client.get(response["Location"]).content.decode()
        assert "Scan this QR code" in page

    def test_the_portal_and_the_api_wait_for_it(self, client, new_admin_a, org_a):
        sign_in(client, new_admin_a.email)
        assert client.get("/portal/")["Location"] == "/accounts/2fa/setup/?next=%2Fportal%2F"
        assert client.get(f"/portal/organisations/{org_a.slug}/")["Location"].startswith(SETUP)
        api = client.get("/api/v1/exports/")
        assert api.status_code == 403
        assert api["Content-Type"] == "application/problem+json"
        # The public trust centre and signing out stay open.
        assert client.get("/").status_code == 200
        assert client.post("/accounts/logout/").status_code == 302

    def test_once_set_up_and_verified_the_portal_opens(self, client, new_admin_a):
        sign_in(client, new_admin_a.email)
        client.get(SETUP)
        device = TOTPDevice.objects.get(user=new_admin_a, confirmed=False)
        response = client.post(SETUP, {"name": "Phone", "code": current_code(device)})
        assert response.status_code == 200  # the backup codes, shown once
        assert client.get("/portal/").status_code == 200

    def test_an_admin_cannot_remove_their_last_authenticator(self, client, new_admin_a):
        sign_in(client, new_admin_a.email)
        client.get(SETUP)
        device = TOTPDevice.objects.get(user=new_admin_a, confirmed=False)
        client.post(SETUP, {"name": "Phone", "code": current_code(device)})
        response = client.post("/accounts/2fa/devices/remove/", {"device": device.pk}, follow=True)
        assert "Organisation admins must keep at least one authenticator" in (
            response.content.decode()
        )
        assert TOTPDevice.objects.filter(pk=device.pk).exists()

    def test_members_and_prospect_admins_are_offered_it_not_forced(self, client, member_a, db):
        prospect = make_organisation("initech", kind=Organisation.Kind.PROSPECT)
        prospect_admin = make_user("boss@initech.test")
        add_member(prospect_admin, prospect, Membership.Role.ADMIN)
        for user in (member_a, prospect_admin):
            client.logout()
            assert sign_in(client, user.email)["Location"] == "/after-login/"
            assert client.get("/portal/").status_code == 200

    def test_api_keys_are_not_asked_for_it(self, client, new_admin_a, org_a):
        # The gate looks at signed-in people: a key answers for the organisation, not for the
        # admin who made it, even one who has no second factor yet.
        _key, secret = api_key_create(organisation=org_a, name="CRM sync", created_by=new_admin_a)
        response = client.get("/api/v1/organisation/", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 200 and response.json()["slug"] == org_a.slug

    def test_former_customers_admins_still_need_it(self, client, new_admin_a, org_a):
        org_a.kind = Organisation.Kind.FORMER_CUSTOMER
        org_a.save(update_fields=["kind"])
        sign_in(client, new_admin_a.email)
        assert client.get("/portal/")["Location"].startswith(SETUP)
