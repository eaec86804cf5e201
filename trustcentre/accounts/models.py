"""Users (email is the login), organisations, memberships, invitations and API keys."""

import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

STAFF_ROLES = ("legal", "dpo", "trust_admin")
TIME_ZONE_CHOICES = sorted((name, name) for name in zoneinfo.available_timezones())


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/Berlin"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.email

    @property
    def email_domain(self) -> str:
        return self.email.rsplit("@", 1)[-1].lower()

    @property
    def staff_roles(self) -> set[str]:
        if not hasattr(self, "_staff_roles"):
            self._staff_roles = set(
                self.groups.filter(name__in=STAFF_ROLES).values_list("name", flat=True)
            )
        return self._staff_roles

    @property
    def needs_second_factor(self) -> bool:
        """Staff of every kind must verify a second factor before the back office."""
        return self.is_staff or self.is_superuser or bool(self.staff_roles)


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.needs_second_factor:
            return self
        return self.filter(memberships__user=user).distinct()


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        CUSTOMER = "customer", _("Customer")
        FORMER_CUSTOMER = "former_customer", _("Former customer")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant_id = models.UUIDField(
        _("tenant id"),
        default=uuid.uuid4,
        unique=True,
        help_text=_("The identifier of this customer's data in the provider's product."),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROSPECT)
    email_domains = models.JSONField(
        _("email domains"),
        default=list,
        blank=True,
        help_text=_("Domains whose verified users may join this organisation."),
    )
    allow_domain_join = models.BooleanField(
        _("let verified users of these domains join as members"), default=False
    )
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    contract_end = models.DateField(_("contract end"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True)
                | Q(contract_start__isnull=True)
                | Q(contract_end__gte=models.F("contract_start")),
                name="organisation_contract_end_after_start",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.email_domains = sorted(
            {d.strip().lower().lstrip("@") for d in self.email_domains if d.strip()}
        )
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            raise ValidationError({"contract_end": _("The contract cannot end before it starts.")})


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        ADMIN = "admin", _("Admin")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_membership_per_user_and_organisation"
            )
        ]

    def __str__(self):
        return f"{self.user} in {self.organisation} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Invitation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} to {self.organisation}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApiKey(models.Model):
    """An organisation's key for the REST API. Only the SHA-256 of the secret is stored."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class _BackupCodeHasher(PBKDF2PasswordHasher):
    # A backup code carries 60 random bits, so it needs far less stretching than a password
    # a person chose; and one attempt may have to check all ten codes of a set.
    iterations = 20_000


class BackupCodeDevice(ThrottlingMixin, Device):
    """One-time backup codes for when the authenticator is lost. django-otp's own static
    device keeps codes in plain text; here only salted PBKDF2 hashes are stored."""

    CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32: 5 bits a character
    CODE_LENGTH = 12
    CODES_PER_SET = 10
    _hasher = _BackupCodeHasher()

    class Meta(Device.Meta):
        verbose_name = _("backup code set")

    def get_throttle_factor(self):
        return settings.OTP_TOTP_THROTTLE_FACTOR

    @classmethod
    def normalise_code(cls, value: str) -> str:
        """What the person typed, as stored: no separators, upper case. Digits that base32
        never uses are read as the letters they are usually mistaken for."""
        cleaned = "".join(value.split()).replace("-", "").upper()
        return cleaned.translate(str.maketrans({"0": "O", "1": "I", "8": "B"}))

    @classmethod
    def format_code(cls, code: str) -> str:
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))

    @classmethod
    def new_code(cls) -> str:
        return "".join(secrets.choice(cls.CODE_ALPHABET) for _ in range(cls.CODE_LENGTH))

    def replace_codes(self) -> list[str]:
        """Forget every earlier code and store a fresh set; returns the new codes, which
        exist nowhere else and must be shown to the person now."""
        codes = [self.new_code() for _ in range(self.CODES_PER_SET)]
        self.codes.all().delete()
        BackupCode.objects.bulk_create(
            BackupCode(device=self, code_hash=self._hasher.encode(code, self._hasher.salt()))
            for code in codes
        )
        self.throttle_reset(commit=True)
        return codes

    def remaining_codes(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()

    def verify_token(self, token) -> bool:
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        code = self.normalise_code(str(token))
        matched = None
        if len(code) == self.CODE_LENGTH and set(code) <= set(self.CODE_ALPHABET):
            for backup in self.codes.filter(used_at__isnull=True):
                if self._hasher.verify(code, backup.code_hash):
                    matched = backup
                    break
        # The conditional update makes a code single-use even when two requests race.
        if matched is not None and BackupCode.objects.filter(
            pk=matched.pk, used_at__isnull=True
        ).update(used_at=timezone.now()):
            self.throttle_reset(commit=True)
            return True
        self.throttle_increment(commit=True)
        return False


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=200)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("backup code")

    def __str__(self):
        return f"backup code {self.pk} ({'used' if self.used_at else 'unused'})"


class OAuthClient(models.Model):
    """An organisation's OAuth 2.0 client for the REST API (client-credentials grant). The
    protocol side (client id, hashed secret, access tokens) is django-oauth-toolkit's
    Application; this row ties it to one organisation, with the scopes it may ask for and its
    revocation."""

    class Scope(models.TextChoices):
        READ = "read", _("Read the organisation, its members, security notices and exports")
        EXPORT = "export", _("Request and download data exports")
        OBJECTIONS = "objections", _("Object to sub-processor changes")
        # Filing a rights request needs no credential; the scope is there for the
        # organisation's own rights-request operations as they come to the API.
        RIGHTS_REQUESTS = (
            "rights_requests",
            _("Rights requests (reserved: no operation needs it yet)"),
        )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="oauth_clients"
    )
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="api_client",
    )
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_token_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API client")

    def __str__(self):
        return f"{self.name} ({self.client_id})"

    @property
    def client_id(self) -> str:
        return self.application.client_id

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def scope_labels(self) -> list[str]:
        labels = dict(self.Scope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes]
