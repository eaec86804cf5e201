"""django-allauth's social-account adapter: organisations' identity providers only, and only
for people of the domains routed to them (SOCIALACCOUNT_ADAPTER)."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.shortcuts import render
from django.utils.translation import gettext as _

from trustcentre.sso import services
from trustcentre.sso.provider import OrganisationOIDCProvider


def _refusal(request, message: str, status: int = 403):
    return render(request, "sso/refused.html", {"message": message}, status=status)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_provider(self, request, provider, client_id=None):
        found = super().get_provider(request, provider, client_id=client_id)
        if isinstance(found, OpenIDConnectProvider) and not isinstance(
            found, OrganisationOIDCProvider
        ):
            return OrganisationOIDCProvider(request, app=found.app)
        return found

    def can_authenticate_by_email(self, login, email):
        return services.can_link_by_email(sociallogin=login, email=email)

    def pre_social_login(self, request, sociallogin):
        try:
            identity_provider, email = services.sign_in_check(sociallogin=sociallogin)
        except services.SignInRefused as refused:
            app = sociallogin.account.get_provider().app
            services.sign_in_refused(
                code=refused.code,
                identity_provider=services.identity_provider_for_app(app),
                request=request,
            )
            raise ImmediateHttpResponse(_refusal(request, refused.message)) from None
        # Kept on the login for the receiver that completes the sign-in after login().
        sociallogin.state["sso_identity_provider"] = identity_provider.pk
        sociallogin.state["sso_email"] = email

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        """A bad state (tampered, replayed, from another browser), a refused code, a bad ID
        token: nothing is signed in; the person sees why and can start again."""
        app = getattr(provider, "app", None)
        services.sign_in_refused(
            code=f"authentication_error:{error or 'unknown'}",
            identity_provider=services.identity_provider_for_app(app),
            request=request,
        )
        raise ImmediateHttpResponse(
            _refusal(
                request,
                _("Single sign-on did not complete, so you are not signed in. Please start again."),
                status=400,
            )
        )

    def is_auto_signup_allowed(self, request, sociallogin):
        return True

    def is_open_for_signup(self, request, sociallogin):
        # Only logins that passed pre_social_login reach this, so the organisation vouches.
        return "sso_identity_provider" in (sociallogin.state or {})

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").lower()
        user.full_name = (data.get("name") or "").strip()[:200]
        return user
