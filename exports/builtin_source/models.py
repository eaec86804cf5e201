"""The customers' data as the provider's product keeps it, in the portal's own database.

Rows belong to a tenant by `tenant_id` (an Organisation's tenant_id), not by a foreign key:
this is the product's data, which lives apart from the portal's accounts and outlives them
until it is erased. Links between categories (a profile's contact_id, an event's profile_id)
are plain UUIDs for the same reason, and so that erasure can remove each category in batches
without cascades. Every table has a UUID primary key, the stable order of its exports, with
an index on (tenant_id, that key) for keyset pagination and one on (tenant_id, the date field)
for date periods.
"""

import uuid

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

E164_PATTERN = r"^\+[1-9][0-9]{1,14}$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"

e164_validator = RegexValidator(
    E164_PATTERN, _("Enter a phone number in E.164 form, e.g. +4930123456.")
)
country_validator = RegexValidator(
    COUNTRY_PATTERN, _("Enter an ISO 3166-1 alpha-2 country code, e.g. DE.")
)


# The flags a data subject's rights requests set on their rows (GDPR Art. 18, 21; a request to
# be suppressed; CCPA's opt-out of sale or sharing). False by default in the database too, so
# writers that name the columns they fill (COPY of sample data, the product's own imports)
# need not know them.
SUBJECT_FLAGS = (
    "processing_restricted",
    "objected_to_processing",
    "suppressed",
    "opted_out_of_sale_sharing",
)


def _restriction_flag():
    return models.BooleanField(_("processing restricted"), default=False, db_default=False)


def _objection_flag():
    return models.BooleanField(_("objected to processing"), default=False, db_default=False)


def _suppression_flag():
    return models.BooleanField(_("suppressed"), default=False, db_default=False)


def _opt_out_flag():
    return models.BooleanField(_("opted out of sale or sharing"), default=False, db_default=False)


class Lead(models.Model):
    """A contact the product identified for the customer: who, how to reach them, consent, and
    the behaviour that made them a lead."""

    contact_id = models.UUIDField(
        _("contact id"), primary_key=True, default=uuid.uuid4, editable=False
    )
    tenant_id = models.UUIDField(_("tenant id"))
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=254, null=True, blank=True)
    phone = models.CharField(
        _("phone"), max_length=16, null=True, blank=True, validators=[e164_validator]
    )
    company = models.CharField(_("company"), max_length=200, null=True, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, null=True, blank=True)
    country = models.CharField(
        _("country"), max_length=2, null=True, blank=True, validators=[country_validator]
    )
    # Never the address itself: IPv4 masked to /24 (IPv6 to /48) before it is stored.
    ip_network = models.CharField(_("IP network"), max_length=49, null=True, blank=True)
    city = models.CharField(_("city"), max_length=100, null=True, blank=True)
    region = models.CharField(_("region"), max_length=100, null=True, blank=True)
    consent_marketing = models.BooleanField(_("marketing consent"), default=False)
    consent_recorded_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    lead_score = models.IntegerField(_("lead score"), default=0)
    page_views = models.PositiveIntegerField(_("page views"), default=0)
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)
    # Set by the ingest service, not auto_now: sample data must be the same for the same seed.
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    processing_restricted = _restriction_flag()
    objected_to_processing = _objection_flag()
    suppressed = _suppression_flag()
    opted_out_of_sale_sharing = _opt_out_flag()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["tenant_id", "contact_id"], name="lead_tenant_key"),
            models.Index(fields=["tenant_id", "created_at"], name="lead_tenant_created"),
            # Rights requests find a person by email (case-insensitively) or phone.
            models.Index(models.F("tenant_id"), Upper("email"), name="lead_tenant_email"),
            models.Index(fields=["tenant_id", "phone"], name="lead_tenant_phone"),
        ]

    def __str__(self):
        return str(self.contact_id)


