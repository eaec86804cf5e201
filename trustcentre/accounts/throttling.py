"""Rate limits for the REST API: 500 requests a minute per API key, and a limit per client IP
on anonymous writes.

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

WINDOW_SECONDS = 60


def _now() -> float:
    # One place to read the clock, so tests can freeze and advance it.
    return time.time()


def client_address(request) -> str:
    """The client's IP address for per-address rate limits: REMOTE_ADDR, or, behind
    settings NUM_PROXIES proxies that each append to X-Forwarded-For, the address the
    outermost trusted proxy saw. Entries a client writes into the header itself sit further
    left and are never read, so a forged header cannot move a client to another bucket
    (SECURITY-TESTS row 27)."""
    remote_addr = request.META.get("REMOTE_ADDR") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    num_proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    if num_proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [part.strip() for part in forwarded.split(",")]
    return addresses[-min(num_proxies, len(addresses))] or remote_addr


def count_in_window(
    bucket: str, limit: int, *, window_seconds: int = WINDOW_SECONDS
) -> tuple[bool, int]:
    """Count one request in `bucket`'s current window; (allowed, seconds until the window ends).
    Every rate limit of the portal counts here: the API's, and the public forms' (per address,
    per email) with their own bucket names and windows."""
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
    """settings.API_RATE_LIMIT_PER_MINUTE requests per key. Keyed by the key's id, so neither
    the caller's address nor any header it sends changes the bucket; other keys have their own."""

    def allow_request(self, request, view):
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return True
        allowed, self._wait = count_in_window(
            f"api-key:{api_key.pk}", settings.API_RATE_LIMIT_PER_MINUTE
        )
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
        # Hashed: behind proxies the address comes from a header, and cache keys must stay short.
        ident = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
        allowed, self._wait = count_in_window(
            f"anonymous-write:{ident}", settings.ANONYMOUS_WRITE_LIMIT_PER_MINUTE
        )
        return allowed

    def wait(self):
        return self._wait
