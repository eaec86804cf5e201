"""A data subject on the suppression list (erased at their request) is never imported again:
not by email, phone or contact id, not through a linked visitor profile, not by sample data."""

import datetime
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
