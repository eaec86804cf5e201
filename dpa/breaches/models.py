"""Personal data breaches: incidents, the notifications sent to affected customers, and the
numbered follow-ups that complete them (GDPR Art. 33(4): information provided in phases)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IncidentQuerySet(models.QuerySet):
    def with_counts(self):
        return self.annotate(
            notified_count=models.Count("notifications", distinct=True),
            acknowledged_count=models.Count(
                "notifications",
                filter=models.Q(notifications__acknowledged_at__isnull=False),
                distinct=True,
            ),
        )


class Incident(models.Model):
    """A personal data breach as the DPO records it (GDPR Art. 33(3) lists what a notification
    describes). Editable while a draft; once notified, what customers were told stays as sent."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NOTIFIED = "notified", _("Notified")
        CLOSED = "closed", _("Closed")

    # What the DPO writes and every notification carries (email, API, webhook); the order is
    # the form's and the email's.
    NOTICE_FIELDS = (
        "title",
        "detected_at",
        "aware_at",
        "nature",
        "data_categories",
        "subjects_affected",
        "records_affected",
        "likely_consequences",
        "measures_taken",
        "measures_proposed",
        "customer_actions",
        "contact_point",
    )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    detected_at = models.DateTimeField(_("detected at"))
    aware_at = models.DateTimeField(
        _("we became aware at"),
        help_text=_("When the provider had reasonable certainty that a breach occurred."),
    )
    nature = models.TextField(_("nature of the breach"))
    data_categories = models.TextField(_("categories of personal data"))
    subjects_affected = models.PositiveIntegerField(_("data subjects affected (approx.)"))
    records_affected = models.PositiveIntegerField(_("records affected (approx.)"))
    likely_consequences = models.TextField(_("likely consequences"))
    measures_taken = models.TextField(_("measures taken"))
    measures_proposed = models.TextField(_("measures proposed"), blank=True)
    customer_actions = models.TextField(_("recommended customer actions"), blank=True)
    contact_point = models.TextField(_("contact point"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    first_notified_at = models.DateTimeField(_("first notified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-detected_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(aware_at__gte=models.F("detected_at")),
                name="incident_aware_not_before_detected",
            )
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    # What the DPO can do in each status; the services refuse the same, the pages offer these.
    @property
    def is_draft(self) -> bool:
        """Only a draft can be edited: once notified, what customers were told stays as sent."""
        return self.status == self.Status.DRAFT

    @property
    def can_notify(self) -> bool:
        """More customers can be notified until the incident is closed."""
        return self.status != self.Status.CLOSED

    @property
    def can_close(self) -> bool:
        return self.status == self.Status.NOTIFIED

    @property
    def can_follow_up(self) -> bool:
        """A follow-up adds to a notification already sent; once closed, the record is complete."""
        return self.status == self.Status.NOTIFIED


class Notification(models.Model):
    """One affected customer told of one incident. Never two for the same pair."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="notifications")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    notified_at = models.DateTimeField(_("notified at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("breach notification")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "organisation"],
                name="one_breach_notification_per_organisation",
            )
        ]

    def __str__(self):
        return f"{self.incident.reference} → {self.organisation}"


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryBase(models.Model):
    """One way a notice went out: an email to one address, or a webhook to one endpoint. The
    outbox row it links to says whether it was sent."""

    Channel = DeliveryChannel

    channel = models.CharField(_("channel"), max_length=10, choices=DeliveryChannel.choices)
    address = models.CharField(_("address"), max_length=500)
    outbox_message = models.ForeignKey(
        "notifications.OutboxMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    webhook_message = models.ForeignKey(
        "notifications.WebhookMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["channel", "address"]

    @property
    def status(self) -> str:
        message = self.outbox_message or self.webhook_message
        return message.status if message is not None else "unknown"

    @property
    def status_label(self) -> str:
        message = self.outbox_message or self.webhook_message
        return message.get_status_display() if message is not None else _("Unknown")

    @property
    def last_error(self) -> str:
        message = self.outbox_message or self.webhook_message
        return message.last_error if message is not None else ""


class Delivery(DeliveryBase):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )

    class Meta(DeliveryBase.Meta):
        verbose_name = _("breach notification delivery")
        verbose_name_plural = _("breach notification deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel", "address"],
                name="one_breach_delivery_per_address",
            )
        ]

    def __str__(self):
        return f"{self.notification} via {self.channel} to {self.address}"


class FollowUp(models.Model):
    """Information given in phases (GDPR Art. 33(4)): a numbered addition to a notified
    incident, sent to every organisation notified of it. Numbers run 1, 2, 3 per incident with
    no gap. The initial notice stays as sent; a follow-up carries what changed."""

    class Kind(models.TextChoices):
        NEW_FACTS = "new_facts", _("New facts")
        MEASURES_TAKEN = "measures_taken", _("Measures taken")
        FINAL_REPORT = "final_report", _("Final report")

    # The incident's fields a follow-up may restate with new values; blank means unchanged.
    UPDATE_FIELDS = (
        "data_categories",
        "subjects_affected",
        "records_affected",
        "likely_consequences",
        "measures_taken",
        "measures_proposed",
        "customer_actions",
    )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="follow_ups")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    body = models.TextField(_("what we can tell you now"))
    data_categories = models.TextField(_("categories of personal data"), blank=True)
    # Estimates, like the incident's; the label shown beside the value says "updated".
    subjects_affected = models.PositiveIntegerField(
        _("data subjects affected"), null=True, blank=True
    )
    records_affected = models.PositiveIntegerField(_("records affected"), null=True, blank=True)
    likely_consequences = models.TextField(_("likely consequences"), blank=True)
    measures_taken = models.TextField(_("measures taken"), blank=True)
    measures_proposed = models.TextField(_("measures proposed"), blank=True)
    customer_actions = models.TextField(_("recommended customer actions"), blank=True)
    # The form's one-time token: a second submission of the same form finds this row.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["incident", "number"]
        verbose_name = _("breach follow-up")
        verbose_name_plural = _("breach follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "number"], name="one_breach_follow_up_per_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="breach_follow_up_number_from_one"
            ),
        ]

    def __str__(self):
        return f"{self.incident.reference} follow-up {self.number}"

    @property
    def is_final(self) -> bool:
        return self.kind == self.Kind.FINAL_REPORT

    def updates(self) -> list[tuple[str, object]]:
        """(label, new value) for each field this follow-up restates, in the notice's order."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in self.UPDATE_FIELDS
            if getattr(self, name) not in ("", None)
        ]


class FollowUpNotice(models.Model):
    """One follow-up sent to one notified organisation, with its own acknowledgement. Never
    two for the same pair."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="notices")
    notification = models.ForeignKey(
        Notification, on_delete=models.PROTECT, related_name="follow_up_notices"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["follow_up__number", "notification__organisation__name"]
        verbose_name = _("breach follow-up notice")
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "notification"],
                name="one_breach_follow_up_per_organisation",
            )
        ]

    def __str__(self):
        return f"{self.follow_up} → {self.notification.organisation}"


class FollowUpDelivery(DeliveryBase):
    notice = models.ForeignKey(FollowUpNotice, on_delete=models.CASCADE, related_name="deliveries")

    class Meta(DeliveryBase.Meta):
        verbose_name = _("breach follow-up delivery")
        verbose_name_plural = _("breach follow-up deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "channel", "address"],
                name="one_breach_follow_up_delivery_per_address",
            )
        ]

    def __str__(self):
        return f"{self.notice} via {self.channel} to {self.address}"