class VisitorProfile(models.Model):
    """A (pseudonymous) visitor of the customer's website, linked to a lead once identified."""

    class DeviceType(models.TextChoices):
        DESKTOP = "desktop", _("Desktop")
        MOBILE = "mobile", _("Mobile")
        TABLET = "tablet", _("Tablet")
        OTHER = "other", _("Other")

    profile_id = models.UUIDField(
        _("profile id"), primary_key=True, default=uuid.uuid4, editable=False
    )
    tenant_id = models.UUIDField(_("tenant id"))
    contact_id = models.UUIDField(_("contact id"), null=True, blank=True)
    first_seen_at = models.DateTimeField(_("first seen at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    sessions = models.PositiveIntegerField(_("sessions"), default=0)
    page_views = models.PositiveIntegerField(_("page views"), default=0)
    country = models.CharField(
        _("country"), max_length=2, null=True, blank=True, validators=[country_validator]
    )
    device_type = models.CharField(_("device type"), max_length=10, choices=DeviceType.choices)
    browser_family = models.CharField(_("browser family"), max_length=50, blank=True)
    referrer_domain = models.CharField(_("referrer domain"), max_length=253, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    processing_restricted = _restriction_flag()
    objected_to_processing = _objection_flag()
    suppressed = _suppression_flag()
    opted_out_of_sale_sharing = _opt_out_flag()

    class Meta:
        verbose_name = _("visitor profile")
        verbose_name_plural = _("visitor profiles")
        indexes = [
            models.Index(fields=["tenant_id", "profile_id"], name="profile_tenant_key"),
            models.Index(fields=["tenant_id", "created_at"], name="profile_tenant_created"),
            models.Index(fields=["tenant_id", "contact_id"], name="profile_tenant_contact"),
        ]

    def __str__(self):
        return str(self.profile_id)


class JourneyEvent(models.Model):
    """One step of a visitor's journey on the customer's website."""

    class EventType(models.TextChoices):
        PAGE_VIEW = "page_view", _("Page view")
        FORM_SUBMIT = "form_submit", _("Form submitted")
        DOWNLOAD = "download", _("Download")
        VIDEO_PLAY = "video_play", _("Video played")
        CHAT_STARTED = "chat_started", _("Chat started")
        EMAIL_CLICK = "email_click", _("Email link clicked")

    event_id = models.UUIDField(_("event id"), primary_key=True, default=uuid.uuid4, editable=False)
    tenant_id = models.UUIDField(_("tenant id"))
    profile_id = models.UUIDField(_("profile id"))
    occurred_at = models.DateTimeField(_("occurred at"))
    event_type = models.CharField(_("event type"), max_length=20, choices=EventType.choices)
    page_url = models.URLField(_("page URL"), max_length=2000)
    duration_seconds = models.PositiveIntegerField(_("duration in seconds"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("journey event")
        verbose_name_plural = _("journey events")
        indexes = [
            models.Index(fields=["tenant_id", "event_id"], name="event_tenant_key"),
            # A journey's date is when it happened (the category's date field), not when the
            # product recorded it.
            models.Index(fields=["tenant_id", "occurred_at"], name="event_tenant_occurred"),
            models.Index(fields=["tenant_id", "profile_id"], name="event_tenant_profile"),
        ]

    def __str__(self):
        return str(self.event_id)


class OrganisationProfile(models.Model):
    """A company the product matched the customer's visitors to (about companies, not people)."""

    class EmployeeRange(models.TextChoices):
        R1_10 = "1-10", "1-10"
        R11_50 = "11-50", "11-50"
        R51_200 = "51-200", "51-200"
        R201_500 = "201-500", "201-500"
        R501_1000 = "501-1000", "501-1000"
        R1001_5000 = "1001-5000", "1001-5000"
        R5001_PLUS = "5001+", "5001+"

    organisation_id = models.UUIDField(
        _("organisation id"), primary_key=True, default=uuid.uuid4, editable=False
    )
    tenant_id = models.UUIDField(_("tenant id"))
    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(_("domain"), max_length=253, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    employee_range = models.CharField(
        _("employee range"), max_length=10, choices=EmployeeRange.choices, null=True, blank=True
    )
    country = models.CharField(
        _("country"), max_length=2, null=True, blank=True, validators=[country_validator]
    )
    city = models.CharField(_("city"), max_length=100, null=True, blank=True)
    matched_visits = models.PositiveIntegerField(_("matched visits"), default=0)
    first_matched_at = models.DateTimeField(_("first matched at"))
    last_matched_at = models.DateTimeField(_("last matched at"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("organisation profile")
        verbose_name_plural = _("organisation profiles")
        indexes = [
            models.Index(fields=["tenant_id", "organisation_id"], name="orgprofile_tenant_key"),
            models.Index(fields=["tenant_id", "created_at"], name="orgprofile_tenant_created"),
        ]

    def __str__(self):
        return self.name
