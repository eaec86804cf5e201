"""The provider's own profile: who runs this trust centre and how to reach them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderProfile(models.Model):
    """One row: the provider (the processor) that runs this deployment."""

    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200)
    address = models.TextField(_("registered address"))
    website = models.URLField(_("website"), blank=True)
    privacy_contact_email = models.EmailField(_("privacy contact (DPO)"))
    security_contact_email = models.EmailField(_("security contact"))
    summary = models.TextField(_("summary"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("provider profile")

    def __str__(self):
        return self.name

    @classmethod
    def current(cls) -> "ProviderProfile | None":
        return cls.objects.order_by("pk").first()


class PublicContentVersion(models.Model):
    """One row: which edition of the public trust centre is current. Every service that changes
    what an anonymous visitor sees moves it in its own transaction, so a cached page keyed by it
    is never served once the change is committed, in any process, whatever the cache backend."""

    token = models.CharField(_("token"), max_length=32)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("public content version")

    def __str__(self):
        return self.token
