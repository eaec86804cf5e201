"""Authentication for the REST API (`Authorization: Bearer <API key or access token>`): an
organisation's API key, or an OAuth 2.0 access token of one of its API clients. The principal
it yields, the permission that asks for it (with the token's scopes), and how the OpenAPI
schema documents both schemes."""

import re

from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from trustcentre.accounts.api_clients import (
    AccessTokenError,
    AccessTokenExpired,
    AccessTokenInvalid,
    ApiClientRevoked,
    access_token_authenticate,
    required_scope,
)
from trustcentre.accounts.api_keys import (
    ApiKeyInvalid,
    ApiKeyMalformed,
    ApiKeyRevoked,
    api_key_authenticate,
)
from trustcentre.accounts.models import ApiKey, OAuthClient
from trustcentre.accounts.oauth import ACCESS_TOKEN_PREFIX

KEYWORD = "Bearer"


class ApiClient:
    """Who is calling when a request carries an API key: an organisation's integration, not a
    person. It answers the questions DRF and Django ask of a user, and no more; it has no
    staff flags, permissions or memberships, so nothing meant for people can be reached by
    mistake with a key."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    needs_second_factor = False
    staff_roles = frozenset()
    pk = None
    id = None

    # The OAuth 2.0 client calling with an access token, when it is not an API key.
    oauth_client = None
    access_token = None

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key
        self.organisation = api_key.organisation

    def __str__(self):
        return f"API key {self.api_key.prefix}"

    def get_username(self) -> str:
        return str(self)

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def has_perms(self, perm_list, obj=None) -> bool:
        return False

    def has_module_perms(self, app_label) -> bool:
        return False

    def is_verified(self) -> bool:
        # django-otp's question; a key is a credential of its own, not a half-signed-in person.
        return True


class OAuthApiClient(ApiClient):
    """An organisation's OAuth 2.0 client, calling with an access token from /oauth/token/. The
    same principal as for a key, so every keyed endpoint serves it on the same organisation;
    what it may do there is limited by the token's scopes (IsApiClient)."""

    def __init__(self, access_token):
        self.api_key = None
        self.access_token = access_token
        self.oauth_client = access_token.application.api_client
        self.organisation = self.oauth_client.organisation

    def __str__(self):
        return f"API client {self.oauth_client.client_id}"


# DRF error codes (and problem types, trustcentre.lib.api) of refused access tokens.
ACCESS_TOKEN_ERROR_CODES = {
    AccessTokenExpired: "access_token_expired",
    ApiClientRevoked: "api_client_revoked",
    AccessTokenInvalid: "invalid_access_token",
}


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer tcp_<prefix>_<secret>` (an API key) or `Bearer tco_<token>` (an
    API client's access token). Without a Bearer header this steps aside (session
    authentication follows, for the browser); with one, the credential must be good."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Malformed Authorization header: send 'Authorization: Bearer <API key>'."),
                code="malformed_api_key",
            )
        try:
            plaintext = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                _("Malformed API key: it may only contain letters, digits, '_' and '-'."),
                code="malformed_api_key",
            ) from None
        if plaintext.startswith(ACCESS_TOKEN_PREFIX):
            return self._authenticate_access_token(plaintext)
        try:
            api_key = api_key_authenticate(plaintext=plaintext)
        except ApiKeyMalformed as error:
            raise exceptions.AuthenticationFailed(str(error), code="malformed_api_key") from None
        except ApiKeyRevoked as error:
            raise exceptions.AuthenticationFailed(str(error), code="api_key_revoked") from None
        except ApiKeyInvalid as error:
            raise exceptions.AuthenticationFailed(str(error), code="invalid_api_key") from None
        return ApiClient(api_key), api_key

    def _authenticate_access_token(self, plaintext: str):
        try:
            access_token = access_token_authenticate(plaintext=plaintext)
        except AccessTokenError as error:
            code = ACCESS_TOKEN_ERROR_CODES.get(type(error), "malformed_access_token")
            raise exceptions.AuthenticationFailed(str(error), code=code) from None
        return OAuthApiClient(access_token), access_token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when credentials are missing or refused.
        return KEYWORD


class IsApiClient(BasePermission):
    """The request carries a valid API key, or an access token with the scope this operation
    needs (api_clients.ROUTE_SCOPES); the view then works on the caller's organisation."""

    message = _("This endpoint needs an API key: send 'Authorization: Bearer <API key>'.")

    def has_permission(self, request, view):
        if not isinstance(request.user, ApiClient):
            return False
        if isinstance(request.auth, ApiKey):
            return True
        if request.user.access_token is None or request.auth is not request.user.access_token:
            return False
        match = request.resolver_match
        scope = required_scope(route_name=match.url_name if match else "", method=request.method)
        if scope is not None and scope in request.auth.scopes:
            return True
        if scope is None:
            self.message = _("API clients cannot use this endpoint; use an API key.")
        else:
            self.message = _(
                "This access token does not have the '%(scope)s' scope this operation needs. "
                "An admin of your organisation can register an API client with it."
            ) % {"scope": scope}
        self.code = "insufficient_scope"
        return False


def api_organisation(request):
    """The organisation the request's API key or API client belongs to. Never read it from the
    body."""
    return request.user.organisation


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents both credentials in /api/schema/ (and the Authorize button of /api/docs/): the
    key as an HTTP bearer scheme, the API client as OAuth 2.0 client credentials. Either one
    satisfies an operation."""

    target_class = ApiKeyAuthentication
    name = ["apiKey", "oauth2"]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "tcp_<prefix>_<secret>",
                "description": (
                    "An organisation's API key, created by an admin of the organisation on its "
                    "API keys page in the portal. Limit: 500 requests per minute per key."
                ),
            },
            {
                "type": "oauth2",
                "description": (
                    "An organisation's API client, registered by an admin of the organisation "
                    "on its API clients page in the portal: POST its client id and secret to "
                    "the token URL (client-credentials grant, RFC 6749 section 4.4; HTTP Basic "
                    "authentication preferred) and send the access token as "
                    "`Authorization: Bearer <token>`. Tokens are short-lived; each operation "
                    "names the scope it needs. Limit: 500 requests per minute per client."
                ),
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": "/oauth/token/",
                        "scopes": {value: str(label) for value, label in OAuthClient.Scope.choices},
                    }
                },
            },
        ]

    def get_security_requirement(self, auto_schema):
        # Either credential will do: a key alone, or a token with the operation's scope.
        requirements = [{"apiKey": []}]
        scope = _operation_scope(auto_schema.path, auto_schema.method)
        if scope is not None:
            requirements.append({"oauth2": [scope]})
        return requirements


def _operation_scope(path: str, method: str) -> str | None:
    """The scope of a documented operation (`/api/v1/exports/{public_id}/`), found through the
    same route names the permission checks."""
    concrete = re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", path)
    try:
        match = resolve(concrete)
    except Resolver404:
        return None
    return required_scope(route_name=match.url_name or "", method=method.upper())
