"""Second factors: TOTP authenticators and hashed backup codes.

One function per use case; each runs in a transaction and writes its audit event. The
session is part of the use case here: a verified second factor rotates the session key
(ASVS V7.2.4), so the services take the request.
"""

import base64
import io
import math
import time
from base64 import b32encode
from functools import wraps
from urllib.parse import urlencode

import segno
from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.internal.flows.reauthentication import get_reauthentication_flows
from allauth.core.exceptions import ReauthenticationRequired
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from trustcentre.accounts.models import BackupCodeDevice
from trustcentre.accounts.permissions import is_customer_admin
from trustcentre.accounts.throttling import cache_key_digest
from trustcentre.audit.services import audit_record
from trustcentre.lib.client import client_address

# Wrong codes (TOTP or backup) allowed before the form refuses to check any more: per person
# and address, per account from any address, per address across accounts (_attempt_buckets).
ATTEMPT_LIMIT = 5
ATTEMPT_WINDOW_SECONDS = 5 * 60
ACCOUNT_ATTEMPT_LIMIT = 10
ACCOUNT_ATTEMPT_WINDOW_SECONDS = 15 * 60
ADDRESS_ATTEMPT_LIMIT = 20
ADDRESS_ATTEMPT_WINDOW_SECONDS = 15 * 60
# Removing an authenticator or replacing backup codes needs a code entered this recently.
STEP_UP_MAX_AGE_SECONDS = 15 * 60

VERIFIED_AT_SESSION_KEY = "mfa_verified_at"
ENROLMENT_SESSION_KEY = "mfa_enrolment_device_id"
DEFAULT_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


class SecondFactorRefused(Exception):
    """A code was not accepted, or the operation is not allowed; `message` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- reading state -------------------------------------------------------------------


def confirmed_totp_devices(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id")


def backup_device_for(user) -> BackupCodeDevice | None:
    return BackupCodeDevice.objects.filter(user=user).order_by("id").first()


def has_confirmed_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def session_is_verified(request) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    if is_verified is not None:
        return is_verified()
    # Straight after login() request.user is the plain user, not OTPMiddleware's wrapper.
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return device is not None and device.user_id == request.user.pk


def recently_verified(request, max_age: int = STEP_UP_MAX_AGE_SECONDS) -> bool:
    verified_at = request.session.get(VERIFIED_AT_SESSION_KEY)
    return (
        session_is_verified(request)
        and verified_at is not None
        and time.time() - verified_at <= max_age
    )


def url_with_next(url_name: str, next_url: str | None) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def safe_next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def customer_admin_second_factor_required(user) -> bool:
    """Whether a customer admin may not go on without a second factor: while
    settings.MFA_REQUIRED_FOR_CUSTOMER_ADMINS is on (SECURITY-TESTS row 4)."""
    return settings.MFA_REQUIRED_FOR_CUSTOMER_ADMINS and is_customer_admin(user)


def second_factor_required(user) -> bool:
    """Whether the person may not go on without a second factor (ASVS V6.3.3): staff of every
    kind, and customer admins while settings.MFA_REQUIRED_FOR_CUSTOMER_ADMINS is on. Everyone
    else is offered one."""
    if not user.is_authenticated:
        return False
    if user.needs_second_factor:
        return True
    return customer_admin_second_factor_required(user)


def second_factor_redirect(request, next_url: str | None) -> str | None:
    """Where a signed-in user must go before anything else, or None: the verify page when
    they have a second factor, the enrolment page when they must have one and have none."""
    user = request.user
    if not user.is_authenticated or session_is_verified(request):
        return None
    if has_confirmed_device(user):
        return url_with_next("mfa:verify", next_url)
    if second_factor_required(user):
        return url_with_next("mfa:setup", next_url)
    return None


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The provisioning URI as an SVG QR code, drawn here so the secret never leaves the server."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer,
        kind="svg",
        scale=5,
        border=4,  # the quiet zone scanners need
        dark="#000",
        light="#fff",  # an opaque background, whatever the page's colours
        xmldecl=False,
        title=_("QR code for your authenticator app"),
    )
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def secret_for_manual_entry(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# --- attempt counter ------------------------------------------------------------------


def _attempt_buckets(request, user) -> list[tuple[str, int, int]]:
    """(cache key, wrong codes allowed, window in seconds) for each count a wrong code adds
    to: the person at this address (quick feedback for a fumbling user), the account from
    any address (guessing spread over many addresses), and the address across accounts (one
    address trying the many accounts whose passwords it holds). Once any is full, no code
    is checked until its window ends; django-otp's growing delay per device comes on top."""
    address_hash = cache_key_digest(client_address(request) or "-")
    return [
        (f"mfa-attempts:{user.pk}:{address_hash}", ATTEMPT_LIMIT, ATTEMPT_WINDOW_SECONDS),
        (f"mfa-attempts:account:{user.pk}", ACCOUNT_ATTEMPT_LIMIT, ACCOUNT_ATTEMPT_WINDOW_SECONDS),
        (
            f"mfa-attempts:address:{address_hash}",
            ADDRESS_ATTEMPT_LIMIT,
            ADDRESS_ATTEMPT_WINDOW_SECONDS,
        ),
    ]


