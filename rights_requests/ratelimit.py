"""Limits on the public intake form: per client address and per email, in one-hour windows,
with one atomic cache counter per window (as trustcentre.accounts.throttling does per minute
for the API)."""

import hashlib
import time

from django.core.cache import cache

WINDOW_SECONDS = 3600


def allow(bucket: str, value: str, limit: int) -> bool:
    """Count one attempt; False once `limit` attempts were made in this window."""
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    key = f"rights-intake:{bucket}:{digest}:{int(time.time() // WINDOW_SECONDS)}"
    if cache.add(key, 1, timeout=2 * WINDOW_SECONDS):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:
        cache.add(key, 1, timeout=2 * WINDOW_SECONDS)
        return True
