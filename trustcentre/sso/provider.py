"""allauth's OpenID Connect provider, hardened for organisations' identity providers.

allauth skips the ID token's signature when the token came straight from the token endpoint
(allowed by OpenID Connect Core 3.1.3.7 over TLS) and sends no nonce. Here every sign-in
carries a nonce kept in the session state, the ID token's signature is always checked against
the provider's JWKS with an allow-list of algorithms, the discovery document must name the
configured issuer, and the userinfo answer must be about the same subject as the ID token."""

import json

import jwt
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from requests import RequestException

from trustcentre.sso.services import NONCE_STATE_KEY

# Asymmetric algorithms only: an HMAC "signature" keyed with a public key proves nothing.
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256")
CLOCK_SKEW_SECONDS = 60


class OrganisationOIDCAdapter(OpenIDConnectOAuth2Adapter):
    @property
    def openid_config(self):
        config = super().openid_config  # fetched once per request by allauth
        if not getattr(self, "_issuer_checked", False):
            configured = self.get_provider().app.settings["server_url"].rstrip("/")
            if str(config.get("issuer", "")).rstrip("/") != configured:
                raise OAuth2Error("The discovery document names another issuer.")
            self._issuer_checked = True
        return config

    def get_callback_url(self, request, app):
        url = reverse("sso:callback", kwargs={"provider_id": self.provider_id})
        return build_absolute_uri(request, url, self.redirect_uri_protocol)

    def complete_login(self, request, app, token, **kwargs):
        if not kwargs["response"].get("id_token"):
            raise OAuth2Error("The token response has no ID token.")
        login = super().complete_login(request, app, token, **kwargs)
        data = login.account.extra_data
        userinfo, id_token = data.get("userinfo"), data.get("id_token") or {}
        if userinfo is not None and str(userinfo.get("sub")) != str(id_token.get("sub")):
            raise OAuth2Error("The userinfo answer is about another subject.")
        return login

    def _decode_id_token(self, app, id_token: str) -> dict:
        try:
            header = jwt.get_unverified_header(id_token)
            algorithm = header.get("alg")
            if algorithm not in ALLOWED_ALGORITHMS:
                raise OAuth2Error(f"ID token algorithm {algorithm!r} is not accepted.")
            response = get_adapter().get_requests_session().get(self.openid_config["jwks_uri"])
            response.raise_for_status()
            keys = [k for k in response.json().get("keys", []) if k.get("kid") == header.get("kid")]
            if len(keys) != 1:
                raise OAuth2Error("No single key in the JWKS matches the ID token's kid.")
            key = jwt.PyJWK(keys[0], algorithm=algorithm)
            claims = jwt.decode(
                id_token,
                key=key.key,
                algorithms=[algorithm],
                audience=app.client_id,
                issuer=self.openid_config["issuer"],
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except (jwt.PyJWTError, ValueError, KeyError, json.JSONDecodeError) as error:
            raise OAuth2Error("Invalid ID token.") from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != app.client_id:
            raise OAuth2Error("The ID token was issued to another client.")
        jwtkit.verify_jti(claims)
        return claims


class OrganisationOIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = OrganisationOIDCAdapter

    def get_callback_url(self):
        return reverse("sso:callback", kwargs={"provider_id": self.app.provider_id})

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = get_random_string(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        kwargs[NONCE_STATE_KEY] = nonce
        return super().redirect(
            request, process, next_url=next_url, data=data, auth_params=auth_params, **kwargs
        )


def sign_in_redirect(request, identity_provider, *, email: str, next_url: str | None = None):
    """Send the person to their organisation's identity provider, the address as login_hint.

    A page with a link (followed at once by a small script) rather than a redirect: the sign-in
    form's CSP (form-action 'self') rightly stops a form submission redirected elsewhere."""
    provider = get_adapter(request).get_provider(request, identity_provider.provider_id)
    try:
        response = provider.redirect(
            request, "login", next_url=next_url, auth_params={"login_hint": email}
        )
    except (RequestException, OAuth2Error, ValueError, KeyError):
        message = _(
            "%(organisation)s's identity provider cannot be reached right now. Please try "
            "again in a few minutes."
        ) % {"organisation": identity_provider.organisation.name}
        raise ImmediateHttpResponse(
            render(request, "sso/refused.html", {"message": message}, status=502)
        ) from None
    if response.status_code != 302:  # allauth's own error page
        return response
    return render(
        request,
        "sso/continue.html",
        {"authorize_url": response["Location"], "organisation": identity_provider.organisation},
    )
