"""Data processing agreements: versioned templates, signatures, executed PDFs."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frozen(ValidationError):
    """A published version or an executed agreement may not change."""


def _default_objection_window():
    return settings.SUBPROCESSOR_OBJECTION_WINDOW_DAYS


# Days the provider has to answer an audit or information request (Art. 28(3)(h) GDPR), unless
# the DPA sets another period; dpa/audits/deadlines.py counts them.
DEFAULT_AUDIT_ANSWER_DAYS = 30


class DpaVersion(models.Model):
    """One version of the DPA template. A draft may be edited; once published it is frozen:
    agreements point at it, and it must stay what they signed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    # What legal writes in a draft (the form's fields, in its order); the rest is set by
    # publishing.
    EDITABLE_FIELDS = (
        "title",
        "body",
        "summary_of_changes",
        "objection_window_days",
        "audit_answer_days",
        "subject_matter",
        "duration",
        "nature_and_purpose",
        "data_categories",
        "data_subjects",
    )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField(_("version"), unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=200, default="Data Processing Agreement")
    body = models.TextField(
        _("body"), help_text=_("Markdown; placeholders such as {customer_legal_name}.")
    )
    summary_of_changes = models.TextField(
        _("summary of changes"), blank=True, help_text=_("Sent to customers when published.")
    )
    objection_window_days = models.PositiveSmallIntegerField(
        _("objection window (days)"),
        default=_default_objection_window,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    audit_answer_days = models.PositiveSmallIntegerField(
        _("answer period for audit and information requests (days)"),
        default=DEFAULT_AUDIT_ANSWER_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Art. 28(3)(h) GDPR: days we have to answer a customer's request."),
    )
    # Annex I: the processing, as Art. 28(3) GDPR asks the contract to set it out.
    subject_matter = models.TextField(_("subject matter of the processing"))
    duration = models.TextField(_("duration of the processing"))
    nature_and_purpose = models.TextField(_("nature and purpose of the processing"))
    data_categories = models.TextField(_("categories of personal data"))
    data_subjects = models.TextField(_("categories of data subjects"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-number", "-created_at"]
        verbose_name = _("DPA version")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False, published_at__isnull=False),
                name="dpa_published_version_has_number",
            )
        ]

    def __str__(self):
        if self.number:
            return f"DPA v{self.number}"
        return f"DPA draft ({self.created_at:%Y-%m-%d})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def save(self, *args, **kwargs):  # noqa: DJ012 (beside the properties it guards)
        if self.pk is not None:
            stored = DpaVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.PUBLISHED:
                raise Frozen(_("A published DPA version cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise Frozen(_("A published DPA version cannot be deleted."))
        return super().delete(*args, **kwargs)


class AgreementQuerySet(models.QuerySet):
    def executed(self):
        return self.filter(status=Agreement.Status.EXECUTED)

    def in_force(self):
        return self.executed().filter(superseded_at__isnull=True)

    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class Agreement(models.Model):
    """An organisation's DPA: signed online on a published version and countersigned by legal,
    or negotiated and uploaded by legal. Once executed it never changes, except for the date
    a later agreement superseded it."""

    class Kind(models.TextChoices):
        ONLINE = "online", _("Signed online")
        NEGOTIATED = "negotiated", _("Negotiated (uploaded)")

    class Status(models.TextChoices):
        AWAITING_COUNTERSIGNATURE = "awaiting", _("Awaiting countersignature")
        EXECUTED = "executed", _("Executed")

    # The one change an executed agreement accepts.
    MUTABLE_WHEN_EXECUTED = frozenset({"superseded_at"})

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="dpa_agreements"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    version = models.ForeignKey(
        DpaVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("DPA version"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # Party details as the customer admin entered them.
    customer_legal_name = models.CharField(_("legal name"), max_length=300)
    customer_address = models.TextField(_("address"), blank=True)
    signatory_name = models.CharField(_("signatory name"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory title"), max_length=200, blank=True)
    notices_email = models.EmailField(_("contact for notices"))
    effective_date = models.DateField(_("effective date"))
    objection_window_days = models.PositiveSmallIntegerField(
        _("objection window (days)"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    # A negotiated DPA's own period; an online agreement follows its version's.
    audit_answer_days = models.PositiveSmallIntegerField(
        _("answer period for audit and information requests (days)"),
        default=DEFAULT_AUDIT_ANSWER_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    # The annexes as they stood at signing time (controls, sub-processor list version,
    # transfers, parties): the executed PDF is rendered from these, never from live data.
    annexes = models.JSONField(_("annexes frozen at signing"), default=dict, blank=True)
    signed_document_sha256 = models.CharField(max_length=64, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dpa_signatures",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_ip = models.GenericIPAddressField(null=True, blank=True)
    signed_user_agent = models.CharField(max_length=500, blank=True)
    signed_second_factor = models.CharField(max_length=20, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dpa_countersignatures",
    )
    countersigned_at = models.DateTimeField(_("countersigned at"), null=True, blank=True)
    countersigned_ip = models.GenericIPAddressField(null=True, blank=True)
    countersigned_user_agent = models.CharField(max_length=500, blank=True)
    # The PDF of record: rendered once at countersignature, or the negotiated upload.
    executed_file = models.CharField(max_length=300, blank=True)
    executed_filename = models.CharField(max_length=200, blank=True)
    executed_sha256 = models.CharField(_("SHA-256 of the executed PDF"), max_length=64, blank=True)
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("agreement")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="awaiting"),
                name="dpa_one_agreement_awaiting_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="executed", superseded_at__isnull=True),
                name="dpa_one_agreement_in_force_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(kind="negotiated") | Q(version__isnull=False),
                name="dpa_online_agreement_has_version",
            ),
            models.CheckConstraint(
                condition=~Q(status="executed") | ~Q(executed_sha256=""),
                name="dpa_executed_agreement_has_hash",
            ),
        ]

    def __str__(self):
        return f"DPA of {self.organisation} ({self.get_status_display()})"

    @property
    def is_executed(self) -> bool:
        return self.status == self.Status.EXECUTED

    @property
    def is_in_force(self) -> bool:
        return self.is_executed and self.superseded_at is None

    @property
    def version_label(self) -> str:
        if self.kind == self.Kind.NEGOTIATED:
            return str(_("negotiated"))
        return f"v{self.version.number}" if self.version_id else "—"

    def save(self, *args, **kwargs):  # noqa: DJ012 (beside the properties it guards)
        if self.pk is not None:
            stored = Agreement.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            update_fields = kwargs.get("update_fields")
            if stored == self.Status.EXECUTED and (
                update_fields is None or not set(update_fields) <= self.MUTABLE_WHEN_EXECUTED
            ):
                raise Frozen(_("An executed agreement cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_executed:
            raise Frozen(_("An executed agreement cannot be deleted."))
        return super().delete(*args, **kwargs)


class Reminder(models.Model):
    """A reminder to sign, sent by legal to an organisation's admins (at most one a day)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="dpa_reminders"
    )
    version = models.ForeignKey(DpaVersion, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder to sign")

    def __str__(self):
        return f"Reminder to {self.organisation} ({self.sent_at:%Y-%m-%d})"
