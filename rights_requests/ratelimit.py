"""Limits on the public intake form: per client address and per email, in one-hour windows
(counted by trustcentre.accounts.throttling, as every rate limit of the portal is)."""

import hashlib

from trustcentre.accounts.throttling import count_in_window

WINDOW_SECONDS = 3600


def allow(bucket: str, value: str, limit: int) -> bool:
    """Count one attempt; False once `limit` attempts were made in this window. The value (an
    address, an email) is hashed: the cache never holds it."""
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    allowed, _seconds_left = count_in_window(
        f"rights-intake:{bucket}:{digest}", limit, window_seconds=WINDOW_SECONDS
    )
    return allowed
