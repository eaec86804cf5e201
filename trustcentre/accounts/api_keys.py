"""Use cases for an organisation's API keys: create (the plaintext is returned once), revoke,
and authenticate a key presented to the API.

A key reads `tcp_<prefix>_<secret>`. The prefix finds the row and is shown in the portal so
people can tell keys apart; only the SHA-256 of the secret is stored. A plain hash (no salt,
no stretching) is enough because the secret carries 256 random bits: nothing to guess, and
checking a key stays cheap at 500 requests a minute."""

import hashlib
import hmac
import re
import secrets
import string
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trustcentre.accounts.models import ApiKey, Organisation
from trustcentre.accounts.permissions import is_organisation_admin, is_organisation_staff
from trustcentre.audit.services import audit_record

KEY_PREFIX = "tcp"
PREFIX_LENGTH = 8
# Letters and digits only (a subset of the URL-safe alphabet), so the "_" after the prefix is
# unambiguous even though the secret itself may contain "_" and "-".
PREFIX_ALPHABET = string.ascii_letters + string.digits
SECRET_BYTES = 32
# token_urlsafe(32) gives 43 characters; anything else was not made here.
KEY_PATTERN = re.compile(
    rf"^{KEY_PREFIX}_(?P<prefix>[A-Za-z0-9]{{{PREFIX_LENGTH}}})_(?P<secret>[A-Za-z0-9_-]{{43}})$"
)
# Writing last_used_at on every request would turn each read into a write; a minute is
# precise enough to tell whether a key is still in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)

# Compared against when no key has the prefix, so an unknown prefix costs the same work.
_UNKNOWN_KEY_HASH = hashlib.sha256(b"no such key").hexdigest()


class ApiKeyError(Exception):
    """A presented key was refused; the message is safe to show to the caller."""


class ApiKeyMalformed(ApiKeyError):
    pass


class ApiKeyInvalid(ApiKeyError):
    pass


class ApiKeyRevoked(ApiKeyError):
    pass


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def can_manage_api_keys(user, organisation: Organisation) -> bool:
    """The organisation's admins (portal); legal and trust admins (e.g. in the Django admin)."""
    return is_organisation_admin(user, organisation) or is_organisation_staff(user)


def _new_prefix() -> str:
    for _attempt in range(10):
        prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
        if not ApiKey.objects.filter(prefix=prefix).exists():
            return prefix
    # 62**8 prefixes: ten collisions in a row mean something is badly wrong with the RNG.
    raise RuntimeError("Could not find an unused API key prefix.")


def api_key_create(
    *, organisation: Organisation, name: str, created_by=None, request=None
) -> tuple[ApiKey, str]:
    """Create a key and return it with its plaintext, which exists nowhere else afterwards.
    `created_by` is None when the key is made on the command line."""
    if created_by is not None and not can_manage_api_keys(created_by, organisation):
        raise PermissionDenied
    name = (name or "").strip()
    secret = secrets.token_urlsafe(SECRET_BYTES)
    with transaction.atomic():
        api_key = ApiKey(
            organisation=organisation,
            name=name,
            prefix=_new_prefix(),
            secret_hash=secret_hash(secret),
            created_by=created_by,
        )
        api_key.full_clean()
        api_key.save(force_insert=True)
        audit_record(
            action="api_key.created",
            actor=created_by,
            actor_label="" if created_by else "manage.py create_api_key",
            obj=api_key,
            organisation=organisation,
            request=request,
            details={"prefix": api_key.prefix},
        )
    return api_key, f"{KEY_PREFIX}_{api_key.prefix}_{secret}"


def api_key_revoke(*, api_key: ApiKey, revoked_by, request=None) -> ApiKey:
    if not can_manage_api_keys(revoked_by, api_key.organisation):
        raise PermissionDenied
    with transaction.atomic():
        # Conditional, so two clicks (or two admins) revoke once and audit once.
        revoked = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked != 1:
            raise ValidationError(_("This API key was already revoked."), code="already_revoked")
        api_key.refresh_from_db(fields=["revoked_at"])
        audit_record(
            action="api_key.revoked",
            actor=revoked_by,
            obj=api_key,
            organisation=api_key.organisation,
            request=request,
            details={"prefix": api_key.prefix},
        )
    return api_key


def api_key_authenticate(*, plaintext: str) -> ApiKey:
    """The active key matching `plaintext`, with its organisation loaded; raises an ApiKeyError
    subclass otherwise. Records the use (at most once a minute)."""
    match = KEY_PATTERN.match(plaintext)
    if match is None:
        raise ApiKeyMalformed(
            _("Malformed API key: keys look like tcp_XXXXXXXX_ followed by 43 characters.")
        )
    api_key = ApiKey.objects.select_related("organisation").filter(prefix=match["prefix"]).first()
    presented = secret_hash(match["secret"])
    stored = api_key.secret_hash if api_key is not None else _UNKNOWN_KEY_HASH
    if not hmac.compare_digest(presented, stored) or api_key is None:
        raise ApiKeyInvalid(_("Invalid API key."))
    # Only after the secret matched: without it, nobody learns anything about a prefix.
    if api_key.revoked_at is not None:
        raise ApiKeyRevoked(
            _("This API key was revoked. Ask an admin of your organisation for a new one.")
        )
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        api_key.last_used_at = now
        # update_fields: a revocation saved meanwhile by another request is not overwritten.
        api_key.save(update_fields=["last_used_at"])
    return api_key
