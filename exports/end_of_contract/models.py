"""End-of-contract cases: the customer's choice, the Data Act periods, legal holds, the
deletion job and its certificate."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trustcentre.jobs.models import BackgroundJob, JobStatus


class CaseStatus(models.TextChoices):
    AWAITING_CHOICE = "awaiting_choice", _("Awaiting the customer's choice")
    TRANSITION = "transition", _("Transition")
    RETRIEVAL = "retrieval", _("Data retrieval")
    DELETING = "deleting", _("Erasure running")
    DELETED = "deleted", _("Erased, awaiting countersignature")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (
    CaseStatus.AWAITING_CHOICE,
    CaseStatus.TRANSITION,
    CaseStatus.RETRIEVAL,
    CaseStatus.DELETING,
)


class CaseChoice(models.TextChoices):
    RETURN_THEN_DELETE = "return_then_delete", _("Return the data, then delete it")
    DELETE_ONLY = "delete_only", _("Delete the data only")
    SWITCH = "switch", _("Switch to another provider")


class CaseOrigin(models.TextChoices):
    CONTRACT_END = "contract_end", _("The contract ended")
    SWITCHING_REQUEST = "switching_request", _("The customer asked to switch")


class CaseQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class EndOfContractCase(models.Model):
    """One organisation leaving: when and how its data is returned and erased.

    Dates are calendar days (UTC). Each period ends on the day the next one starts:
    notice until `transition_start`, transition until `transition_end`, retrieval until
    `retrieval_end`, the day the erasure is due. The bounds come from periods.py."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="end_of_contract_cases",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CaseStatus.choices,
        default=CaseStatus.AWAITING_CHOICE,
        db_index=True,
    )
    origin = models.CharField(_("opened because"), max_length=20, choices=CaseOrigin.choices)
    choice = models.CharField(_("choice"), max_length=20, choices=CaseChoice.choices, blank=True)
    destination_provider = models.CharField(_("destination provider"), max_length=200, blank=True)
    requested_on = models.DateField(
        _("requested on"),
        help_text=_("The switching request, or the contract's end: the periods count from it."),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    chosen_at = models.DateTimeField(_("chosen at"), null=True, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chosen by"),
    )
    transition_start = models.DateField(_("transition starts"))
    transition_end = models.DateField(_("transition ends"))
    retrieval_end = models.DateField(_("retrieval ends (erasure due)"))
    # Art. 25(4): legal's statement that the switch cannot be done within 30 days.
    unfeasibility_reasons = models.TextField(_("reasons the 30 days are unfeasible"), blank=True)
    unfeasibility_stated_at = models.DateTimeField(
        _("unfeasibility stated at"), null=True, blank=True
    )
    unfeasibility_stated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unfeasibility stated by"),
    )
    # Art. 25(5): the customer's one extension of the transition.
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_at = models.DateTimeField(_("transition extended at"), null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transition extended by"),
    )
    early_deletion_confirmed_at = models.DateTimeField(
        _("early erasure confirmed at"), null=True, blank=True
    )
    early_deletion_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("early erasure confirmed by"),
    )
    early_deletion_statement = models.TextField(_("written confirmation"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("end-of-contract case")
        verbose_name_plural = _("end-of-contract cases")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="one_open_end_of_contract_case_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(transition_end__gte=models.F("transition_start"))
                & Q(retrieval_end__gte=models.F("transition_end")),
                name="end_of_contract_periods_in_order",
            ),
        ]

    def __str__(self):
        return f"end of contract {self.organisation} {self.public_id}"

    @property
    def reference(self) -> str:
        return f"EOC-{str(self.public_id)[:8].upper()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def retrieval_start(self) -> datetime.date:
        return self.transition_end

    @property
    def deletion_due_on(self) -> datetime.date:
        return self.retrieval_end

    @property
    def request_day(self) -> datetime.date:
        """The day Art. 25(4)'s 14 working days count from: the switching request, or, when
        the contract's end opened the case, the day it opened (its transition's start)."""
        if self.origin == CaseOrigin.CONTRACT_END:
            return self.transition_start
        return self.requested_on

    @property
    def is_extended(self) -> bool:
        return self.extended_at is not None

    @property
    def is_unfeasibility_stated(self) -> bool:
        return self.unfeasibility_stated_at is not None

    @property
    def effective_choice(self) -> str:
        """Without a choice the data stays retrievable, then is erased: return, then delete."""
        return self.choice or CaseChoice.RETURN_THEN_DELETE


class LegalHold(models.Model):
    """Data of one category that the erasure must keep, and why (a dispute, an authority's
    order). Kept when placed before the erasure, and said so on the certificate."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        EndOfContractCase, on_delete=models.CASCADE, related_name="holds", verbose_name=_("case")
    )
    category = models.CharField(_("category"), max_length=50)
    reason = models.TextField(_("reason"))
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("placed by"),
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["placed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "category"],
                condition=Q(released_at__isnull=True),
                name="one_active_hold_per_case_category",
            )
        ]

    def __str__(self):
        return f"hold on {self.category}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class DeletionJob(BackgroundJob):
    """The erasure of a case's data, category by category in batches. `deleted_counts` is
    written in the same transaction as each batch's DELETE, so after a crash the counts are
    exactly what is gone, and the next attempt continues from there."""

    task_name = "exports.end_of_contract.tasks.run_deletion"

    case = models.ForeignKey(
        EndOfContractCase,
        on_delete=models.CASCADE,
        related_name="deletion_jobs",
        verbose_name=_("case"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    categories = models.JSONField(_("categories to erase, in order"), default=list)
    held_categories = models.JSONField(_("categories kept on legal hold"), default=list)
    expected_counts = models.JSONField(_("rows found before the erasure"), default=dict)
    deleted_counts = models.JSONField(_("rows deleted per category"), default=dict)
    finished_categories = models.JSONField(_("categories finished"), default=list)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("deletion job")
        verbose_name_plural = _("deletion jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]),
                name="one_active_deletion_per_case",
            )
        ]

    def __str__(self):
        return f"deletion {self.public_id}"

    @property
    def rows_deleted(self) -> int:
        return sum(self.deleted_counts.values())

    @property
    def rows_expected(self) -> int:
        return sum(self.expected_counts.values())


class DeletionCertificate(models.Model):
    """The PDF that says what was erased, rendered once and never again (its SHA-256 is kept),
    and legal's countersignature over that SHA-256."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(
        EndOfContractCase,
        on_delete=models.CASCADE,
        related_name="certificate",
        verbose_name=_("case"),
    )
    job = models.OneToOneField(
        DeletionJob, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("job")
    )
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    content_sha256 = models.CharField(_("SHA-256 of the certified facts"), max_length=64)
    facts = models.JSONField(_("certified facts"), default=dict)
    rendered_at = models.DateTimeField(_("rendered at"), default=timezone.now)
    backups_overwritten_by = models.DateField(_("backups overwritten by"))
    countersigned_at = models.DateTimeField(_("countersigned at"), null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("countersigned by"),
    )

    class Meta:
        verbose_name = _("deletion certificate")
        verbose_name_plural = _("deletion certificates")

    def __str__(self):
        return f"certificate {self.public_id}"

    @property
    def is_countersigned(self) -> bool:
        return self.countersigned_at is not None
