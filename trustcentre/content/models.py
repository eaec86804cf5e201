"""The public trust centre's content: overview, certifications, controls (the technical and
organisational measures) in groups, FAQ in categories, and the review cadence they share with
documents."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from trustcentre.lib.review import Reviewable


class Overview(models.Model):
    """The text at the top of the public page (one row; the latest is shown)."""

    heading = models.CharField(_("heading"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Plain text; blank lines separate paragraphs."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("overview")

    def __str__(self):
        return self.heading

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


class Certification(Reviewable):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=200)
    scope = models.TextField(_("scope"))
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certifications",
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("certification")

    def __str__(self):
        return self.name


class ControlGroup(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("control group")

    def __str__(self):
        return self.name


class Control(Reviewable):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(
        ControlGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="controls"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["group__order", "order", "title"]
        verbose_name = _("control")

    def __str__(self):
        return self.title


class FaqCategory(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("FAQ category")
        verbose_name_plural = _("FAQ categories")

    def __str__(self):
        return self.name


class FaqEntry(Reviewable):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    category = models.ForeignKey(
        FaqCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="entries"
    )
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["category__order", "order", "question"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self):
        return self.question
