"""Limits on the public intake form: per client address and per email, in one-hour windows
(counted by trustcentre.accounts.throttling, like the portal's other fixed-window limits)."""

from trustcentre.accounts.throttling import cache_key_digest, count_in_window

WINDOW_SECONDS = 3600


def allow(bucket: str, value: str, limit: int) -> bool:
    """Count one attempt; False once `limit` attempts were made in this window. The value (an
    address, an email) is hashed: the cache never holds it."""
    digest = cache_key_digest(value.strip().lower())
    allowed, _seconds_left = count_in_window(
        f"rights-intake:{bucket}:{digest}", limit, window_seconds=WINDOW_SECONDS
    )
    return allowed
