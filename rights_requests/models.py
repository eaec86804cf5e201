"""Rights requests of data subjects: the request, its history, pauses, referrals to the
controllers, one-time proofs of the email, rectification tasks and fulfilment jobs."""

import datetime
import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rights_requests import deadlines
from trustcentre.jobs.models import BackgroundJob

# Crockford's base32 without look-alikes: 16 characters are 80 random bits.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_CHARACTERS = 16


def new_reference() -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_CHARACTERS))
    return "RR-" + "-".join(chars[i : i + 4] for i in range(0, REFERENCE_CHARACTERS, 4))


def secret_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def local_date(moment: datetime.datetime, *, jurisdiction: str | None = None) -> datetime.date:
    """The calendar day of `moment`: in the jurisdiction's regime zone when one is given (the
    day every deadline counts from), else in the site's zone."""
    if jurisdiction is not None:
        return deadlines.receipt_day(moment, jurisdiction=jurisdiction)
    return timezone.localtime(moment).date()


class RequestType(models.TextChoices):
    ACCESS = "access", _("Access to my data")
    RECTIFICATION = "rectification", _("Rectification (correct my data)")
    ERASURE = "erasure", _("Erasure (delete my data)")
    RESTRICTION = "restriction", _("Restriction of processing")
    PORTABILITY = "portability", _("Portability (my data in a reusable format)")
    OBJECTION = "objection", _("Objection to processing")
    SUPPRESSION = "suppression", _("Suppression (never contact or import me again)")
    OPT_OUT = "opt_out", _("Opt-out of sale or sharing")


class Jurisdiction(models.TextChoices):
    EU_GDPR = "eu_gdpr", _("European Union (GDPR)")
    UK_GDPR = "uk_gdpr", _("United Kingdom (UK GDPR)")
    US_CCPA = "us_ccpa", _("California (CCPA/CPRA)")
    OTHER = "other", _("Elsewhere")


class RequestStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Email not confirmed")
    OPEN = "open", _("Open")
    REFERRED = "referred", _("Referred to the controller")
    PAUSED = "paused", _("Waiting for the requester")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
    SPAM = "spam", _("Spam")


OPEN_STATUSES = (RequestStatus.OPEN, RequestStatus.REFERRED, RequestStatus.PAUSED)
CLOSED_STATUSES = (
    RequestStatus.COMPLETED,
    RequestStatus.REJECTED,
    RequestStatus.DUPLICATE,
    RequestStatus.SPAM,
)


REQUESTER_STATUS_TEXT = {
    RequestStatus.UNVERIFIED: _("We are waiting for you to confirm your email address."),
    RequestStatus.OPEN: _("We are working on your request."),
    RequestStatus.REFERRED: _(
        "We have asked the organisation that holds your data how to proceed, and we act on "
        "its instruction."
    ),
    RequestStatus.PAUSED: _(
        "We are waiting for your answer to our question; the time limit waits too."
    ),
    RequestStatus.COMPLETED: _("We have answered your request; our letter says what we did."),
    RequestStatus.REJECTED: _("We could not act on your request; our letter explains why."),
    RequestStatus.DUPLICATE: _("This request repeats another of yours; we answer it there."),
    RequestStatus.SPAM: _("This request was closed."),
}


class RejectionReason(models.TextChoices):
    IDENTITY = "identity", _("Identity could not be verified (GDPR Art. 12(6); CCPA 1798.140(ak))")
    MANIFESTLY_UNFOUNDED = (
        "unfounded",
        _("Manifestly unfounded or excessive (GDPR Art. 12(5)(b))"),
    )
    LEGAL_OBLIGATION = (
        "legal_obligation",
        _("Retention required by law (GDPR Art. 17(3)(b); CCPA 1798.105(d)(8))"),
    )
    LEGAL_CLAIMS = "legal_claims", _("Needed for legal claims (GDPR Art. 17(3)(e))")
    NO_DATA = "no_data", _("We hold no data about the requester")
    OTHER = "other", _("Another legal ground (explained in the letter)")


