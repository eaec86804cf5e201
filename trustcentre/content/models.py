"""The public trust centre's content: overview, certifications, controls (the technical and
organisational measures) in groups, FAQ in categories, and the review cadence they share with
documents."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def next_review_date(reviewed_on: datetime.date) -> datetime.date:
    """The one rule of the review cadence: the next review is due one interval (default a year)
    after the last. 29 February reviewed gives 28 February next year, never a day too late."""
    days = settings.TRUST_REVIEW_INTERVAL_DAYS
    if days == 365:
        try:
            return reviewed_on.replace(year=reviewed_on.year + 1)
        except ValueError:  # 29 February
            return reviewed_on.replace(year=reviewed_on.year + 1, day=28)
    return reviewed_on + datetime.timedelta(days=days)


def _default_next_review():
    return next_review_date(timezone.localdate())


class Reviewable(models.Model):
    """An owner and a next-review date; "mark reviewed" records who and when."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_reviewed_at = models.DateTimeField(_("last reviewed at"), null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    next_review_on = models.DateField(_("next review"), default=_default_next_review)

    class Meta:
        abstract = True

    @property
    def review_overdue(self) -> bool:
        return self.next_review_on < timezone.localdate()


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
