"""The rendered public pages, kept for anonymous visitors.

A page is stored per path, language and time zone under the current `PublicContentVersion`:
the services that change public content call `public_content_changed()` inside their
transaction, so the row moves with the change and every process sees the new edition at the
commit. Only a response that is plainly impersonal is stored: no session cookie came in, no
cookie goes out, no CSRF token or CSP nonce was used to render it, no query string (searches
and page numbers are rendered each time)."""

import hashlib
import logging
import secrets
import time
from functools import wraps

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from trustcentre.pages.models import PublicContentVersion

logger = logging.getLogger(__name__)

KEY_PREFIX = "public-page"
# Dates shown on the public pages (an objection window closing, a change taking effect) move
# with the calendar and not only with edits: the day is part of the key, and nothing is kept
# longer than this.
MAX_AGE_SECONDS = 15 * 60


VERSION_KEY = f"{KEY_PREFIX}:version"
# The token is read from its row again at least this often, so that a change whose token could
# not be written to the cache (the cache was unreachable at that commit) shows within a minute.
VERSION_MAX_AGE_SECONDS = 60


def _cache_call(method: str, *args, default=None):
    """A cache operation that never fails the request: with the cache unreachable (Redis down),
    the page is rendered as if nothing were kept."""
    try:
        return getattr(cache, method)(*args)
    except Exception:
        logger.warning("public page cache unavailable (%s)", method, exc_info=True)
        return default


def forget_kept_pages() -> None:
    """Empty what this process keeps beside the cache (for tests, which clear the cache too)."""
    _NEAR.clear()
    _KEPT_PATHS.clear()


def public_content_changed() -> None:
    """Call inside the transaction of a change an anonymous visitor can see. The row moves with
    the change (the row lock makes two publishing transactions take their turn, which is rare
    and short); the shared cache learns the new token once the change is committed, so no page
    rendered from the old data is ever filed under it."""
    token = secrets.token_hex(8)
    updated = PublicContentVersion.objects.filter(pk=1).update(
        token=token, changed_at=timezone.now()
    )
    if not updated:
        PublicContentVersion.objects.update_or_create(
            pk=1, defaults={"token": token, "changed_at": timezone.now()}
        )
    transaction.on_commit(lambda: _cache_call("set", VERSION_KEY, token, VERSION_MAX_AGE_SECONDS))


def _shared_cache() -> bool:
    """A cache of this process alone (the embedded default) would not hear of a change committed
    by another process (a worker making a notice effective): then the row is read each time."""
    return not isinstance(caches["default"], LocMemCache)


def _version_from_row() -> str:
    token = PublicContentVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    # Before the first change there is no row; that edition has a name all the same.
    return token or "first"


# Pages this process fetched from the shared cache, so that a kept page costs one small read
# (the token) rather than the whole page each time. Bounded: the public pages are few.
_NEAR: dict[str, dict] = {}
_NEAR_MAX = 64


def _lookup(key: str) -> tuple[str, dict | None]:
    """The current edition's token and the page kept under `key` (the token is kept beside the
    pages in a shared cache, so no query is needed)."""
    if not _shared_cache():
        return _version_from_row(), _cache_call("get", key)
    token = _cache_call("get", VERSION_KEY)
    if token is None:
        token = _version_from_row()
        # `add`, not `set`: a change committed since the row was read has set its own token.
        _cache_call("add", VERSION_KEY, token, VERSION_MAX_AGE_SECONDS)
    entry = _NEAR.get(key)
    if (
        entry is None
        or entry["version"] != token
        or entry["rendered_at"] + MAX_AGE_SECONDS < time.time()
    ):
        entry = _cache_call("get", key)
        if entry is not None and entry["version"] == token:
            _keep_near(key, entry)
    return token, entry


def _keep_near(key: str, entry: dict) -> None:
    if len(_NEAR) >= _NEAR_MAX:
        _NEAR.clear()
    _NEAR[key] = entry


def _without_personal_cookies(request) -> bool:
    # Neither the session store nor the user table is needed to know a visitor is anonymous
    # when no session (and no flash message) comes with the request.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return not any(name.endswith("messages") for name in request.COOKIES)


