"""Single sign-on: an organisation's OpenID Connect identity provider and its domains."""

import uuid

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trustcentre.accounts.models import Organisation


class IdentityProvider(models.Model):
    """The link between an organisation and the allauth SocialApp (provider "openid_connect",
    one provider_id per organisation) that holds the issuer, client id and secret."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="identity_provider"
    )
    social_app = models.OneToOneField(
        SocialApp, on_delete=models.PROTECT, related_name="identity_provider"
    )
    enforce = models.BooleanField(
        _("enforce single sign-on"),
        default=False,
        help_text=_("Refuse password sign-in and password reset for the routed domains."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("identity provider")

    def __str__(self):
        return f"{self.organisation} ({self.issuer})"

    @property
    def issuer(self) -> str:
        return self.social_app.settings.get("server_url", "")

    @property
    def provider_id(self) -> str:
        return self.social_app.provider_id

    @property
    def domain_names(self) -> list[str]:
        return sorted(domain.domain for domain in self.domains.all())


class RoutedDomain(models.Model):
    """An email domain whose people sign in at the organisation's identity provider. A domain
    goes to one provider at most (the unique constraint), so routing is never ambiguous."""

    identity_provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="domains"
    )
    domain = models.CharField(_("domain"), max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self):
        return self.domain
