"""API key authentication for the REST API (`Authorization: Bearer <key>`), the principal it
yields, the permission that asks for it, and how the OpenAPI schema documents it."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from trustcentre.accounts.api_keys import (
    ApiKeyInvalid,
    ApiKeyMalformed,
    ApiKeyRevoked,
    api_key_authenticate,
)
from trustcentre.accounts.models import ApiKey

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


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer tcp_<prefix>_<secret>`. Without a Bearer header this steps aside
    (session authentication follows, for the browser); with one, the key must be good."""

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
        try:
            api_key = api_key_authenticate(plaintext=plaintext)
        except ApiKeyMalformed as error:
            raise exceptions.AuthenticationFailed(str(error), code="malformed_api_key") from None
        except ApiKeyRevoked as error:
            raise exceptions.AuthenticationFailed(str(error), code="api_key_revoked") from None
        except ApiKeyInvalid as error:
            raise exceptions.AuthenticationFailed(str(error), code="invalid_api_key") from None
        return ApiClient(api_key), api_key

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when credentials are missing or refused.
        return KEYWORD


class IsApiClient(BasePermission):
    """The request carries a valid API key; the view then works on the key's organisation."""

    message = _("This endpoint needs an API key: send 'Authorization: Bearer <API key>'.")

    def has_permission(self, request, view):
        return isinstance(request.user, ApiClient) and isinstance(request.auth, ApiKey)


def api_organisation(request):
    """The organisation the request's API key belongs to. Never read it from the body."""
    return request.auth.organisation


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents the key as an HTTP bearer scheme in /api/schema/ (and the Authorize button of
    /api/docs/)."""

    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "tcp_<prefix>_<secret>",
            "description": (
                "An organisation's API key, created by an admin of the organisation on its "
                "API keys page in the portal. Limit: 500 requests per minute per key."
            ),
        }
