"""Rate limits for the REST API: 500 requests a minute per API key (or OAuth 2.0 API client),
and a limit per client IP on anonymous writes.

Both count in fixed one-minute windows with one atomic cache counter per window (`add`, then
`incr`: INCR on Redis). DRF's own throttles keep a list of timestamps that concurrent requests
read and write back, so under load they let more through than the limit (ARCHITECTURE.md)."""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import BaseThrottle

from trustcentre.accounts.models import ApiKey
from trustcentre.lib.client import client_address  # also read from here by older callers

WINDOW_SECONDS = 60


def _now() -> float:
    # One place to read the clock, so tests can freeze and advance it.
    return time.time()


def cache_key_digest(value: str) -> str:
    """A short stand-in for a client's address (or an email) in a cache key: keys stay short
    however long the value, and the cache never holds the value itself."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def count_in_window(
    bucket: str, limit: int, *, window_seconds: int = WINDOW_SECONDS
) -> tuple[bool, int]:
    """Count one request in `bucket`'s current window; (allowed, seconds until the window ends).
    The fixed-window limits count here: the API's, and the public forms' (per address, per
    email) with their own bucket names and windows. The second factor's wrong-code counter in
    trustcentre.accounts.mfa does not: its window starts at the first wrong code, and it must
    look at the count before checking a code without adding to it."""
    now = _now()
    window = int(now // window_seconds)
    key = f"throttle:{bucket}:{window_seconds}:{window}"
    # The counter outlives its window by one more, so a slow request near the end still finds it.
    timeout = 2 * window_seconds
    if cache.add(key, 1, timeout=timeout):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            # Evicted between add and incr: start again (a lost count errs towards allowing).
            cache.add(key, 1, timeout=timeout)
            count = 1
    seconds_left = max(1, math.ceil((window + 1) * window_seconds - now))
    return count <= limit, seconds_left


class ApiKeyRateThrottle(BaseThrottle):
    """settings.API_RATE_LIMIT_PER_MINUTE requests per key, and as many per OAuth 2.0 API
    client. Keyed by the key's (or the client's) id, so neither the caller's address nor any
    header it sends changes the bucket, and a client cannot get more by asking for more access
    tokens; other keys and clients have their own."""

    def allow_request(self, request, view):
        api_key = request.auth
        if isinstance(api_key, ApiKey):
            bucket = f"api-key:{api_key.pk}"
        elif api_key is not None and getattr(request.user, "oauth_client", None) is not None:
            bucket = f"api-client:{request.user.oauth_client.pk}"
        else:
            return True
        allowed, self._wait = count_in_window(bucket, settings.API_RATE_LIMIT_PER_MINUTE)
        return allowed

    def wait(self):
        return self._wait


class AnonymousWriteThrottle(BaseThrottle):
    """settings.ANONYMOUS_WRITE_LIMIT_PER_MINUTE unauthenticated POST/PUT/PATCH/DELETE requests
    per client IP, read by client_address like every other per-address limit (SECURITY-TESTS
    row 27)."""

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        if request.user is not None and request.user.is_authenticated:
            return True
        ident = cache_key_digest(client_address(request))
        allowed, self._wait = count_in_window(
            f"anonymous-write:{ident}", settings.ANONYMOUS_WRITE_LIMIT_PER_MINUTE
        )
        return allowed

    def wait(self):
        return self._wait
