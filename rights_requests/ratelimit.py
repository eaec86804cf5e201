"""Limits on the public intake form: per client address and per email, in one-hour windows
(counted by trustcentre.accounts.throttling, like the portal's other fixed-window limits)."""

from django.conf import settings

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


def code_check_allowed(*, reference: str, address: str) -> bool:
    """Whether one more status code may be tried: limited per reference (however many
    addresses guess) and per client address (however many references it tries). Both
    counters count every try, so neither can be used up first to skip the other."""
    per_reference = allow(
        "code-check-reference",
        reference,
        settings.RIGHTS_REQUEST_CODE_CHECKS_PER_REFERENCE_PER_HOUR,
    )
    per_address = allow(
        "code-check-address", address, settings.RIGHTS_REQUEST_CODE_CHECKS_PER_IP_PER_HOUR
    )
    return per_reference and per_address
