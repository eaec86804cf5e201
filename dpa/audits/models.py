"""Audit and information requests (GDPR Art. 28(3)(h)): a customer admin asks, legal triages
and answers with documents or schedules an audit within the DPA's answer period; both sides
write in one thread."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditRequest(models.Model):
    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information request")
        AUDIT = "audit", _("Audit (including an inspection)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_REVIEW = "in_review", _("In review")
        SCHEDULED = "scheduled", _("Audit scheduled")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    # Until one of these, the answer period runs.
    OPEN_STATUSES = (Status.RECEIVED, Status.IN_REVIEW)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="audit_requests"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    scope = models.TextField(_("scope"))
    preferred_dates = models.TextField(_("preferred dates"), blank=True)
    auditor = models.CharField(_("auditor"), max_length=300, blank=True)
    questions = models.TextField(_("questions"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    # Frozen at receipt: a later DPA does not move a running period.
    answer_days = models.PositiveSmallIntegerField(_("answer period (days)"))
    due_on = models.DateField(_("due by"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    # When legal scheduled the audit; scheduled_start is when the audit itself takes place.
    scheduled_at = models.DateTimeField(_("audit scheduled on"), null=True, blank=True)
    scheduled_start = models.DateTimeField(_("audit starts"), null=True, blank=True)
    scheduled_end = models.DateTimeField(_("audit ends"), null=True, blank=True)
    audit_arrangements = models.TextField(_("arrangements"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)

    class Meta:
        ordering = ["due_on", "received_at"]
        verbose_name = _("audit or information request")
        verbose_name_plural = _("audit and information requests")
        constraints = [
            models.CheckConstraint(condition=~models.Q(scope=""), name="audit_request_has_scope"),
            models.CheckConstraint(
                condition=models.Q(scheduled_end__isnull=True)
                | models.Q(scheduled_end__gte=models.F("scheduled_start")),
                name="audit_request_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.reference} ({self.organisation})"

    @property
    def is_open(self) -> bool:
        """Still waiting for the provider's answer: the period runs."""
        return self.status in self.OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def responded_at(self):
        """When the provider answered or scheduled the audit, whichever came first: the moment
        that ends the answer period."""
        moments = [m for m in (self.answered_at, self.scheduled_at) if m]
        return min(moments) if moments else None


class AuditMessage(models.Model):
    """One message in a request's thread, from the customer or from the provider."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(AuditRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_provider = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("audit request message")

    def __str__(self):
        return f"{self.request.reference} message {self.sent_at:%Y-%m-%d %H:%M}"


class AuditDocument(models.Model):
    """A PDF shared with the customer as part of an answer: kept privately under a key the
    server chose, served stamped with who downloads it, under the downloader's NDA."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(AuditRequest, on_delete=models.CASCADE, related_name="documents")
    message = models.ForeignKey(
        AuditMessage, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    filename = models.CharField(_("file name"), max_length=200)
    storage_name = models.CharField(max_length=300, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("audit request document")

    def __str__(self):
        return self.filename
