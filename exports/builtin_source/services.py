"""Putting data into the built-in source: normalised, validated, and never for a suppressed subject.

A data subject erased at their request is on the suppression list (exports.models); the product
must not import them again, so every way in goes through SuppressionCheck.
"""

import ipaddress
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exports.builtin_source.models import Lead, VisitorProfile
from exports.models import SuppressionEntry, identifier_hash


class SubjectSuppressed(ValidationError):
    """The subject was erased at their request and may not be imported again."""

    def __init__(self):
        super().__init__(
            _(
                "This person asked to be erased and is on the suppression list; "
                "they are not imported."
            ),
            code="suppressed",
        )


def normalise_phone(value: str | None) -> str | None:
    """+49 (30) 123-456 -> +4930123456: the E.164 form stored and matched."""
    if not value:
        return None
    value = value.strip()
    digits = "".join(ch for ch in value if ch.isdigit())
    if value.startswith("+"):
        return f"+{digits}"
    if value.startswith("00"):
        return f"+{digits[2:]}"
    return value  # a national number: not E.164, and the model's validator says so


def mask_ip(address: str | None) -> str | None:
    """The network of an address, never the address: IPv4 /24, IPv6 /48 (CIDR text)."""
    if not address:
        return None
    ip = ipaddress.ip_address(address.strip())
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


class SuppressionCheck:
    """A tenant's suppression list, read once, for checking many rows (imports of millions)."""

    def __init__(self, hashes: Iterable[str]):
        self._hashes = frozenset(hashes)

    @classmethod
    def for_tenant(cls, tenant_id) -> "SuppressionCheck":
        return cls(
            SuppressionEntry.objects.filter(tenant_id=tenant_id).values_list(
                "identifier_hash", flat=True
            )
        )

    def refuses(self, *, email=None, phone=None, contact_id=None) -> bool:
        if not self._hashes:  # the usual case: skip the hashing
            return False
        candidates = []
        if email:
            candidates.append(identifier_hash(SuppressionEntry.Kind.EMAIL, email))
        if phone:
            candidates.append(identifier_hash(SuppressionEntry.Kind.PHONE, phone))
        if contact_id:
            # Hashed in its canonical text (hyphenated), whatever form it was given in.
            canonical = str(
                contact_id if isinstance(contact_id, uuid.UUID) else uuid.UUID(str(contact_id))
            )
            candidates.append(identifier_hash(SuppressionEntry.Kind.CONTACT_ID, canonical))
        return any(candidate in self._hashes for candidate in candidates)


@transaction.atomic
def lead_ingest(
    *,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID | None = None,
    email: str | None = None,
    phone: str | None = None,
    ip_address: str | None = None,
    country: str | None = None,
    **attributes,
) -> Lead:
    """Create one lead from the product's data; SubjectSuppressed for an erased subject."""
    email = email.strip() if email else None
    phone = normalise_phone(phone)
    contact_id = contact_id or uuid.uuid4()
    if SuppressionCheck.for_tenant(tenant_id).refuses(
        email=email, phone=phone, contact_id=contact_id
    ):
        raise SubjectSuppressed()
    now = timezone.now()
    attributes.setdefault("created_at", now)
    attributes.setdefault("updated_at", attributes["created_at"])
    lead = Lead(
        tenant_id=tenant_id,
        contact_id=contact_id,
        email=email,
        phone=phone,
        ip_network=mask_ip(ip_address),
        country=country.upper() if country else None,
        **attributes,
    )
    lead.full_clean()
    lead.save(force_insert=True)
    return lead


@transaction.atomic
def visitor_profile_ingest(
    *, tenant_id: uuid.UUID, contact_id: uuid.UUID | None = None, **attributes
) -> VisitorProfile:
    """Create one visitor profile; SubjectSuppressed when it is linked to an erased contact."""
    if contact_id and SuppressionCheck.for_tenant(tenant_id).refuses(contact_id=contact_id):
        raise SubjectSuppressed()
    profile = VisitorProfile(tenant_id=tenant_id, contact_id=contact_id, **attributes)
    profile.full_clean()
    profile.save(force_insert=True)
    return profile