def _seconds_until_allowed(request, user) -> int:
    wait = 0
    now = time.time()
    for key, limit, window in _attempt_buckets(request, user):
        if (cache.get(f"{key}:count") or 0) < limit:
            continue
        since = cache.get(f"{key}:since") or now
        wait = max(wait, math.ceil(since + window - now), 1)
    return wait


def _count_failure(request, user) -> None:
    for key, _limit, window in _attempt_buckets(request, user):
        count_key, since_key = f"{key}:count", f"{key}:since"
        # add() only writes when the key is absent, so the window starts at the first failure.
        cache.add(since_key, time.time(), window)
        cache.add(count_key, 0, window)
        try:
            cache.incr(count_key)  # atomic (INCR) on Redis
        except ValueError:  # expired between add() and incr()
            cache.set(count_key, 1, window)


def _clear_failures(request, user) -> None:
    """A right code clears the count of the person at this address only: the account's and the
    address's counts run out by themselves, so a right code now and then (say an attacker's
    own account) does not buy another round of guesses."""
    key = _attempt_buckets(request, user)[0][0]
    cache.delete_many([f"{key}:count", f"{key}:since"])


def _too_many_attempts_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many attempts. Try again in %(minutes)d minute.",
        "Too many attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _throttled_message(locked_until) -> str:
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second before trying again.",
        "Too many wrong codes. Wait %(seconds)d seconds before trying again.",
        seconds,
    ) % {"seconds": seconds}


# --- use cases -------------------------------------------------------------------------


def _mark_session_verified(request, device) -> None:
    otp_login(request, device)
    # A new session key once the second factor is in (ASVS V7.2.4): a key seen before
    # this point, e.g. planted by an attacker, does not become a verified session.
    request.session.cycle_key()
    request.session[VERIFIED_AT_SESSION_KEY] = time.time()


def _is_replayed_totp(device: TOTPDevice, code: str) -> bool:
    if device.last_t < 0 or not code.isdigit():
        return False
    return hotp(device.bin_key, device.last_t, digits=device.digits) == int(code)


def verify_second_factor(*, request, user, code: str) -> Device:
    """Check a TOTP code or a backup code. On success the session is verified and gets a new
    key; on failure nothing changes but the throttles, and SecondFactorRefused says why."""
    wait = _seconds_until_allowed(request, user)
    if wait:
        raise SecondFactorRefused(_too_many_attempts_message(wait))

    code = "".join(code.split())
    looks_like_totp = code.isdigit() and len(code) in (6, 8)
    verified = None
    locked_until = None
    replayed = False
    with transaction.atomic():
        if looks_like_totp:
            candidates = list(confirmed_totp_devices(user).select_for_update())
        else:
            candidates = list(
                BackupCodeDevice.objects.filter(user=user, confirmed=True).select_for_update()
            )
        for device in candidates:
            allowed, details = device.verify_is_allowed()
            if not allowed:
                until = (details or {}).get("locked_until")
                if until is not None and (locked_until is None or until > locked_until):
                    locked_until = until
                continue
            if device.verify_token(code):
                verified = device
                break
            if looks_like_totp and _is_replayed_totp(device, code):
                replayed = True

        if verified is None:
            reason = "throttled" if locked_until else ("replayed" if replayed else "wrong_code")
            audit_record(
                action="mfa.verify_failed",
                actor=user,
                request=request,
                details={"method": "totp" if looks_like_totp else "backup_code", "reason": reason},
            )
        else:
            details = {"method": "totp" if looks_like_totp else "backup_code"}
            if isinstance(verified, BackupCodeDevice):
                details["backup_codes_left"] = verified.remaining_codes()
            audit_record(
                action="mfa.verified", actor=user, obj=verified, request=request, details=details
            )

    if verified is None:
        _count_failure(request, user)
        if locked_until is not None and not replayed:
            raise SecondFactorRefused(_throttled_message(locked_until))
        if replayed:
            raise SecondFactorRefused(
                _("This code has already been used. Wait for the next code from your app.")
            )
        raise SecondFactorRefused(
            _(
                "That code is not valid. Check the code in your authenticator app, "
                "or use a backup code."
            )
        )
    _clear_failures(request, user)
    _mark_session_verified(request, verified)
    return verified


def start_totp_enrolment(*, request, user) -> TOTPDevice:
    """The unconfirmed authenticator this session is setting up: the same one on every reload,
    so an app that already scanned the QR code keeps working."""
    device_id = request.session.get(ENROLMENT_SESSION_KEY)
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first()
        if device_id
        else None
    )
    if device is None:
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()  # abandoned attempts
            device = TOTPDevice.objects.create(
                user=user, name=DEFAULT_DEVICE_NAME, confirmed=False, step=30, tolerance=1
            )
        request.session[ENROLMENT_SESSION_KEY] = device.pk
    return device


