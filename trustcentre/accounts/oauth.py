"""The OAuth 2.0 token endpoint for API clients: django-oauth-toolkit's view and validator, told
that a client belongs to an organisation, may be revoked, and may only ask for the scopes an
admin gave it. Only the client-credentials grant exists (settings.OAUTH2_PROVIDER)."""

import secrets

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import TokenView
from oauthlib.oauth2.rfc6749 import errors

from trustcentre.accounts.models import OAuthClient
from trustcentre.accounts.throttling import cache_key_digest, count_in_window
from trustcentre.audit.services import audit_record
from trustcentre.lib.client import client_address

# Access tokens read `tco_<43 characters>`: the API tells them from API keys (`tcp_...`) by
# the prefix, and secret scanners can recognise both.
ACCESS_TOKEN_PREFIX = "tco_"
ACCESS_TOKEN_BYTES = 32


def access_token_generator(request) -> str:
    """OAUTH2_PROVIDER's ACCESS_TOKEN_GENERATOR: 256 random bits behind a recognisable prefix."""
    return ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(ACCESS_TOKEN_BYTES)


def _registration(application) -> OAuthClient | None:
    try:
        return application.api_client
    except OAuthClient.DoesNotExist:
        return None


class ApiClientValidator(OAuth2Validator):
    """django-oauth-toolkit's validator with the portal's rules on top: a revoked client gets
    no token, a client gets only scopes it was registered with, and each token issued (or
    refused for a wrong secret) is an audit event of the client's organisation."""

    def _load_application(self, client_id, request):
        application = super()._load_application(client_id, request)
        if application is not None:
            # The toolkit forgets the client again when the secret is wrong; the audit event
            # of the refusal still needs to know whose it was.
            request.presented_application = application
        return application

    def authenticate_client(self, request, *args, **kwargs):
        authenticated = super().authenticate_client(request, *args, **kwargs)
        if not authenticated:
            presented = getattr(request, "presented_application", None)
            registration = _registration(presented) if presented is not None else None
            if registration is not None:
                # A known client id with a wrong secret: the organisation should know.
                audit_record(
                    action="api_client.token_refused",
                    actor_label=f"api-client:{registration.client_id}",
                    obj=registration,
                    organisation=registration.organisation,
                    ip_address=client_address(self.build_http_request(request)) or None,
                    details={"client_id": registration.client_id, "reason": "wrong_secret"},
                )
            return False
        registration = _registration(request.client)
        if registration is None:
            # An application made outside the portal belongs to no organisation.
            return False
        if registration.revoked_at is not None:
            # Only after the secret matched, as for a revoked API key.
            raise errors.InvalidClientError(
                description=_(
                    "This API client was revoked. Ask an admin of your organisation to "
                    "register a new one."
                ),
                request=request,
            )
        request.api_client = registration
        return True

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        registration = _registration(client)
        return registration is not None and set(scopes) <= set(registration.scopes)

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        # Asked for nothing in particular: everything the client was registered with.
        registration = _registration(request.client)
        return list(registration.scopes) if registration is not None else []

    def save_bearer_token(self, token, request, *args, **kwargs):
        registration = request.api_client
        with transaction.atomic():
            super().save_bearer_token(token, request, *args, **kwargs)
            now = timezone.now()
            OAuthClient.objects.filter(pk=registration.pk).update(last_token_at=now)
            audit_record(
                action="api_client.token_issued",
                actor_label=f"api-client:{registration.client_id}",
                obj=registration,
                organisation=registration.organisation,
                ip_address=client_address(self.build_http_request(request)) or None,
                details={
                    "client_id": registration.client_id,
                    "scopes": token["scope"].split(),
                    "expires_in": token["expires_in"],
                },
            )


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(never_cache, name="dispatch")
class ApiClientTokenView(TokenView):
    """POST /oauth/token/ (RFC 6749 section 4.4). Errors are RFC 6749 section 5.2 JSON
    (`error`, `error_description`)."""

    def post(self, request, *args, **kwargs):
        allowed, wait = count_in_window(
            f"oauth-token:{cache_key_digest(client_address(request))}",
            settings.OAUTH_TOKEN_REQUESTS_PER_MINUTE,
        )
        if not allowed:
            response = JsonResponse(
                {
                    "error": "slow_down",
                    "error_description": _("Too many token requests: wait a minute."),
                },
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        # Straight to oauthlib, whatever the grant_type: the toolkit's device-code branch is
        # never wanted here, and oauthlib answers `unsupported_grant_type` for every grant
        # but client_credentials.
        return self.authorization_flow_token_response(request)
