"""The flags of a data subject's rights requests (restriction, objection, suppression): set on
that subject's leads and visitor profiles only, typed in the schema and exported."""

import datetime
import uuid

import pytest

from exports.builtin_source.models import JourneyEvent, Lead, VisitorProfile
from exports.register import build_register, json_schema
from exports.sources import get_category
from exports.sources.base import DataSource, DataSubject, RowFilter

pytestmark = pytest.mark.django_db

MOMENT = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
FLAGS = (
    "processing_restricted",
    "objected_to_processing",
    "suppressed",
    "opted_out_of_sale_sharing",
)


def person(tenant_id, email):
    lead = Lead.objects.create(
        tenant_id=tenant_id, email=email, created_at=MOMENT, updated_at=MOMENT
    )
    profile = VisitorProfile.objects.create(
        tenant_id=tenant_id,
        contact_id=lead.contact_id,
        first_seen_at=MOMENT,
        last_seen_at=MOMENT,
        device_type="mobile",
    )
    JourneyEvent.objects.create(
        tenant_id=tenant_id,
        profile_id=profile.profile_id,
        occurred_at=MOMENT,
        event_type="page_view",
        page_url="https://www.acme.example/",
    )
    return lead, profile


def flags_of(obj):
    obj.refresh_from_db()
    return {name: getattr(obj, name) for name in FLAGS}


def test_set_flags_flags_only_the_subjects_rows(org_a, org_b):
    source = get_category("leads")[0]
    jane, jane_profile = person(org_a.tenant_id, "jane@example.org")
    other, other_profile = person(org_a.tenant_id, "other@example.org")
    jane_b, jane_b_profile = person(org_b.tenant_id, "jane@example.org")  # another customer
    row_filter = RowFilter(tenant_id=org_a.tenant_id, subject=DataSubject(email="Jane@Example.org"))

    flagged = {
        category.id: source.set_flags(
            category_id=category.id, row_filter=row_filter, flags={"processing_restricted": True}
        )
        for category in source.categories
    }

    assert flagged == {
        "leads": 1,
        "visitor_profiles": 1,
        "journey_insights": 0,  # events keep no flags
        "organisation_profiles": 0,  # about companies, not people
    }
    restricted = {
        "processing_restricted": True,
        "objected_to_processing": False,
        "opted_out_of_sale_sharing": False,
    }
    assert flags_of(jane) == {**restricted, "suppressed": False}
    assert flags_of(jane_profile) == {**restricted, "suppressed": False}
    assert jane.updated_at > MOMENT  # the lead changed
    untouched = dict.fromkeys(FLAGS, False)
    for obj in (other, other_profile, jane_b, jane_b_profile):
        assert flags_of(obj) == untouched
    assert other.updated_at == MOMENT

    # Again, with another flag: idempotent, and the first flag stays.
    for _ in range(2):
        assert (
            source.set_flags(category_id="leads", row_filter=row_filter, flags={"suppressed": True})
            == 1
        )
    assert flags_of(jane) == {**restricted, "suppressed": True}
    assert flags_of(jane_profile)["suppressed"] is False  # only the leads were asked


def test_set_flags_refuses_unknown_flags_and_a_whole_tenant(org_a):
    source = get_category("leads")[0]
    lead, _profile = person(org_a.tenant_id, "jane@example.org")
    with pytest.raises(ValueError, match="Unknown flags"):
        source.set_flags(
            category_id="leads",
            row_filter=RowFilter(
                tenant_id=org_a.tenant_id, subject=DataSubject(email="jane@example.org")
            ),
            flags={"consent_marketing": True},
        )
    with pytest.raises(ValueError, match="subject"):
        source.set_flags(
            category_id="leads",
            row_filter=RowFilter(tenant_id=org_a.tenant_id),
            flags={"suppressed": True},
        )
    assert flags_of(lead) == dict.fromkeys(FLAGS, False)


def test_a_source_without_flags_flags_nothing():
    class Minimal(DataSource):
        def iter_rows(self, *, category_id, row_filter, chunk_size=2000):
            return iter(())

        def count(self, *, category_id, row_filter):
            return 0

        def delete_batch(self, *, category_id, row_filter, batch_size=5000):
            return 0

    row_filter = RowFilter(tenant_id=uuid.uuid4(), subject=DataSubject(email="a@example.org"))
    assert (
        Minimal().set_flags(category_id="x", row_filter=row_filter, flags={"suppressed": True}) == 0
    )


@pytest.mark.parametrize("category_id", ["leads", "visitor_profiles"])
def test_the_flags_are_typed_booleans_not_personal_data_in_the_register(category_id):
    _source, category = get_category(category_id)
    assert category.field_names[-4:] == list(FLAGS)
    properties = json_schema(category)["properties"]
    for name in FLAGS:
        assert properties[name]["type"] == "boolean"  # never null
    entry = next(c for c in build_register()["categories"] if c["id"] == category_id)
    fields = {field["name"]: field for field in entry["fields"]}
    assert all(fields[name]["personal"] is False for name in FLAGS)
    assert entry["schema_version"] == "1.2"


def test_rows_carry_the_flags_in_export_form(org_a):
    source = get_category("leads")[0]
    lead, _profile = person(org_a.tenant_id, "jane@example.org")
    Lead.objects.filter(pk=lead.pk).update(objected_to_processing=True)
    (row,) = source.iter_rows(category_id="leads", row_filter=RowFilter(tenant_id=org_a.tenant_id))
    assert (row["processing_restricted"], row["objected_to_processing"], row["suppressed"]) == (
        False,
        True,
        False,
    )
