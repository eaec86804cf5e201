"""Who is asking: the client's address as this deployment's proxies report it. No model imports,
so the rate limits, the audit log and allauth's adapter can all use it without an import cycle."""

from django.conf import settings


def client_address(request) -> str:
    """The client's IP address, for audit events and per-address rate limits: REMOTE_ADDR, or,
    behind settings NUM_PROXIES proxies that each append to X-Forwarded-For, the address the
    outermost trusted proxy saw. Entries a client writes into the header itself sit further
    left and are never read, so a forged header cannot move a client to another bucket
    (SECURITY-TESTS row 27).

    Not DRF's `BaseThrottle.get_ident`: that is a throttle's method, while most callers here
    hold allauth's or a plain Django view's request, not a DRF one; and where NUM_PROXIES is
    unset it takes the whole X-Forwarded-For header as the client sends it. Here unset means
    0, REMOTE_ADDR alone."""
    remote_addr = request.META.get("REMOTE_ADDR") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    num_proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    if num_proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [part.strip() for part in forwarded.split(",")]
    return addresses[-min(num_proxies, len(addresses))] or remote_addr
