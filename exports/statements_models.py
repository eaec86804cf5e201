"""The provider's own statements in the Data Act register, which legal writes on staff pages:
the categories excluded from export, the switching methods, the custom-export statement and
the measures against governmental access; and each published version of the register."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SwitchingMethodKind(models.TextChoices):
    """The ways data can move to another service (Data Act Art. 23 to 26), one row each in the
    register, available or not."""

    UI = "ui", _("Export through the portal")
    API = "api", _("Export through the API")
    PROVIDER_TO_PROVIDER = "provider_to_provider", _("Migration between other providers")
    OWN_INFRASTRUCTURE = "own_infrastructure", _("Migration to the customer's own infrastructure")


class RegisterVersion(models.Model):
    """One published edition of the register's statements, numbered from 1."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField(_("number"), unique=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changes = models.TextField(_("what changed"))
    # The statements as they stood in this version (exports.statements.statements_snapshot).
    snapshot = models.JSONField(_("statements"), default=dict)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("register version")

    def __str__(self):
        return f"{self.number}"


class ExcludedCategory(models.Model):
    """Data the provider holds but does not export, with why (Data Act Art. 25(2)(f))."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(
        _("identifier"),
        max_length=100,
        unique=True,
        help_text=_("A stable id in lower case, e.g. internal_monitoring_tools."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    justification = models.TextField(_("justification"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("excluded category")
        verbose_name_plural = _("excluded categories")

    def __str__(self):
        return self.name


class SwitchingMethod(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    method = models.CharField(
        _("method"), max_length=40, unique=True, choices=SwitchingMethodKind.choices
    )
    available = models.BooleanField(_("available"), default=True)
    limitations = models.TextField(_("limitations"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Category ids of the register the row is limited to; empty: every category.
    categories = models.JSONField(_("categories"), default=list, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "method"]
        verbose_name = _("switching method")

    def __str__(self):
        return self.get_method_display()


class GovernmentAccessMeasure(models.Model):
    """A measure against international governmental access to, or transfer of, non-personal
    data held for customers (Data Act Art. 28(1)(e) and Art. 32)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    control = models.ForeignKey(
        "content.Control",
        verbose_name=_("trust centre control"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="government_access_measures",
        help_text=_("The control of the trust centre that carries this measure out, if one does."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("government-access measure")

    def __str__(self):
        return self.title


class CustomExportStatement(models.Model):
    """Exports beyond the standard scope and where to ask when an export is not self-service
    (one row; the latest is published)."""

    statement = models.TextField(_("exports beyond the standard scope"))
    support_route = models.TextField(
        _("support route"), help_text=_("How to ask for an export that is not self-service.")
    )
    support_email = models.EmailField(_("support email"), blank=True)
    support_url = models.URLField(_("support page"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("custom-export statement")

    def __str__(self):
        return self.statement[:60]
