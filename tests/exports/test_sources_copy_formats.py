"""What the CSV and the JSON fast paths share: on PostgreSQL, COPY honours the data subject and
the date period, works under query logging, and a stream that gives up leaves the transaction
usable for the generic writer's fallback."""

import datetime
import io

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from exports.builtin_source.models import Lead
from exports.sources import get_category
from exports.sources.base import DataSubject, RowFilter
from tests.exports.test_sources_copy import (
    CATEGORY_IDS,
    NEEDS_POSTGRESQL,
    FullStream,
    GivesUp,
    generic_csv,
    tricky_rows,
)
from tests.exports.test_sources_copy_json import generic_json, json_rows

# format -> (the source's COPY method, the generic writer's bytes, more rows to stress it with,
# what an empty result is).
FORMATS = {
    "csv": ("copy_csv_to", generic_csv, None, None),
    "json": ("copy_json_to", generic_json, json_rows, b"[]\n"),
}


@pytest.mark.postgresql
@pytest.mark.parametrize("format", FORMATS)
def test_copy_honours_the_subject_and_the_date_period(org_a, customer_data, format):
    assert connection.vendor == "postgresql", NEEDS_POSTGRESQL
    copy_method, generic, more_rows, empty = FORMATS[format]
    tricky_rows(org_a.tenant_id)
    if more_rows:
        more_rows(org_a.tenant_id)
    source, _category = get_category("leads")
    email = (
        Lead.objects.filter(tenant_id=org_a.tenant_id, email__isnull=False)
        .order_by("pk")
        .first()
        .email
    )
    filters = [
        RowFilter(tenant_id=org_a.tenant_id, subject=DataSubject(email=email.upper())),
        RowFilter(
            tenant_id=org_a.tenant_id,
            date_from=datetime.date(2026, 3, 1),
            date_to=datetime.date(2026, 3, 1),
        ),
        RowFilter(tenant_id=org_a.tenant_id, date_from=datetime.date(2030, 1, 1)),  # nothing
    ]
    for row_filter in filters:
        for category_id in CATEGORY_IDS:
            stream = io.BytesIO()
            rows = getattr(source, copy_method)(
                category_id=category_id, row_filter=row_filter, stream=stream
            )
            assert rows == source.count(category_id=category_id, row_filter=row_filter)
            assert stream.getvalue() == generic(source, category_id, row_filter)
            if not rows and empty is not None:
                assert stream.getvalue() == empty


@pytest.mark.postgresql
@pytest.mark.parametrize("format", FORMATS)
def test_copy_works_under_query_logging(org_a, customer_data, format):
    """DEBUG and query capture put Django's debug wrapper around cursors."""
    assert connection.vendor == "postgresql", NEEDS_POSTGRESQL
    copy_method, generic, _more_rows, _empty = FORMATS[format]
    source, _category = get_category("leads")
    row_filter = RowFilter(tenant_id=org_a.tenant_id)
    stream = io.BytesIO()
    with CaptureQueriesContext(connection):
        assert (
            getattr(source, copy_method)(category_id="leads", row_filter=row_filter, stream=stream)
            == customer_data.leads
        )
    assert stream.getvalue() == generic(source, "leads", row_filter)


@pytest.mark.postgresql
@pytest.mark.parametrize("format", FORMATS)
def test_a_stream_giving_up_leaves_the_transaction_usable(org_a, monkeypatch, format):
    assert connection.vendor == "postgresql", NEEDS_POSTGRESQL
    import exports.builtin_source.source as source_module
    from exports.builtin_source.sample_data import generate_sample_data

    copy_method = FORMATS[format][0]
    # Enough rows that the server is still sending when the stream gives up: psycopg then
    # cancels the COPY, which would abort the surrounding transaction without a savepoint.
    counts = generate_sample_data(tenant_id=org_a.tenant_id, leads=5000, seed=4)
    monkeypatch.setattr(source_module, "COPY_BLOCK_ROWS", 10)
    source, _category = get_category("journey_insights")
    row_filter = RowFilter(tenant_id=org_a.tenant_id)
    with transaction.atomic():
        with pytest.raises(GivesUp):
            getattr(source, copy_method)(
                category_id="journey_insights", row_filter=row_filter, stream=FullStream(500)
            )
        # The writer's fallback: the generic path, in the same transaction.
        assert (
            source.count(category_id="journey_insights", row_filter=row_filter)
            == counts.journey_insights
        )
