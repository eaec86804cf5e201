"""The outbox: every email (later every webhook) is a row written with the change that causes it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Emails whose body is a credential in itself (a password-reset link, a sign-in code). The portal
# lists them but keeps the body in the mailbox: whoever holds a session must not be able to turn
# it into the password.
CREDENTIAL_CAUSE_PREFIXES = (
    "allauth:account/email/password_reset",
    "allauth:account/email/login_code",
    "allauth:account/email/email_confirmation",
    "allauth:account/email/unknown_account",
    "allauth:account/email/account_already_exists",
)


class OutboxMessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Messages addressed to this user: linked to the account, or sent to one of its verified
        addresses (an address the user has not proven is not theirs to read)."""
        if not user.is_authenticated:
            return self.none()
        from allauth.account.models import EmailAddress

        addressed = models.Q(recipient=user)
        verified = EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
        for address in verified:
            addressed |= models.Q(to_email__iexact=address)
        return self.filter(addressed)

    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cause = models.CharField(
        _("cause"),
        max_length=200,
        help_text=_(
            "What made this message, e.g. 'invitation:<uuid>'. One message per cause and recipient."
        ),
    )
    template = models.CharField(_("template"), max_length=200)
    to_email = models.EmailField(_("to"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When a delivery task for it was handed to the broker, while it waits."),
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbox message")
        constraints = [
            models.UniqueConstraint(
                fields=["cause", "to_email"], name="one_message_per_cause_and_recipient"
            )
        ]

    def __str__(self):
        return f"{self.subject} → {self.to_email}"

    @property
    def message_id(self) -> str:
        """Stable across retries, so a resend after a crash is recognisably the same message."""
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ")
        return f"<{self.public_id}@{domain}>"

    @property
    def carries_credential(self) -> bool:
        return self.cause.startswith(CREDENTIAL_CAUSE_PREFIXES)


class DeliveryAttempt(models.Model):
    """One try at handing a message to the mail server, so retries and their delays are visible."""

    class Outcome(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SENT = "sent", _("Sent")
        DEFERRED = "deferred", _("Deferred, will retry")
        FAILED = "failed", _("Failed, gave up")
        ABANDONED = "abandoned", _("Abandoned, outcome unknown")

    message = models.ForeignKey(
        OutboxMessage, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.IN_PROGRESS
    )
    error = models.TextField(_("error"), blank=True)
    retry_at = models.DateTimeField(
        _("next try at"),
        null=True,
        blank=True,
        help_text=_("When the message was due again after this attempt."),
    )

    class Meta:
        ordering = ["message", "number"]
        verbose_name = _("delivery attempt")
        indexes = [models.Index(fields=["message", "number"], name="delivery_attempt_message_no")]

    def __str__(self):
        return f"{self.message_id} #{self.number} {self.outcome}"


# Webhooks (Standard Webhooks) --------------------------------------------------------------


class WebhookEvent(models.TextChoices):
    SUBPROCESSOR_CHANGE_ANNOUNCED = (
        "subprocessor.change.announced",
        _("A sub-processor change is announced"),
    )
    SUBPROCESSOR_CHANGE_EFFECTIVE = (
        "subprocessor.change.effective",
        _("A sub-processor change takes effect"),
    )
    DPA_VERSION_PUBLISHED = "dpa.version.published", _("A new DPA version is published")
    SECURITY_NOTICE_PUBLISHED = "security.notice.published", _("A security notice is published")
    SECURITY_NOTICE_FOLLOW_UP = (
        "security.notice.follow_up",
        _("A follow-up to a security notice is sent"),
    )


class WebhookEndpoint(models.Model):
    """A customer's HTTPS endpoint. The secret signs every delivery; it is shown once, at
    creation, and kept because signing needs it (as the Standard Webhooks spec expects)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook endpoint")

    def __str__(self):
        return self.url


class WebhookMessage(models.Model):
    """One event for one endpoint: the webhook's outbox row. Its public id is the `webhook-id`,
    the same on every attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Delivered")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="messages")
    cause = models.CharField(max_length=200)
    event_type = models.CharField(max_length=100)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "cause"], name="one_webhook_per_cause_and_endpoint"
            )
        ]

    def __str__(self):
        return f"{self.event_type} → {self.endpoint}"

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.public_id.hex}"


class WebhookAttempt(models.Model):
    message = models.ForeignKey(WebhookMessage, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["message", "number"]

    def __str__(self):
        return f"{self.message_id} #{self.number} {self.status_code or '-'}"
