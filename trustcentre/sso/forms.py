"""The sign-in and password-reset forms with single-sign-on routing, and the staff form for an
organisation's identity provider."""

from allauth.account import forms as allauth_forms
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from trustcentre.sso.provider import sign_in_redirect
from trustcentre.sso.services import identity_provider_for_email, refuse_password_where_enforced


class LoginForm(allauth_forms.LoginForm):
    """Email first: an address at a domain routed to an identity provider goes there (with the
    address as login_hint) when no password is given; with "enforce" on, a password is refused.
    Everyone else signs in with their password as before."""

    identity_provider = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].required = False
        self.fields["password"].help_text = ""

    def clean(self):
        email = self.cleaned_data.get("login")
        password = self.cleaned_data.get("password")
        identity_provider = identity_provider_for_email(email) if email else None
        if identity_provider is not None:
            if not password:
                self.identity_provider = identity_provider
                return self.cleaned_data
            refuse_password_where_enforced(email, identity_provider)
        elif email and not password:
            self.add_error(
                "password", ValidationError(gettext("Enter your password."), code="required")
            )
            return self.cleaned_data
        return super().clean()

    def login(self, request, redirect_url=None):
        if self.identity_provider is not None:
            return sign_in_redirect(
                request,
                self.identity_provider,
                email=self.cleaned_data["login"],
                next_url=redirect_url,
            )
        return super().login(request, redirect_url=redirect_url)


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def clean_email(self):
        refuse_password_where_enforced(self.cleaned_data["email"])
        return super().clean_email()


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    """A reset link sent before the organisation turned "enforce" on no longer sets a password."""

    def clean(self):
        refuse_password_where_enforced(self.user.email if self.user else None)
        return super().clean()


class SignupForm(allauth_forms.SignupForm):
    """An account with a password at an enforced domain could never sign in: its people get
    their account from the identity provider at their first sign-in instead."""

    def clean_email(self):
        email = super().clean_email()
        refuse_password_where_enforced(email)
        return email


class IdentityProviderForm(forms.Form):
    issuer = forms.URLField(
        label=_("Issuer URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "The identity provider's issuer, e.g. https://login.acme-retail.eu/realms/acme; its "
            "discovery document is read from /.well-known/openid-configuration under it."
        ),
    )
    client_id = forms.CharField(label=_("Client id"), max_length=191)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=191,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    domains = forms.MultipleChoiceField(
        label=_("Domains routed to this identity provider"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People with an address at these domains are sent to the identity provider."),
    )
    enforce = forms.BooleanField(
        label=_("Enforce single sign-on: refuse password sign-in, sign-up and reset for them"),
        label_suffix="",
        required=False,
    )

    def __init__(self, *args, organisation, has_secret: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].choices = [(d, d) for d in organisation.email_domains]
        secret = self.fields["client_secret"]
        if has_secret:
            secret.help_text = _(
                "A secret is stored and is never shown. Leave empty to keep it; type a new one "
                "to replace it."
            )
        else:
            secret.required = True
            secret.help_text = _("Stored for the token exchange; it is never shown again.")