def _eligible(request) -> bool:
    return (
        request.method in ("GET", "HEAD") and not request.GET and _without_personal_cookies(request)
    )


def _key(request) -> str:
    return ":".join(
        (
            KEY_PREFIX,
            translation.get_language() or settings.LANGUAGE_CODE,
            timezone.get_current_timezone_name(),
            timezone.localdate().isoformat(),
            hashlib.sha256(request.path.encode()).hexdigest(),
        )
    )


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not isinstance(getattr(request, "_csp_nonce", None), str)
        and not response.has_header("Cache-Control")
    )


def _respond(request, entry: dict) -> HttpResponse:
    conditional = get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["rendered_at"], response=None
    )
    if conditional is not None:
        response = conditional
    else:
        response = HttpResponse(entry["content"], content_type=entry["content_type"])
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["rendered_at"])
    # A shared cache may keep the anonymous page but must ask again each time, and never
    # hand it to someone who sends a cookie.
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


# The paths with a kept page in this process: only those are looked up before the middleware.
_KEPT_PATHS: set[str] = set()


def public_page(view):
    """Serve the view's page to anonymous visitors from the cache, with ETag, Last-Modified and
    304 answers; everyone else gets the view itself, untouched."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _eligible(request) or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        token, entry = _lookup(_key(request))
        # A page rendered before the last change is never served after it.
        if entry is None or entry["version"] != token:
            response = view(request, *args, **kwargs)
            if not _storable(request, response):
                return response
            content = response.content
            entry = {
                "version": token,
                "content": content,
                "content_type": response["Content-Type"],
                "etag": f'"{hashlib.sha256(content).hexdigest()[:32]}"',
                "rendered_at": int(time.time()),
            }
            _cache_call("set", _key(request), entry, MAX_AGE_SECONDS)
            if _shared_cache():
                _keep_near(_key(request), entry)
            _KEPT_PATHS.add(request.path_info)
        return _respond(request, entry)

    return wrapped


class PublicPageCacheMiddleware:
    """Right after WhiteNoise: a kept public page goes to an anonymous visitor without the
    session, CSRF, authentication, second-factor and account middleware, which have nothing to do
    for a GET that brings no session; the headers those further down would add (language,
    X-Frame-Options, the Content-Security-Policy) are added here the same way. A miss, or anyone
    with a session, goes the whole way as before."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.frame_options = XFrameOptionsMiddleware(get_response)
        self.csp = CSPMiddleware(get_response)
        self._policy_headers = None

    def __call__(self, request):
        if request.path_info in _KEPT_PATHS and _eligible(request):
            # ALLOWED_HOSTS holds for a kept page as for any other: an unknown Host is refused
            # here (DisallowedHost, a 400) before anything is served.
            request.get_host()
            # Anonymous pages are kept in the default zone (a signed-in person's zone may still be
            # active in this thread from the previous request).
            timezone.deactivate()
            language = translation.get_language_from_request(request)
            with translation.override(language):
                token, entry = _lookup(_key(request))
            if entry is not None and entry["version"] == token:
                response = _respond(request, entry)
                response.headers.setdefault("Content-Language", language)
                self.frame_options.process_response(request, response)
                return self._with_policy(request, response)
        return self.get_response(request)

    def _with_policy(self, request, response):
        """The CSP middleware's own headers. A kept page uses no nonce, so they are the same for
        every kept page while the policy setting is the same object: built once, then copied."""
        policies = (
            getattr(settings, "CONTENT_SECURITY_POLICY", None),
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None),
        )
        if (
            self._policy_headers is None
            or self._policy_headers[0] is not policies[0]
            or (self._policy_headers[1] is not policies[1])
        ):
            self.csp.process_request(request)
            response = self.csp.process_response(request, response)
            headers = {
                name: response[name]
                for name in ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
                if response.has_header(name)
            }
            self._policy_headers = (*policies, headers)
            return response
        for name, value in self._policy_headers[2].items():
            response[name] = value
        return response
