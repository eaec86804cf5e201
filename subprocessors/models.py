"""Sub-processors: the register, change notices with per-customer objection deadlines, numbered
list versions, objections, and the email subscriptions that carry the notices."""

import hashlib
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from subprocessors.countries import normalise_countries


class TransferMechanism(models.TextChoices):
    NONE_NEEDED = "none", _("No transfer (processing inside the EEA)")
    ADEQUACY = "adequacy", _("Adequacy decision")
    SCC_MODULE_2 = "scc_module_2", _("EU SCCs, module 2 (controller to processor)")
    SCC_MODULE_3 = "scc_module_3", _("EU SCCs, module 3 (processor to processor)")
    UK_IDTA = "uk_idta", _("UK IDTA")
    UK_ADDENDUM = "uk_addendum", _("UK Addendum to the EU SCCs")
    DPF = "dpf", _("EU-US Data Privacy Framework")
    OTHER = "other", _("Other")


class SubProcessorQuerySet(models.QuerySet):
    def listed(self):
        """What the current list shows: active sub-processors."""
        return self.filter(status=SubProcessor.Status.ACTIVE)


class SubProcessor(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed (announced, not yet in use)")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    legal_entity = models.CharField(_("legal entity"), max_length=300)
    purpose = models.TextField(_("purpose"))
    services = models.JSONField(
        _("services it supports"),
        default=list,
        blank=True,
        help_text=_("Our services this sub-processor supports, e.g. Analytics, Lead insights."),
    )
    data_categories = models.JSONField(_("data categories"), default=list, blank=True)
    countries = models.JSONField(
        _("processing countries"), default=list, help_text=_("ISO 3166-1 alpha-2 codes.")
    )
    regions = models.JSONField(
        _("hosting regions"),
        default=list,
        blank=True,
        help_text=_("The customer hosting regions it serves (e.g. eu, us); empty means all."),
    )
    transfer_mechanism = models.CharField(
        _("transfer mechanism"), max_length=20, choices=TransferMechanism.choices
    )
    transfer_mechanism_other = models.CharField(
        _("transfer mechanism (other)"), max_length=300, blank=True
    )
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = SubProcessorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("sub-processor")
        verbose_name_plural = _("sub-processors")

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        try:
            self.countries = normalise_countries(self.countries)
        except ValidationError as error:
            errors["countries"] = error.messages
        if self.transfer_mechanism == TransferMechanism.OTHER:
            if not self.transfer_mechanism_other.strip():
                errors["transfer_mechanism_other"] = [
                    _("Describe the transfer mechanism when it is 'Other'.")
                ]
        else:
            self.transfer_mechanism_other = ""
        self.services = [s.strip() for s in self.services if str(s).strip()]
        self.data_categories = [s.strip() for s in self.data_categories if str(s).strip()]
        self.regions = sorted({str(r).strip().lower() for r in self.regions if str(r).strip()})
        if errors:
            raise ValidationError(errors)

    @property
    def transfer_mechanism_label(self) -> str:
        if self.transfer_mechanism == TransferMechanism.OTHER:
            return self.transfer_mechanism_other
        return str(self.get_transfer_mechanism_display())

    def snapshot(self) -> dict:
        """What a list version records of this sub-processor (kept forever, so plain data)."""
        return {
            "id": str(self.public_id),
            "name": self.name,
            "legal_entity": self.legal_entity,
            "purpose": self.purpose,
            "services": list(self.services),
            "data_categories": list(self.data_categories),
            "countries": list(self.countries),
            "regions": list(self.regions),
            "transfer_mechanism": self.transfer_mechanism,
            "transfer_mechanism_label": self.transfer_mechanism_label,
            "website": self.website,
        }

    def applies_to(self, scope: "CustomerScope | None") -> bool:
        """Whether this sub-processor serves a customer with that scope (no scope: all)."""
        if scope is None:
            return True
        if scope.services and self.services and not set(scope.services) & set(self.services):
            return False
        if scope.regions and self.regions and not set(scope.regions) & set(self.regions):
            return False
        return True


class CustomerScope(models.Model):
    """Which of our services and hosting regions a customer uses: the sub-processors that apply
    to it are those serving one of its services in one of its regions."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="subprocessor_scope"
    )
    services = models.JSONField(_("services used"), default=list, blank=True)
    regions = models.JSONField(_("hosting regions"), default=list, blank=True)

    class Meta:
        verbose_name = _("customer scope")

    def __str__(self):
        return f"{self.organisation}: {', '.join(self.services)} / {', '.join(self.regions)}"


class ListVersion(models.Model):
    """A numbered, dated version of the sub-processor list, kept forever: a DPA annex names one."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    notice = models.OneToOneField(
        "ChangeNotice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="list_version",
        help_text=_("The change that made this version; empty for the first list."),
    )
    entries = models.JSONField(_("sub-processors"), default=list)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("list version")

    def __str__(self):
        return f"v{self.number} ({self.published_at:%Y-%m-%d})"


class ChangeNoticeQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(status=ChangeNotice.Status.DRAFT)


class ChangeNotice(models.Model):
    class Kind(models.TextChoices):
        ADD = "add", _("Add")
        REPLACE = "replace", _("Replace")
        REMOVE = "remove", _("Remove")
        CHANGE = "change", _("Change")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ANNOUNCED = "announced", _("Announced")
        EFFECTIVE = "effective", _("Effective")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    subprocessor = models.ForeignKey(
        SubProcessor,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("sub-processor"),
        help_text=_("Added, removed or changed; for a replacement, the new one."),
    )
    replaces = models.ForeignKey(
        SubProcessor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by_notices",
        verbose_name=_("replaces"),
    )
    proposed_changes = models.JSONField(
        _("proposed changes"),
        default=dict,
        blank=True,
        help_text=_("For a change: the fields and their new values."),
    )
    previous_values = models.JSONField(
        _("values before the change"),
        default=dict,
        blank=True,
        help_text=_("For a change that took effect: the changed fields' values before it."),
    )
    summary = models.CharField(_("summary"), max_length=300)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    objection_deadline = models.DateTimeField(
        _("objection deadline (default window)"), null=True, blank=True
    )
    latest_deadline = models.DateTimeField(
        _("latest objection deadline of any customer"), null=True, blank=True
    )
    effective_at = models.DateTimeField(_("effective at"), null=True, blank=True, db_index=True)
    became_effective_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("why it was withdrawn"), blank=True)
    held_since = models.DateTimeField(
        _("held by open objections since"),
        null=True,
        blank=True,
        help_text=_("When its date came while objections were still open."),
    )
    proceeded_at = models.DateTimeField(
        _("decided to proceed despite objections at"), null=True, blank=True
    )
    proceeded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proceed_reason = models.TextField(_("why it proceeds despite objections"), blank=True)
    dispatch = models.ForeignKey(
        "NoticeDispatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
    )

    objects = ChangeNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("change notice")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_at__isnull=True)
                | Q(latest_deadline__isnull=True)
                | Q(effective_at__gt=models.F("latest_deadline")),
                name="notice_effective_after_last_deadline",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subprocessor}"

    @property
    def is_open_for_objections(self) -> bool:
        return self.status == self.Status.ANNOUNCED

    @property
    def is_due(self) -> bool:
        """Announced and its date has come: it takes effect unless open objections hold it."""
        return (
            self.status == self.Status.ANNOUNCED
            and self.effective_at is not None
            and self.effective_at <= timezone.now()
        )

    @property
    def effective_day(self):
        """The calendar day the change takes effect, in the provider's zone: what every page,
        email, feed, calendar file and API answer shows (the stored instant, midnight there, is
        on the previous day in UTC)."""
        if self.effective_at is None:
            return None
        from subprocessors.terms import deadline_zone_name

        return timezone.localtime(self.effective_at, zoneinfo.ZoneInfo(deadline_zone_name())).date()


class NoticeOrganisation(models.Model):
    """One customer told of one notice: its own objection deadline (from its DPA's window),
    when it was notified and whether it acknowledged."""

    notice = models.ForeignKey(ChangeNotice, on_delete=models.CASCADE, related_name="recipients")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    objection_deadline = models.DateTimeField(_("objection deadline"))
    window_days = models.PositiveSmallIntegerField(_("objection window (days)"))
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "organisation"], name="one_notice_row_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.notice} → {self.organisation}"


class Objection(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    class Resolution(models.TextChoices):
        WITHDRAWN = "withdrawn", _("Withdrawn by the customer")
        ALTERNATIVE = "alternative", _("Alternative offered")
        NOT_APPLIED = "not_applied", _("Change not applied for this customer")
        TERMINATION = "termination", _("Customer terminates the affected service")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    notice = models.ForeignKey(ChangeNotice, on_delete=models.PROTECT, related_name="objections")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    api_key = models.ForeignKey(
        "accounts.ApiKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    grounds = models.TextField(_("data-protection grounds"))
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=Resolution.choices, blank=True
    )
    resolution_notes = models.TextField(_("notes"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "organisation"], name="one_objection_per_notice_and_customer"
            )
        ]

    def __str__(self):
        return f"{self.organisation} objects to {self.notice}"


