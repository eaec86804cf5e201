"""Use cases for an organisation's OAuth 2.0 API clients: register (the secret is returned
once), revoke a client, revoke its access tokens, and authenticate an access token presented to
the API; and which scope each API operation needs.

The protocol is django-oauth-toolkit's (trustcentre/accounts/oauth.py): its Application holds
the client id and the client secret, hashed like a password; its AccessToken rows keep only a
SHA-256 checksum of each token (COMPLIANT_BCP_RFC9700_TOKEN_STORAGE)."""

import hashlib
import math
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application

from trustcentre.accounts.api_keys import can_manage_api_keys
from trustcentre.accounts.models import OAuthClient, Organisation
from trustcentre.accounts.oauth import ACCESS_TOKEN_BYTES, ACCESS_TOKEN_PREFIX
from trustcentre.audit.services import audit_record

# token_urlsafe(n) gives ceil(4n/3) characters: 43 for 32 bytes.
ACCESS_TOKEN_LENGTH = math.ceil(ACCESS_TOKEN_BYTES * 4 / 3)
ACCESS_TOKEN_PATTERN = re.compile(rf"^{ACCESS_TOKEN_PREFIX}[A-Za-z0-9_-]{{{ACCESS_TOKEN_LENGTH}}}$")

# The scope each operation of /api/v1/ needs from an access token, by route name and method.
# An operation missing here is refused to every token (fail closed); API keys are not scoped.
# tests/api/test_oauth_scopes.py holds every keyed route against this table.
ROUTE_SCOPES: dict[tuple[str, str], str] = {
    ("organisation", "GET"): OAuthClient.Scope.READ,
    ("organisation_members", "GET"): OAuthClient.Scope.READ,
    ("security_notices", "GET"): OAuthClient.Scope.READ,
    ("security_notice", "GET"): OAuthClient.Scope.READ,
    ("exports", "POST"): OAuthClient.Scope.EXPORT,
    ("export_detail", "GET"): OAuthClient.Scope.EXPORT,
    ("export_download", "GET"): OAuthClient.Scope.EXPORT,
    ("subprocessor_objections", "POST"): OAuthClient.Scope.OBJECTIONS,
}


class AccessTokenError(Exception):
    """A presented access token was refused; the message is safe to show to the caller."""


class AccessTokenMalformed(AccessTokenError):
    pass


class AccessTokenInvalid(AccessTokenError):
    pass


class AccessTokenExpired(AccessTokenError):
    pass


class ApiClientRevoked(AccessTokenError):
    pass


def required_scope(*, route_name: str, method: str) -> str | None:
    """The scope a token needs for this operation, or None when no token may call it."""
    if method == "HEAD":
        method = "GET"
    return ROUTE_SCOPES.get((route_name, method))


def api_client_register(
    *, organisation: Organisation, name: str, scopes: list[str], created_by, request=None
) -> tuple[OAuthClient, str]:
    """Register a client and return it with its secret, which exists nowhere else afterwards
    (the toolkit stores only a PBKDF2 hash of it)."""
    if not can_manage_api_keys(created_by, organisation):
        raise PermissionDenied
    name = (name or "").strip()
    chosen = set(scopes or ())
    if chosen - set(OAuthClient.Scope.values):
        raise ValidationError(_("Unknown scope."), code="unknown_scope")
    if not chosen:
        raise ValidationError(_("Choose at least one scope."), code="no_scope")
    # In the order of the list, whatever order they were ticked in.
    scopes = [scope for scope in OAuthClient.Scope.values if scope in chosen]
    secret = generate_client_secret()
    with transaction.atomic():
        application = Application(
            name=name,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
            hash_client_secret=True,
        )
        application.full_clean(exclude=["user"])
        application.save()
        api_client = OAuthClient(
            organisation=organisation,
            application=application,
            name=name,
            scopes=scopes,
            created_by=created_by,
        )
        api_client.full_clean()
        api_client.save(force_insert=True)
        audit_record(
            action="api_client.registered",
            actor=created_by,
            obj=api_client,
            organisation=organisation,
            request=request,
            details={"client_id": application.client_id, "scopes": scopes},
        )
    return api_client, secret


def _delete_tokens(api_client: OAuthClient) -> int:
    deleted, _by_model = AccessToken.objects.filter(
        application_id=api_client.application_id
    ).delete()
    return deleted


def api_client_revoke(*, api_client: OAuthClient, revoked_by, request=None) -> OAuthClient:
    """Revoke the client and every access token it holds: the next request with one fails,
    and the token endpoint refuses it."""
    if not can_manage_api_keys(revoked_by, api_client.organisation):
        raise PermissionDenied
    with transaction.atomic():
        # Conditional, so two clicks (or two admins) revoke once and audit once.
        revoked = OAuthClient.objects.filter(pk=api_client.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=revoked_by
        )
        if revoked != 1:
            raise ValidationError(_("This API client was already revoked."), code="already_revoked")
        tokens = _delete_tokens(api_client)
        api_client.refresh_from_db(fields=["revoked_at", "revoked_by"])
        audit_record(
            action="api_client.revoked",
            actor=revoked_by,
            obj=api_client,
            organisation=api_client.organisation,
            request=request,
            details={"client_id": api_client.client_id, "tokens_revoked": tokens},
        )
    return api_client


def api_client_tokens_revoke(*, api_client: OAuthClient, revoked_by, request=None) -> int:
    """Revoke the client's access tokens and keep the client: it can ask for new ones with its
    secret (for instance after a token leaked from a log)."""
    if not can_manage_api_keys(revoked_by, api_client.organisation):
        raise PermissionDenied
    with transaction.atomic():
        tokens = _delete_tokens(api_client)
        audit_record(
            action="api_client.tokens_revoked",
            actor=revoked_by,
            obj=api_client,
            organisation=api_client.organisation,
            request=request,
            details={"client_id": api_client.client_id, "tokens_revoked": tokens},
        )
    return tokens


def active_token_counts(*, organisation: Organisation) -> dict[int, int]:
    """Unexpired access tokens per client (by OAuthClient id) of the organisation."""
    rows = (
        AccessToken.objects.filter(
            application__api_client__organisation=organisation, expires__gt=timezone.now()
        )
        .values_list("application__api_client__id", flat=True)
        .order_by()
    )
    counts: dict[int, int] = {}
    for client_id in rows:
        counts[client_id] = counts.get(client_id, 0) + 1
    return counts


def access_token_authenticate(*, plaintext: str) -> AccessToken:
    """The live access token matching `plaintext`, with its client and organisation loaded;
    raises an AccessTokenError subclass otherwise."""
    if ACCESS_TOKEN_PATTERN.match(plaintext) is None:
        raise AccessTokenMalformed(
            _("Malformed access token: tokens look like tco_ followed by 43 characters.")
        )
    checksum = hashlib.sha256(plaintext.encode()).hexdigest()
    token = (
        AccessToken.objects.select_related("application__api_client__organisation")
        .filter(token_checksum=checksum)
        .first()
    )
    api_client = getattr(token.application, "api_client", None) if token is not None else None
    if token is None or api_client is None:
        # Revoking deletes tokens, so a revoked client's old token ends up here too.
        raise AccessTokenInvalid(
            _("Invalid access token: it is unknown or was revoked. Request a new one.")
        )
    if api_client.revoked_at is not None:
        raise ApiClientRevoked(
            _("This API client was revoked. Ask an admin of your organisation for a new one.")
        )
    if token.is_expired():
        raise AccessTokenExpired(
            _("This access token has expired: request a new one from the token endpoint.")
        )
    return token