def confirm_totp_device(*, request, user, device: TOTPDevice, code: str, name: str) -> list[str]:
    """Confirm the authenticator with its first code. Returns new backup codes when the person
    had none left (shown once, never stored in plain text), else an empty list."""
    wait = _seconds_until_allowed(request, user)
    if wait:
        raise SecondFactorRefused(_too_many_attempts_message(wait))
    new_codes: list[str] = []
    locked_until = None
    confirmed = False
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(
            pk=device.pk, user=user, confirmed=False
        )
        allowed, details = device.verify_is_allowed()
        if not allowed:
            locked_until = (details or {}).get("locked_until")
        elif device.verify_token(code):
            device.confirmed = True
            device.name = name or DEFAULT_DEVICE_NAME
            device.save(update_fields=["confirmed", "name"])
            backup = backup_device_for(user)
            if backup is None:
                backup = BackupCodeDevice.objects.create(
                    user=user, name=BACKUP_DEVICE_NAME, confirmed=True
                )
            if backup.remaining_codes() == 0:
                new_codes = backup.replace_codes()
                audit_record(
                    action="mfa.backup_codes_generated", actor=user, obj=backup, request=request
                )
            audit_record(
                action="mfa.enrolled",
                actor=user,
                obj=device,
                request=request,
                details={"method": "totp"},
            )
            confirmed = True
    if not confirmed:
        if locked_until is not None:
            raise SecondFactorRefused(_throttled_message(locked_until))
        _count_failure(request, user)
        raise SecondFactorRefused(
            _(
                "That code is not valid. Check that your app shows this account "
                "and enter its current code."
            )
        )
    _clear_failures(request, user)
    request.session.pop(ENROLMENT_SESSION_KEY, None)
    _mark_session_verified(request, device)
    return [BackupCodeDevice.format_code(code) for code in new_codes]


def regenerate_backup_codes(*, request, user) -> list[str]:
    """Replace the person's backup codes; the old ones stop working at once."""
    if not recently_verified(request):
        raise SecondFactorRefused(_("Enter a code from your authenticator first."))
    with transaction.atomic():
        backup = backup_device_for(user)
        if backup is None:
            backup = BackupCodeDevice.objects.create(
                user=user, name=BACKUP_DEVICE_NAME, confirmed=True
            )
        codes = backup.replace_codes()
        audit_record(action="mfa.backup_codes_generated", actor=user, obj=backup, request=request)
    return [BackupCodeDevice.format_code(code) for code in codes]


def remove_totp_device(*, request, user, device_id: int) -> None:
    """Remove one of the person's authenticators. Staff keep at least one; a person who
    removes their last one loses their backup codes too, as those only back up an app."""
    if not recently_verified(request):
        raise SecondFactorRefused(_("Enter a code from your authenticator first."))
    with transaction.atomic():
        devices = list(confirmed_totp_devices(user).select_for_update())
        device = next((d for d in devices if d.pk == device_id), None)
        if device is None:
            raise SecondFactorRefused(_("That authenticator does not exist any more."))
        if len(devices) == 1 and second_factor_required(user):
            if user.needs_second_factor:
                message = _(
                    "Staff accounts must keep at least one authenticator. "
                    "Add another before removing this one."
                )
            else:
                message = _(
                    "Organisation admins must keep at least one authenticator. "
                    "Add another before removing this one."
                )
            raise SecondFactorRefused(message)
        audit_record(action="mfa.device_removed", actor=user, obj=device, request=request)
        device.delete()
        if len(devices) == 1:
            BackupCodeDevice.objects.filter(user=user).delete()


# --- step-up before sensitive operations ----------------------------------------------


def is_freshly_authenticated(request) -> bool:
    """Whether the person proved who they are moments ago: with their second factor in the last
    15 minutes when they have one, else with their password within allauth's reauthentication
    timeout (signing in counts)."""
    if has_confirmed_device(request.user):
        return recently_verified(request)
    return signed_in_recently(request)


def signed_in_recently(request) -> bool:
    """Whether this session's latest sign-in or password confirmation lies within allauth's
    reauthentication timeout. allauth now counts only confirmations, so the rule is kept here:
    signing in counts too, and someone who has no way to confirm here (single sign-on only)
    proved who they are to their own provider."""
    user = request.user
    if user.is_anonymous:
        return False
    if not get_reauthentication_flows(user):
        return True
    records = get_authentication_records(request, user)
    if not records:
        return False
    return time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT


def fresh_authentication_required(view):
    """For exporting or deleting data and signing agreements (SECURITY-TESTS row 12): a POST
    from someone not freshly authenticated is sent to prove it first. With a second factor,
    to enter a code and come back to the page; without one, to allauth's password
    confirmation, which then replays the POST. GET passes, so the page itself can be seen."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not is_freshly_authenticated(request):
            if has_confirmed_device(request.user):
                messages.info(
                    request, _("Enter a code from your authenticator to confirm it is you.")
                )
                return redirect(url_with_next("mfa:verify", request.get_full_path()))
            raise ReauthenticationRequired()
        return view(request, *args, **kwargs)

    return wrapper
