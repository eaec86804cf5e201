"""Per-user time zone, and the second-factor gate in front of the back office."""

import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from trustcentre.accounts.mfa import (
    customer_admin_second_factor_required,
    has_confirmed_device,
    url_with_next,
)
from trustcentre.lib.api import problem_response


class UserTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except zoneinfo.ZoneInfoNotFoundError:
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


# The back office: staff without a verified second factor go no further than these.
STAFF_PATH_PREFIXES = ("/staff/", "/admin/", "/api/v1/")
# Customer admins without a second factor are sent to set one up before these.
CUSTOMER_ADMIN_PATH_PREFIXES = ("/portal/", "/after-login/", "/api/v1/")


def _always_open_paths() -> tuple[str, ...]:
    """Pages a half-signed-in person may still reach: the code form, sign-out, assets."""
    return (
        reverse("mfa:verify"),
        reverse("account_logout"),
        reverse("healthz"),
        "/" + settings.STATIC_URL.lstrip("/"),
        "/i18n/",
    )


class StaffSecondFactorMiddleware:
    """Nobody reaches the back office on a password alone (ASVS V6.3.3), and once a person has
    a second factor it is asked for before anything else, whatever the `next` of the login.

    Runs after OTPMiddleware, which sets `request.user.is_verified()`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._gate(request) or self.get_response(request)

    def _gate(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        path = request.path_info
        if path.startswith(_always_open_paths()):
            return None
        if path.startswith("/admin/"):
            # The admin's own sign-in form would skip allauth's rate limits and the second
            # factor; the admin is only for staff, so others get a plain 403.
            if not user.is_staff or (request.method == "POST" and path == reverse("admin:login")):
                raise PermissionDenied
        if user.is_verified():
            return None
        if has_confirmed_device(user):
            target = "mfa:verify"
        elif user.needs_second_factor and path.startswith(STAFF_PATH_PREFIXES):
            target = "mfa:setup"
        elif path.startswith(CUSTOMER_ADMIN_PATH_PREFIXES) and (
            customer_admin_second_factor_required(user)
        ):
            # A customer admin's password alone opens neither the portal nor the API
            # (SECURITY-TESTS row 4); public pages stay open.
            target = "mfa:setup"
        else:
            return None
        if path.startswith("/api/"):
            return problem_response(
                403,
                gettext("Sign in with your second factor in the browser first."),
                title=gettext("Second factor required"),
            )
        next_url = request.get_full_path() if request.method == "GET" else None
        return redirect(url_with_next(target, next_url))


SESSION_STARTED_KEY = "session_started_at"
SESSION_LAST_SEEN_KEY = "session_last_seen_at"


class StaffSessionLifetimeMiddleware:
    """Staff sessions end after a spell of inactivity and after an absolute lifetime
    (ASVS V7.3.1, V7.3.2), whatever the cookie's own age. Customers keep the cookie's age.

    Runs after the message middleware, so the sign-in page can say why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.needs_second_factor:
            ended = self._ended(request)
            if ended:
                return ended
        return self.get_response(request)

    def _ended(self, request):
        now = timezone.now().timestamp()
        session = request.session
        started = session.setdefault(SESSION_STARTED_KEY, now)
        last_seen = session.get(SESSION_LAST_SEEN_KEY, now)
        if now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS:
            reason = gettext("You were signed out after %(minutes)d minutes without activity.") % {
                "minutes": settings.STAFF_SESSION_IDLE_SECONDS // 60
            }
        elif now - started > settings.STAFF_SESSION_MAX_SECONDS:
            reason = gettext(
                "You were signed out because staff sessions last at most %(hours)d hours."
            ) % {"hours": settings.STAFF_SESSION_MAX_SECONDS // 3600}
        else:
            session[SESSION_LAST_SEEN_KEY] = now
            return None
        logout(request)
        messages.info(request, reason + " " + gettext("Please sign in again."))
        login_url = reverse("account_login")
        if request.method == "GET":
            return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        return redirect(login_url)
