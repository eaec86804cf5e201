"""A data subject on the suppression list (erased at their request) is never imported again:
not by email, phone or contact id, not through a linked visitor profile, not by sample data."""

import datetime
import hashlib
import uuid

import pytest
from django.core.exceptions import ValidationError

from exports.builtin_source.models import Lead, VisitorProfile
from exports.builtin_source.services import (
    SubjectSuppressed,
    lead_ingest,
    mask_ip,
    visitor_profile_ingest,
)
from exports.models import SuppressionEntry, identifier_hash
from rights_requests.services.fulfilment import suppress_subject

MOMENT = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC)


def suppress(tenant_id, kind, value):
    SuppressionEntry.objects.create(
        tenant_id=tenant_id, kind=kind, identifier_hash=identifier_hash(kind, value)
    )


def test_a_lead_is_imported_normalised_and_with_its_ip_masked(org_a):
    lead = lead_ingest(
        tenant_id=org_a.tenant_id,
        email=" jane@example.com ",
        phone="+49 (30) 123-456",
        ip_address="203.0.113.77",
        country="de",
        first_name="Jane",
        created_at=MOMENT,
    )
    lead.refresh_from_db()
    assert (lead.email, lead.phone, lead.ip_network, lead.country) == (
        "jane@example.com",
        "+4930123456",
        "203.0.113.0/24",
        "DE",
    )
    assert lead.created_at == lead.updated_at == MOMENT
    assert mask_ip("2001:db8:abcd:12::1") == "2001:db8:abcd::/48"


@pytest.mark.parametrize(
    "kind, stored, given",
    [
        ("email", "Jane@Example.com", {"email": "jane@example.com"}),
        ("phone", "+4930123456", {"phone": "+49 30 123456"}),
        ("phone", "+4930123456", {"phone": "0049 30 123456"}),
    ],
)
def test_a_suppressed_email_or_phone_is_refused(org_a, kind, stored, given):
    suppress(org_a.tenant_id, kind, stored)
    with pytest.raises(SubjectSuppressed) as caught:
        lead_ingest(tenant_id=org_a.tenant_id, **given)
    assert isinstance(caught.value, ValidationError)  # the API and forms show it as bad input
    assert not Lead.objects.exists()


def test_a_suppressed_contact_id_is_refused_for_leads_and_linked_profiles(org_a):
    contact_id = uuid.uuid4()
    suppress(org_a.tenant_id, "contact_id", str(contact_id))
    with pytest.raises(SubjectSuppressed):
        lead_ingest(
            tenant_id=org_a.tenant_id, contact_id=contact_id, email="new.address@example.com"
        )
    with pytest.raises(SubjectSuppressed):
        visitor_profile_ingest(
            tenant_id=org_a.tenant_id,
            contact_id=contact_id,
            first_seen_at=MOMENT,
            last_seen_at=MOMENT,
            device_type="mobile",
        )
    assert not Lead.objects.exists() and not VisitorProfile.objects.exists()
    # An anonymous profile carries no identifier and is imported.
    visitor_profile_ingest(
        tenant_id=org_a.tenant_id, first_seen_at=MOMENT, last_seen_at=MOMENT, device_type="mobile"
    )
    assert VisitorProfile.objects.count() == 1


def test_the_suppression_list_is_per_tenant(org_a, org_b):
    suppress(org_b.tenant_id, "email", "jane@example.com")
    lead_ingest(tenant_id=org_a.tenant_id, email="jane@example.com")
    assert Lead.objects.filter(tenant_id=org_a.tenant_id).count() == 1


def test_invalid_values_are_refused_with_the_reason(org_a):
    with pytest.raises(ValidationError) as caught:
        lead_ingest(
            tenant_id=org_a.tenant_id,
            email="jane@example.com",
            phone="030 123456",
            country="Germany",
        )
    assert {"phone", "country"} <= set(caught.value.message_dict)
    assert not Lead.objects.exists()


# The suppression list's hashes are keyed with a secret pepper (HMAC-SHA256): without it, a
# leaked list cannot be checked against guessed emails.


def test_the_hash_is_keyed_with_the_pepper_not_a_plain_sha256(settings):
    settings.SUPPRESSION_PEPPER = "pepper-one"
    first = identifier_hash("email", "jane@example.com")
    settings.SUPPRESSION_PEPPER = "pepper-two"
    second = identifier_hash("email", "jane@example.com")
    assert first != second and len(first) == len(second) == 64
    plain = hashlib.sha256(b"email:jane@example.com").hexdigest()
    assert plain not in (first, second)
    # No pepper configured: one derived from SECRET_KEY, so another key gives another hash.
    settings.SUPPRESSION_PEPPER = ""
    derived = identifier_hash("email", "jane@example.com")
    assert derived not in (first, second, plain)
    settings.SECRET_KEY = "another-secret-key-of-enough-length-for-django-" + "x" * 20
    assert identifier_hash("email", "jane@example.com") != derived


@pytest.mark.parametrize("pepper", ["", "a-configured-pepper"])
def test_case_and_space_variants_of_an_email_hash_alike(settings, pepper):
    settings.SUPPRESSION_PEPPER = pepper
    expected = identifier_hash("email", "jane.doe@example.com")
    for variant in ("Jane.Doe@Example.com", "  jane.doe@example.com\t", "JANE.DOE@EXAMPLE.COM "):
        assert identifier_hash("email", variant) == expected
    assert identifier_hash("email", "jane.doe2@example.com") != expected
    assert identifier_hash("phone", "jane.doe@example.com") != expected  # the kind counts


def test_a_suppressed_subject_is_refused_under_a_configured_pepper(settings, org_a):
    settings.SUPPRESSION_PEPPER = "production-pepper"
    suppress_subject(
        tenant_id=org_a.tenant_id, email="Jane@Example.com", phones=["+4930123456"], reason="test"
    )
    with pytest.raises(SubjectSuppressed):
        lead_ingest(tenant_id=org_a.tenant_id, email=" jane@example.COM ")
    with pytest.raises(SubjectSuppressed):
        lead_ingest(tenant_id=org_a.tenant_id, phone="+49 30 123456")
    assert not Lead.objects.filter(tenant_id=org_a.tenant_id).exists()
    # Rotating the pepper makes the existing entries unrecognisable (as the README warns).
    settings.SUPPRESSION_PEPPER = "rotated-pepper"
    assert not SuppressionEntry.is_suppressed(
        tenant_id=org_a.tenant_id, kind="email", value="jane@example.com"
    )
