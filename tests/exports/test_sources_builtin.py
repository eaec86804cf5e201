"""The built-in data source: rows of one tenant only, in a stable order, streamed in chunks,
filtered by data subject and date period, counted, and deleted in batches."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exports.builtin_source.models import JourneyEvent, Lead, OrganisationProfile, VisitorProfile
from exports.sources import get_category
from exports.sources.base import DataSubject, FieldType, RowFilter

UTC = datetime.UTC
CATEGORY_IDS = ["leads", "visitor_profiles", "journey_insights", "organisation_profiles"]


@pytest.fixture
def source():
    return get_category("leads")[0]


def _rows(source, category_id, row_filter, **options):
    return list(source.iter_rows(category_id=category_id, row_filter=row_filter, **options))


@pytest.mark.parametrize("category_id", CATEGORY_IDS)
def test_rows_and_count_agree_and_hold_only_the_tenants_rows(
    source, customer_data, org_a, org_b, category_id
):
    rows_a = _rows(source, category_id, RowFilter(tenant_id=org_a.tenant_id))
    rows_b = _rows(source, category_id, RowFilter(tenant_id=org_b.tenant_id))
    assert len(rows_a) == getattr(customer_data, category_id) > 0
    assert len(rows_a) == source.count(
        category_id=category_id, row_filter=RowFilter(tenant_id=org_a.tenant_id)
    )
    assert (
        len(rows_b)
        == source.count(category_id=category_id, row_filter=RowFilter(tenant_id=org_b.tenant_id))
        > 0
    )

    _source, category = get_category(category_id)
    key = category.fields[0].name  # every category's first field is its primary key
    keys_a = {row[key] for row in rows_a}
    keys_b = {row[key] for row in rows_b}
    assert len(keys_a) == len(rows_a) and not keys_a & keys_b
    model = {
        "leads": Lead,
        "visitor_profiles": VisitorProfile,
        "journey_insights": JourneyEvent,
        "organisation_profiles": OrganisationProfile,
    }[category_id]
    assert keys_a == set(
        model.objects.filter(tenant_id=org_a.tenant_id).values_list("pk", flat=True)
    )


def test_an_unknown_tenant_has_no_rows(source, customer_data):
    row_filter = RowFilter(tenant_id=uuid.uuid4())
    for category_id in CATEGORY_IDS:
        assert _rows(source, category_id, row_filter) == []
        assert source.count(category_id=category_id, row_filter=row_filter) == 0


@pytest.mark.parametrize("category_id", CATEGORY_IDS)
def test_rows_are_in_export_form_with_the_schemas_keys_in_order(
    source, customer_data, org_a, category_id
):
    _source, category = get_category(category_id)
    for row in _rows(source, category_id, RowFilter(tenant_id=org_a.tenant_id)):
        assert list(row) == category.field_names
        for field in category.fields:
            value = row[field.name]
            if value is None:
                assert field.nullable, field.name
            elif field.type == FieldType.DATETIME:
                assert isinstance(
                    value, datetime.datetime
                ) and value.utcoffset() == datetime.timedelta(0)
            elif field.type == FieldType.UUID:
                assert isinstance(value, uuid.UUID)
            elif field.type == FieldType.BOOLEAN:
                assert isinstance(value, bool)
            elif field.type == FieldType.INTEGER:
                assert isinstance(value, int) and not isinstance(value, bool)
            else:
                assert isinstance(value, str)


def test_the_order_is_stable_and_chunking_does_not_change_it(source, customer_data, org_a):
    row_filter = RowFilter(tenant_id=org_a.tenant_id)
    whole = _rows(source, "journey_insights", row_filter, chunk_size=100_000)
    assert whole == _rows(source, "journey_insights", row_filter, chunk_size=7)
    assert whole == _rows(source, "journey_insights", row_filter)
    assert [row["event_id"] for row in whole] == sorted(row["event_id"] for row in whole)


def test_rows_stream_by_keyset_one_bounded_query_per_chunk(source, org_a, make_lead):
    for number in range(25):
        make_lead(org_a.tenant_id, email=f"p{number}@example.com")
    rows = source.iter_rows(
        category_id="leads", row_filter=RowFilter(tenant_id=org_a.tenant_id), chunk_size=10
    )
    with CaptureQueriesContext(connection) as queries:
        first = [next(rows) for _ in range(10)]
        assert len(queries) == 1, "the first chunk only, not the whole table"
        rest = list(rows)
    assert len(first) + len(rest) == 25
    assert len(queries) == 3  # 10 + 10 + 5
    for query in queries.captured_queries:
        sql = query["sql"].upper()
        assert "LIMIT 10" in sql and "OFFSET" not in sql
    # Chunks after the first start after the last key seen.
    assert all('"CONTACT_ID" >' in query["sql"].upper() for query in queries.captured_queries[1:])


def test_a_subject_is_found_by_email_phone_or_contact_id(source, org_a, org_b, make_lead):
    person = make_lead(org_a.tenant_id, email="Jane.Doe@Example.com", phone="+4930123456")
    make_lead(org_a.tenant_id, email="someone.else@example.com", phone="+4930999999")
    make_lead(org_b.tenant_id, email="jane.doe@example.com", phone="+4930123456")  # another tenant

    def contacts(**identifiers):
        row_filter = RowFilter(tenant_id=org_a.tenant_id, subject=DataSubject(**identifiers))
        return [row["contact_id"] for row in _rows(source, "leads", row_filter)]

    assert contacts(email="jane.doe@example.com") == [person.contact_id]  # case-insensitive
    assert contacts(phone="+49 30 123456") == [person.contact_id]  # written the way people do
    assert contacts(contact_id=person.contact_id) == [person.contact_id]
    assert contacts(email="nobody@example.com") == []


def test_a_subjects_profiles_and_events_are_found_through_their_leads(source, org_a):
    from exports.builtin_source.models import JourneyEvent, VisitorProfile

    moment = datetime.datetime(2026, 2, 1, tzinfo=UTC)
    lead = Lead.objects.create(
        tenant_id=org_a.tenant_id, email="jane@example.com", created_at=moment
    )

    def profile(contact_id):
        return VisitorProfile.objects.create(
            tenant_id=org_a.tenant_id,
            contact_id=contact_id,
            first_seen_at=moment,
            last_seen_at=moment,
            device_type="desktop",
        )

    def event(profile_id):
        return JourneyEvent.objects.create(
            tenant_id=org_a.tenant_id,
            profile_id=profile_id,
            occurred_at=moment,
            event_type="page_view",
            page_url="https://www.acme.example/",
        )

    theirs, anonymous = profile(lead.contact_id), profile(None)
    their_events = {event(theirs.profile_id).event_id, event(theirs.profile_id).event_id}
    event(anonymous.profile_id)
    OrganisationProfile.objects.create(
        tenant_id=org_a.tenant_id, name="Acme", first_matched_at=moment, last_matched_at=moment
    )

    subject_filter = RowFilter(
        tenant_id=org_a.tenant_id, subject=DataSubject(email="jane@example.com")
    )
    assert [row["profile_id"] for row in _rows(source, "visitor_profiles", subject_filter)] == [
        theirs.profile_id
    ]
    assert {
        row["event_id"] for row in _rows(source, "journey_insights", subject_filter)
    } == their_events
    assert source.count(category_id="journey_insights", row_filter=subject_filter) == 2
    # Organisation profiles are about companies: no one's rows.
    assert _rows(source, "organisation_profiles", subject_filter) == []
    assert source.count(category_id="organisation_profiles", row_filter=subject_filter) == 0

    # By contact id, the profile is still found once the lead itself is gone (erasure order).
    contact_id = lead.contact_id
    lead.delete()
    by_contact = RowFilter(tenant_id=org_a.tenant_id, subject=DataSubject(contact_id=contact_id))
    assert [row["profile_id"] for row in _rows(source, "visitor_profiles", by_contact)] == [
        theirs.profile_id
    ]


def test_a_date_period_is_inclusive_utc_days(source, org_a, make_lead):
    def at(*args):
        return datetime.datetime(*args, tzinfo=UTC)

    inside = {
        make_lead(org_a.tenant_id, created_at=at(2026, 3, 1, 0, 0, 0)).contact_id,  # first instant
        make_lead(
            org_a.tenant_id, created_at=at(2026, 3, 31, 23, 59, 59, 999999)
        ).contact_id,  # last
    }
    make_lead(org_a.tenant_id, created_at=at(2026, 2, 28, 23, 59, 59, 999999))
    make_lead(org_a.tenant_id, created_at=at(2026, 4, 1, 0, 0, 0))
    # 00:30 on 1 April in Berlin is still 31 March in UTC: inside.
    berlin = datetime.timezone(datetime.timedelta(hours=2))
    inside.add(
        make_lead(
            org_a.tenant_id, created_at=datetime.datetime(2026, 4, 1, 0, 30, tzinfo=berlin)
        ).contact_id
    )

    march = RowFilter(
        tenant_id=org_a.tenant_id,
        date_from=datetime.date(2026, 3, 1),
        date_to=datetime.date(2026, 3, 31),
    )
    assert {row["contact_id"] for row in _rows(source, "leads", march)} == inside
    assert source.count(category_id="leads", row_filter=march) == 3
    from_april = RowFilter(tenant_id=org_a.tenant_id, date_from=datetime.date(2026, 4, 1))
    assert source.count(category_id="leads", row_filter=from_april) == 1
    until_february = RowFilter(tenant_id=org_a.tenant_id, date_to=datetime.date(2026, 2, 28))
    assert source.count(category_id="leads", row_filter=until_february) == 1


def test_journey_periods_filter_on_when_the_event_happened(source, customer_data, org_a):
    _source, category = get_category("journey_insights")
    assert category.date_field == "occurred_at"
    day = (
        JourneyEvent.objects.filter(tenant_id=org_a.tenant_id)
        .order_by("occurred_at")
        .first()
        .occurred_at.date()
    )
    one_day = RowFilter(tenant_id=org_a.tenant_id, date_from=day, date_to=day)
    rows = _rows(source, "journey_insights", one_day)
    assert rows and all(row["occurred_at"].date() == day for row in rows)
    assert (
        len(rows)
        == JourneyEvent.objects.filter(tenant_id=org_a.tenant_id, occurred_at__date=day).count()
    )


def test_delete_batch_deletes_at_most_the_batch_and_then_returns_0(
    source, customer_data, org_a, org_b
):
    row_filter = RowFilter(tenant_id=org_a.tenant_id)
    total = customer_data.journey_insights
    other_tenant = JourneyEvent.objects.filter(tenant_id=org_b.tenant_id).count()
    deleted = []
    while True:
        count = source.delete_batch(
            category_id="journey_insights", row_filter=row_filter, batch_size=100
        )
        assert 0 <= count <= 100
        if count == 0:
            break
        deleted.append(count)
    assert sum(deleted) == total and len(deleted) == -(-total // 100)
    assert source.count(category_id="journey_insights", row_filter=row_filter) == 0
    assert (
        source.delete_batch(category_id="journey_insights", row_filter=row_filter) == 0
    )  # again: nothing
    assert JourneyEvent.objects.filter(tenant_id=org_b.tenant_id).count() == other_tenant


def test_delete_batch_for_a_subject_leaves_everyone_else(source, org_a, make_lead):
    person = make_lead(org_a.tenant_id, email="erase.me@example.com")
    other = make_lead(org_a.tenant_id, email="keep.me@example.com")
    row_filter = RowFilter(
        tenant_id=org_a.tenant_id, subject=DataSubject(email="erase.me@example.com")
    )
    assert source.delete_batch(category_id="leads", row_filter=row_filter, batch_size=10) == 1
    assert source.delete_batch(category_id="leads", row_filter=row_filter, batch_size=10) == 0
    assert not Lead.objects.filter(pk=person.pk).exists()
    assert Lead.objects.filter(pk=other.pk).exists()


def test_copy_csv_to_is_offered_only_on_postgresql(source, customer_data, org_a):
    import io

    stream = io.BytesIO()
    copied = source.copy_csv_to(
        category_id="leads", row_filter=RowFilter(tenant_id=org_a.tenant_id), stream=stream
    )
    if connection.vendor == "postgresql":
        assert copied == customer_data.leads
    else:
        assert copied is None and stream.getvalue() == b""