class ObjectionReply(models.Model):
    """Legal's answer to an objection while it is open: a question, or an offer, before it is
    resolved. The customer's admins and whoever raised it are emailed each one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(_("reply"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("reply to an objection")
        verbose_name_plural = _("replies to objections")

    def __str__(self):
        return f"Reply to {self.objection}"


class Topic(models.TextChoices):
    SUBPROCESSOR_CHANGES = "subprocessor_changes", _("Sub-processor changes")
    DPA_UPDATES = "dpa_updates", _("DPA updates")
    SECURITY_NOTICES = "security_notices", _("Security notices")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SubscriptionQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=Subscription.Status.VERIFIED)

    def for_topic(self, topic: str):
        # JSON "contains" is not on SQLite; topics are few, so a text match on the JSON is exact
        # enough: a topic is a quoted token in the stored list.
        return self.verified().filter(topics__icontains=f'"{topic}"')


class Subscription(models.Model):
    """An email address subscribed to topics, after double opt-in. One row per address."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        VERIFIED = "verified", _("Confirmed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    pending_topics = models.JSONField(_("topics waiting for confirmation"), default=list)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set when a customer's user subscribed in the portal: its deadlines apply."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    confirm_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def topic_labels(self) -> list[str]:
        return [str(Topic(t).label) for t in self.topics if t in Topic.values]


class NoticeDispatch(models.Model):
    """The email fan-out of the notices announced close together: one email per address,
    listing each. Its task runs after the coalescing window and is safe to run twice."""

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("Collecting notices")
        SENDING = "sending", _("Writing emails")
        DONE = "done", _("Done")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.COLLECTING, db_index=True
    )
    send_after = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    recipients_total = models.PositiveIntegerField(default=0)
    recipients_done = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"dispatch {self.public_id} ({self.status})"

    @property
    def progress(self) -> float:
        if not self.recipients_total:
            return 1.0 if self.status == self.Status.DONE else 0.0
        return min(self.recipients_done / self.recipients_total, 1.0)


class NoticeDelivery(models.Model):
    """That this address was emailed about this notice. The unique constraint (not a check) is
    what makes "never twice to the same address for the same notice" hold under races."""

    notice = models.ForeignKey(ChangeNotice, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField()
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    outbox_message = models.ForeignKey(
        "notifications.OutboxMessage", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "email"], name="one_delivery_per_notice_and_address"
            )
        ]

    def __str__(self):
        return f"{self.notice_id} → {self.email}"


class Assessment(models.Model):
    """Legal's assessment of a sub-processor before it is added and then on the review cadence:
    what was found in each area, the result, the evidence, and when to look again."""

    class Result(models.TextChoices):
        APPROVED = "approved", _("Approved")
        CONDITIONAL = "conditional", _("Conditional")
        REJECTED = "rejected", _("Rejected")

    # The areas every assessment covers, in the order the pages show them.
    AREAS = (
        "security_controls",
        "data_protection_terms",
        "transfer_mechanism",
        "certifications",
        "resilience",
    )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subprocessor = models.ForeignKey(
        SubProcessor,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("sub-processor"),
    )
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessor"),
    )
    security_controls = models.TextField(_("security controls"))
    data_protection_terms = models.TextField(_("data protection terms"))
    transfer_mechanism = models.TextField(_("transfer mechanism"))
    certifications = models.TextField(_("certifications"))
    resilience = models.TextField(_("resilience"))
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    next_review_on = models.DateField(_("next review"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        verbose_name = _("sub-processor assessment")
        verbose_name_plural = _("sub-processor assessments")

    def __str__(self):
        return _("Assessment of %(name)s") % {"name": self.subprocessor.name}

    @property
    def owner(self):
        """Whose the next review is (the review cadence reminds owners): the assessor."""
        return self.assessor

    @property
    def clears_addition(self) -> bool:
        """A sub-processor may be announced only after an assessment that did not reject it."""
        return self.result in (self.Result.APPROVED, self.Result.CONDITIONAL)

    @property
    def review_overdue(self) -> bool:
        return self.next_review_on < timezone.localdate()

    def areas(self) -> list[tuple[str, str]]:
        return [
            (str(self._meta.get_field(name).verbose_name), getattr(self, name))
            for name in self.AREAS
        ]


class AssessmentEvidence(models.Model):
    """A file behind an assessment (a certificate, an audit report, signed terms), kept in
    private storage under a key the server chose and served only by a signed, expiring link."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("assessment")
    )
    storage_name = models.CharField(max_length=300)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=150)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("assessment evidence")
        verbose_name_plural = _("assessment evidence")

    def __str__(self):
        return self.filename
