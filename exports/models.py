"""Exports core: the suppression list and export jobs (the register's statements are in
exports/statements_models.py)."""

import functools
import hmac
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from trustcentre.jobs.models import BackgroundJob, JobStatus

# Fixed: changing it changes the pepper derived from SECRET_KEY, as rotating SUPPRESSION_PEPPER
# does, and every existing entry is then unrecognisable.
PEPPER_SALT = "trustcentre.exports.suppression-pepper"


@functools.lru_cache(maxsize=4)
def _pepper(configured: str, secret_key: str) -> bytes:
    if configured:
        return configured.encode()
    # No pepper configured (development, tests): one derived from SECRET_KEY, never the key.
    return salted_hmac(PEPPER_SALT, "suppression", secret=secret_key, algorithm="sha256").digest()


def identifier_hash(kind: str, value: str) -> str:
    """HMAC-SHA256 of a normalised identifier, keyed with the secret pepper
    (settings.SUPPRESSION_PEPPER), so the list never holds the identifier itself and a leaked
    list cannot be checked against guessed emails or phone numbers without the pepper."""
    normalised = str(value).strip().lower()
    if kind == "phone":
        normalised = "".join(ch for ch in normalised if ch.isdigit() or ch == "+")
    key = _pepper(settings.SUPPRESSION_PEPPER, settings.SECRET_KEY)
    return hmac.digest(key, f"{kind}:{normalised}".encode(), "sha256").hex()


class SuppressionEntry(models.Model):
    """A data subject erased at their request: sources must not import them again."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email address")
        PHONE = "phone", _("Phone number")
        CONTACT_ID = "contact_id", _("Contact id")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant_id = models.UUIDField(_("tenant id"), db_index=True)
    kind = models.CharField(_("identifier kind"), max_length=20, choices=Kind.choices)
    identifier_hash = models.CharField(_("identifier hash"), max_length=64)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("suppression entry")
        verbose_name_plural = _("suppression list")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "identifier_hash"], name="one_suppression_per_identifier"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.identifier_hash[:12]}…"

    @classmethod
    def is_suppressed(cls, *, tenant_id, kind: str, value: str) -> bool:
        return cls.objects.filter(
            tenant_id=tenant_id, identifier_hash=identifier_hash(kind, value)
        ).exists()


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV (RFC 4180)")
    JSON = "json", _("JSON")
    XLSX = "xlsx", _("XLSX (Excel workbook)")


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)
# What the API and the pages show: a job's status, or "expired" once its archive is deleted.
DISPLAY_STATUSES = [*JobStatus.values, "expired"]


class ExportJobQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)


class ExportJob(BackgroundJob):
    """An export of an organisation's data (some categories, one format, an optional period)
    into a zip in private storage. `files` records each finished data file, so a re-run after a
    crash keeps what was done and redoes only the rest."""

    task_name = "exports.tasks.run_export"

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("organisation"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    api_key = models.ForeignKey(
        "accounts.ApiKey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API key"),
    )
    categories = models.JSONField(_("categories"), default=list)
    format = models.CharField(_("format"), max_length=10, choices=ExportFormat.choices)
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    row_counts = models.JSONField(_("rows per category"), default=dict, blank=True)
    rows_written = models.PositiveBigIntegerField(_("rows written"), default=0)
    total_rows_expected = models.PositiveBigIntegerField(_("rows expected"), default=0)
    files = models.JSONField(
        _("data files"),
        default=list,
        blank=True,
        help_text=_("Each finished data file: name, category, rows, bytes and SHA-256."),
    )
    sha256 = models.CharField(_("SHA-256 of the archive"), max_length=64, blank=True)
    archive_name = models.CharField(_("archive"), max_length=255, blank=True)
    archive_bytes = models.PositiveBigIntegerField(_("archive size"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)
    expired_at = models.DateTimeField(
        _("archive deleted at"),
        null=True,
        blank=True,
        help_text=_("Set when the retention period ended and the archive was deleted."),
    )

    objects = ExportJobQuerySet.as_manager()

    class Meta(BackgroundJob.Meta):
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            # The database itself refuses a second queued or running export of one
            # organisation, so two simultaneous requests cannot both slip past the check.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_export_per_organisation",
            )
        ]

    def __str__(self):
        return f"export {self.public_id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_downloadable(self) -> bool:
        return (
            self.status == JobStatus.COMPLETED
            and self.expired_at is None
            and bool(self.archive_name)
        )

    @property
    def is_expired(self) -> bool:
        return self.expired_at is not None

    @property
    def display_status(self) -> str:
        """The status a person or an integration sees: "expired" once the archive is gone."""
        return "expired" if self.is_expired else self.status


# The register's statements: models of this app kept in their own module.
from exports.statements_models import (  # noqa: E402, F401
    CustomExportStatement,
    ExcludedCategory,
    GovernmentAccessMeasure,
    RegisterVersion,
    SwitchingMethod,
    SwitchingMethodKind,
)