class RightsRequestQuerySet(models.QuerySet):
    def in_queue(self):
        """What the DPO works: confirmed requests (and opt-outs, which need no confirmation)."""
        return self.exclude(status=RequestStatus.UNVERIFIED)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class RightsRequest(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=24, unique=True, default=new_reference)
    type = models.CharField(_("type"), max_length=20, choices=RequestType.choices)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=10, choices=Jurisdiction.choices)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    company_name = models.CharField(
        _("company whose service the data came from"), max_length=200, blank=True
    )
    details = models.TextField(_("details"), max_length=10_000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RequestStatus.choices,
        default=RequestStatus.UNVERIFIED,
        db_index=True,
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    verified_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    due_date = models.DateField(_("due date"), db_index=True)
    acknowledgement_due = models.DateField(_("acknowledgement due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_rights_requests",
        verbose_name=_("assignee"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("possible duplicate of"),
    )
    rejection_reason = models.CharField(
        _("legal reason for rejection"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    outcome_text = models.TextField(_("outcome, as told to the requester"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    handled_directly = models.BooleanField(
        _("about the provider's own data"),
        default=False,
        help_text=_("No customer's data matched: the provider is the controller."),
    )
    ip_hash = models.CharField(_("client address hash"), max_length=64, blank=True)

    objects = RightsRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "received_at"]
        verbose_name = _("rights request")
        verbose_name_plural = _("rights requests")
        indexes = [models.Index(fields=["email", "type"], name="rights_request_email_type")]

    def __str__(self):
        return self.reference

    @property
    def received_date(self) -> datetime.date:
        return local_date(self.received_at, jurisdiction=self.jurisdiction)

    @property
    def deadline_time_zone(self) -> str:
        """The zone whose calendar day of receipt the deadlines count from."""
        return deadlines.time_zone_name(jurisdiction=self.jurisdiction)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status == RequestStatus.PAUSED

    @property
    def is_extended(self) -> bool:
        return self.extended_at is not None

    @property
    def requester_status_text(self) -> str:
        """Where the request stands, in the words the requester reads on the status page, in
        the letter and in emails: never an internal status or a controller's pending label."""
        return str(REQUESTER_STATUS_TEXT.get(self.status, REQUESTER_STATUS_TEXT["open"]))

    def days_left(self, today: datetime.date | None = None) -> int:
        return deadlines.days_left(self.due_date, today=today or timezone.localdate())

    @property
    def is_overdue(self) -> bool:
        return self.is_open and not self.is_paused and self.days_left() < 0

    @property
    def closed_on_time(self) -> bool | None:
        if self.closed_at is None:
            return None
        return local_date(self.closed_at, jurisdiction=self.jurisdiction) <= self.due_date


class RequestEvent(models.Model):
    """The request's history: every step, note and message, in order."""

    class Kind(models.TextChoices):
        FILED = "filed", _("Filed")
        VERIFIED = "verified", _("Email confirmed")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        REFERRED = "referred", _("Referred")
        INSTRUCTION = "instruction", _("Controller's instruction")
        ASSIGNED = "assigned", _("Assigned")
        NOTE = "note", _("Internal note")
        MESSAGE_OUT = "message_out", _("Message to the requester")
        MESSAGE_IN = "message_in", _("Reply from the requester")
        PAUSED = "paused", _("Clock paused")
        RESUMED = "resumed", _("Clock resumed")
        EXTENDED = "extended", _("Deadline extended")
        FULFILMENT = "fulfilment", _("Fulfilment")
        RECTIFICATION = "rectification", _("Rectification")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Marked as duplicate")
        SPAM = "spam", _("Marked as spam")

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(max_length=100, blank=True)
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.request} {self.kind}"

    @property
    def visible_to_requester(self) -> bool:
        # Internal notes stay internal, and who on the staff handles the request (an
        # assignment names their email address) is the provider's business.
        return self.kind not in (self.Kind.NOTE, self.Kind.ASSIGNED)


class RequestPause(models.Model):
    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="pauses")
    reason = models.TextField(_("reason"))
    started_on = models.DateField(_("paused on"))
    ended_on = models.DateField(_("resumed on"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "pk"]

    def __str__(self):
        return f"{self.request} paused {self.started_on}"

    def as_pause(self) -> deadlines.Pause:
        return deadlines.Pause(self.started_on, self.ended_on)


class Referral(models.Model):
    """The request concerns data a customer controls: its admins instruct the provider."""

    class MatchedBy(models.TextChoices):
        COMPANY = "company", _("The company named by the requester")
        DATA = "data", _("The email was found in the customer's data")
        BOTH = "both", _("Both the company named and the data")

    class Instruction(models.TextChoices):
        PENDING = "pending", _("Waiting for the customer's instruction")
        HANDLE_FOR_US = "handle_for_us", _("Handle it for us")
        WE_HANDLE = "we_handle", _("We will handle it ourselves")
        OVERRIDE = "override", _("Confirmed out of band, recorded by the DPO")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="referrals")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="rights_referrals"
    )
    matched_by = models.CharField(_("matched by"), max_length=10, choices=MatchedBy.choices)
    rows_found = models.PositiveIntegerField(_("records found"), default=0)
    instruction = models.CharField(
        _("instruction"), max_length=20, choices=Instruction.choices, default=Instruction.PENDING
    )
    instructed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    instructed_at = models.DateTimeField(null=True, blank=True)
    # The customer's scope: the categories of its data we may act on (empty: every category).
    categories = models.JSONField(_("categories instructed"), default=list, blank=True)
    instruction_note = models.TextField(_("the customer's note"), blank=True)
    # A DPO's override: the customer confirmed outside the portal (Art. 28(3)(a) needs the
    # instruction documented, so who confirmed it, how, and why act now are kept).
    override_reason = models.TextField(_("reason for the override"), blank=True)
    override_confirmed_by = models.CharField(
        _("confirmed by (name and role at the customer)"), max_length=200, blank=True
    )
    override_channel = models.CharField(_("confirmed how"), max_length=200, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organisation"], name="one_referral_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.request} -> {self.organisation}"

    @property
    def is_pending(self) -> bool:
        return self.instruction == self.Instruction.PENDING

    @property
    def allows_fulfilment(self) -> bool:
        """The provider may act on this customer's data: instructed, or overridden."""
        return self.instruction in (self.Instruction.HANDLE_FOR_US, self.Instruction.OVERRIDE)

    def waiting_days(self, today: datetime.date | None = None) -> int:
        return ((today or timezone.localdate()) - local_date(self.created_at)).days


class RequesterChallenge(models.Model):
    """A proof the requester owns the email: a link (confirm the email, open the status) or
    a one-time code. Only hashes are stored; each works once and expires."""

    class Purpose(models.TextChoices):
        VERIFY_EMAIL = "verify", _("Confirm the email")
        STATUS_CODE = "status_code", _("One-time code for the status page")
        STATUS_LINK = "status_link", _("Link to the status page")

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="challenges")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    secret_hash = models.CharField(max_length=64, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.request} {self.purpose}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class RectificationItem(models.Model):
    request = models.ForeignKey(
        RightsRequest, on_delete=models.CASCADE, related_name="rectifications"
    )
    field = models.CharField(_("field"), max_length=100)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"))
    rows_changed = models.PositiveIntegerField(_("records corrected"), default=0)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_at", "pk"]

    def __str__(self):
        return f"{self.request} {self.field}"


class FulfilmentResult(models.Model):
    """What was done for one customer's data: the action, the records by category, who and
    when. The customer's referral page, the letter and the workbench read these."""

    class Action(models.TextChoices):
        EXPORT = "export", _("Export of the subject's records")
        ERASURE = "erasure", _("Erasure of the subject's records")
        FLAG = "flag", _("Flag set on the subject's records")
        RECTIFICATION = "rectification", _("Correction of the subject's records")

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="results")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    summary = models.TextField(_("what was done"))
    row_counts = models.JSONField(_("records by category"), default=dict, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    done_at = models.DateTimeField(_("done at"), default=timezone.now)

    class Meta:
        ordering = ["done_at", "pk"]

    def __str__(self):
        return f"{self.request} {self.organisation} {self.action}"

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())


class FulfilmentJob(BackgroundJob):
    """Access/portability (a zip of the subject's records) or erasure (deletion from every
    source and suppression), run by a worker with progress."""

    task_name = "rights_requests.tasks.run_fulfilment"

    class Kind(models.TextChoices):
        EXPORT = "export", _("Export of the subject's records")
        ERASURE = "erasure", _("Erasure of the subject's records")

    request = models.ForeignKey(
        RightsRequest, on_delete=models.CASCADE, related_name="fulfilment_jobs"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    row_counts = models.JSONField(default=dict, blank=True)
    archive_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    archive_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("fulfilment job")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_fulfilment_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.public_id}"

    @property
    def is_downloadable(self) -> bool:
        return (
            self.kind == self.Kind.EXPORT
            and self.status == "completed"
            and bool(self.archive_name)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )

    @property
    def total_rows(self) -> int:
        return sum(count for tenant in self.row_counts.values() for count in tenant.values())
