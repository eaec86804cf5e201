"""Short-lived, single-purpose signed tokens for links to private files and one-off actions.

A token is `value:timestamp:signature` from Django's TimestampSigner, salted by purpose, so
a token made for one purpose never opens another. It is a bearer secret: a view that reads
one must still check the signed-in user's right to what it names.
"""

from datetime import timedelta

from django.core import signing

# Re-exported so callers can catch them without importing django.core.signing themselves.
BadSignature = signing.BadSignature
SignatureExpired = signing.SignatureExpired

_SALT_PREFIX = "trustcentre.signed-link."


def _signer(purpose: str) -> signing.TimestampSigner:
    if not purpose or not isinstance(purpose, str):
        raise ValueError("A signed link needs a purpose.")
    return signing.TimestampSigner(salt=_SALT_PREFIX + purpose)


def make_signed_token(purpose: str, value: str) -> str:
    """Sign `value` (a public id, say) for `purpose`; the token is URL-safe."""
    return _signer(purpose).sign(str(value))


def read_signed_token(purpose: str, token: str, max_age: int | float | timedelta) -> str:
    """Return the value signed for `purpose`. Raises SignatureExpired when older than
    `max_age` (seconds or a timedelta), BadSignature when tampered with or made for
    another purpose (SignatureExpired is a BadSignature too)."""
    if max_age is None:
        # A link without an expiry is a different thing; refuse rather than accept forever.
        raise ValueError("max_age is required.")
    return _signer(purpose).unsign(token, max_age=max_age)
