"""Trust-centre documents and their versions, NDAs and their acceptances, access requests and
grants (kept as separate records), download events and security questionnaires."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from trustcentre.lib.review import Reviewable


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("Public")
    REGISTERED = "registered", _("Registered users")
    NDA = "nda", _("Under NDA")
    PRIVATE = "private", _("Private (staff only)")


GATED_LEVELS = (AccessLevel.REGISTERED, AccessLevel.NDA)


class DocumentCategory(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("document category")
        verbose_name_plural = _("document categories")

    def __str__(self):
        return self.name


class DocumentQuerySet(models.QuerySet):
    def listed(self):
        """What the library shows: every level but private, with a published version."""
        return self.exclude(access_level=AccessLevel.PRIVATE).filter(current_version__isnull=False)


class Document(Reviewable):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        DocumentCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    access_level = models.CharField(
        _("access level"), max_length=12, choices=AccessLevel.choices, default=AccessLevel.NDA
    )
    # The newest published version, kept here so a list of documents is one query.
    current_version = models.ForeignKey(
        "DocumentVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["category__order", "title"]
        verbose_name = _("document")

    def __str__(self):
        return self.title

    @property
    def is_gated(self) -> bool:
        return self.access_level in GATED_LEVELS


class DocumentVersion(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    # The storage key is a UUID chosen by the server; the filename is shown and sanitised.
    storage_name = models.CharField(max_length=200, editable=False)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    is_encrypted = models.BooleanField(_("encrypted PDF"), default=False)
    notes = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_number_per_version")
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def download_filename(self) -> str:
        """What a downloaded copy is called: the document's title and this version
        ("soc-2-type-ii-report-v3.pdf"), whatever name the file had when it was uploaded."""
        stem = slugify(self.document.title)[:80].strip("-") or "document"
        extension = PurePosixPath(self.filename).suffix.lower()
        return f"{stem}-v{self.number}{extension}"


class NdaVersion(models.Model):
    """Append-only: a new text is a new version; acceptances pin the hash of the text."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    sha256 = models.CharField(max_length=64, editable=False)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("NDA version")

    def __str__(self):
        return f"{self.title} (v{self.number})"

    @classmethod
    def current(cls) -> "NdaVersion | None":
        return cls.objects.filter(published_at__lte=timezone.now()).order_by("-number").first()


class NdaAcceptance(models.Model):
    class Kind(models.TextChoices):
        CLICK_THROUGH = "click_through", _("Accepted online")
        COUNTERSIGNED = "countersigned", _("Countersigned copy uploaded")

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        PENDING = "pending", _("Waiting for legal")
        REJECTED = "rejected", _("Rejected")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nda_acceptances"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    nda_version = models.ForeignKey(
        NdaVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="acceptances"
    )
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    signer_name = models.CharField(_("full name"), max_length=200)
    signer_title = models.CharField(_("job title"), max_length=200)
    company = models.CharField(_("company"), max_length=200)
    email = models.EmailField(_("email"))
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    storage_name = models.CharField(max_length=200, blank=True, editable=False)
    review_flags = models.JSONField(
        _("points for legal to check"),
        default=list,
        blank=True,
        help_text=_("What the upload check found in the file: 'javascript', 'encrypted'."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("NDA acceptance")

    def __str__(self):
        return f"NDA {self.nda_version_id or 'upload'} by {self.email}"

    @property
    def is_in_force(self) -> bool:
        return self.status == self.Status.ACCEPTED and self.expires_at > timezone.now()

    REVIEW_FLAG_TEXTS = {
        "javascript": _(
            "The PDF contains JavaScript, which some readers run when it is opened. Open it "
            "only in a viewer with scripts off, and check that it is the NDA it claims to be."
        ),
        "encrypted": _(
            "The PDF is encrypted: its text cannot be checked here and it may need a password. "
            "Check that it is the NDA it claims to be."
        ),
    }

    @property
    def review_flag_texts(self) -> list[str]:
        return [str(self.REVIEW_FLAG_TEXTS[flag]) for flag in self.review_flags]


class AccessRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Rule(models.TextChoices):
        DENY_LIST = "deny_list", _("Domain on the deny-list")
        CUSTOMER = "customer", _("Customer with a DPA in force")
        ALLOW_LIST = "allow_list", _("Domain on the allow-list")
        FREE_MAIL = "free_mail", _("Free-mail domain: manual review")
        MANUAL = "manual", _("Manual review")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_requests"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_requests",
    )
    email = models.EmailField(_("email"))
    company = models.CharField(_("company"), max_length=200)
    reason = models.TextField(_("reason"))
    documents = models.ManyToManyField(Document, related_name="access_requests")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rule = models.CharField(_("decided by rule"), max_length=12, choices=Rule.choices)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access request")

    def __str__(self):
        return f"{self.email} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        """Still waiting for a decision: staff may approve or reject it."""
        return self.status == self.Status.PENDING

    @property
    def reference(self) -> str:
        return str(self.public_id)[:8].upper()


class GrantQuerySet(models.QuerySet):
    def in_force(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class AccessGrant(models.Model):
    """What was granted, frozen at approval: the documents, the term and its end."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    access_request = models.OneToOneField(
        AccessRequest, on_delete=models.PROTECT, related_name="grant"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    documents = models.ManyToManyField(Document, related_name="grants")
    term_days = models.PositiveIntegerField(_("term in days"))
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)
    expiry_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("access grant")

    def __str__(self):
        return f"grant {self.public_id} to {self.user}"

    @property
    def is_in_force(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class DocumentEvent(models.Model):
    """Every view and download of a document; a download's public id is stamped on the PDF."""

    class Kind(models.TextChoices):
        VIEW = "view", _("View")
        DOWNLOAD = "download", _("Download")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    grant = models.ForeignKey(
        AccessGrant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["kind", "occurred_at"])]

    def __str__(self):
        return f"{self.kind} of {self.document_id} at {self.occurred_at}"


class Questionnaire(models.Model):
    """A security questionnaire sent by a customer or prospect, answered by staff with a file."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ASSIGNED = "assigned", _("Assigned")
        ANSWERED = "answered", _("Answered")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="questionnaires"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    company = models.CharField(_("company"), max_length=200)
    due_on = models.DateField(_("due on"))
    filename = models.CharField(max_length=200)
    storage_name = models.CharField(max_length=200, editable=False)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer_filename = models.CharField(max_length=200, blank=True)
    answer_storage_name = models.CharField(max_length=200, blank=True, editable=False)
    answer_sha256 = models.CharField(max_length=64, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(answer_storage_name=""),
                name="answered_questionnaire_has_answer",
            )
        ]

    def __str__(self):
        return f"questionnaire {self.public_id} from {self.company}"
