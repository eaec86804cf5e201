"""The CSV fast path: on PostgreSQL, COPY ... TO STDOUT gives the very bytes the generic writer
(csv.writer with exports.formats) makes from iter_rows, on data with commas, quotes, line
breaks, non-ASCII text, empty strings and NULLs; and the conversion of COPY's LF record ends
to CRLF keeps line breaks inside fields."""

import csv
import datetime
import io

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from exports.builtin_source.models import JourneyEvent, Lead, OrganisationProfile, VisitorProfile
from exports.builtin_source.source import crlf_records
from exports.formats import CSV_WRITER_OPTIONS
from exports.sources import get_category
from exports.sources.base import RowFilter
from exports.writers.csv_records import csv_line, csv_row_line

UTC = datetime.UTC
CATEGORY_IDS = ["leads", "visitor_profiles", "journey_insights", "organisation_profiles"]
NEEDS_POSTGRESQL = (
    "run with DATABASE_URL=postgres://... (CI's second pass) or deselect -m 'not postgresql'"
)

TRICKY_TEXTS = [
    "",
    "plain",
    "a,b",
    'He said "hi"',
    '"',
    '""',
    "line one\nline two",
    "carriage\rreturn",
    "windows\r\nbreak",
    "ends with a break\n",
    "\n",
    "Zoë Ø'Brien, 日本語 😀",
    "  spaces around  ",
    "=SUM(A1:A9)",
    "+49 leading plus",
    "-1",
    "@mention",
    "\\.",
    "tab\there",
    "NULL",
    ",",
]


def generic_csv(source, category_id, row_filter) -> bytes:
    """What the generic writer writes: exports/formats.py's contract."""
    _source, category = get_category(category_id)
    lines = [csv_line(category.field_names)]
    for row in source.iter_rows(category_id=category_id, row_filter=row_filter, chunk_size=7):
        lines.append(csv_row_line(row, category.fields))
    return "".join(lines).encode()


def tricky_rows(tenant_id):
    """One row per tricky text in every category, with NULLs and edge times beside them."""
    moments = [
        datetime.datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        datetime.datetime(2026, 3, 1, 12, 0, 0, 1, tzinfo=UTC),
        datetime.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime.datetime(987, 6, 5, 4, 3, 2, tzinfo=UTC),
        datetime.datetime(
            2026, 7, 1, 2, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))
        ),
    ]
    for number, text in enumerate(TRICKY_TEXTS):
        moment = moments[number % len(moments)]
        empty_or_null = None if number % 2 else ""
        lead = Lead.objects.create(
            tenant_id=tenant_id,
            first_name=text,
            last_name=text[::-1],
            email=None if number % 3 == 0 else f"person{number}@example.com",
            phone=None if number % 2 else f"+4930{number:06d}",
            company=empty_or_null if number % 4 == 0 else f"{text} GmbH",
            job_title=text or None,
            country=None if number % 5 == 0 else "DE",
            ip_network="203.0.113.0/24" if number % 2 else None,
            city=text,
            region=empty_or_null,
            consent_marketing=bool(number % 2),
            consent_recorded_at=None if number % 2 else moment,
            lead_score=-number,
            page_views=number,
            last_seen_at=moment,
            created_at=moment,
            updated_at=moment,
            # The rights-request flags, true and false in every combination over the rows.
            processing_restricted=number % 2 == 0,
            objected_to_processing=number % 4 < 2,
            suppressed=number % 8 < 4,
        )
        profile = VisitorProfile.objects.create(
            tenant_id=tenant_id,
            contact_id=lead.contact_id if number % 2 else None,
            first_seen_at=moment,
            last_seen_at=moment,
            country=None,
            device_type="desktop",
            browser_family=text,
            referrer_domain=empty_or_null,
            created_at=moment,
            processing_restricted=number % 3 == 0,
            objected_to_processing=number % 3 == 1,
            suppressed=number % 5 == 0,
        )
        JourneyEvent.objects.create(
            tenant_id=tenant_id,
            profile_id=profile.profile_id,
            occurred_at=moment,
            event_type="page_view",
            page_url=f"https://www.acme.example/search?q={text}",
            duration_seconds=None if number % 2 else 0,
            created_at=moment,
        )
        OrganisationProfile.objects.create(
            tenant_id=tenant_id,
            name=text,
            domain=text,
            industry="",
            employee_range=None,
            city=empty_or_null,
            first_matched_at=moment,
            last_matched_at=moment,
            created_at=moment,
        )


@pytest.mark.postgresql
@pytest.mark.parametrize("category_id", CATEGORY_IDS)
def test_copy_gives_the_generic_writers_bytes_on_tricky_data(
    org_a, org_b, customer_data, category_id
):
    assert connection.vendor == "postgresql", NEEDS_POSTGRESQL
    tricky_rows(org_a.tenant_id)
    tricky_rows(org_b.tenant_id)  # another tenant's rows must stay out
    source, _category = get_category(category_id)
    row_filter = RowFilter(tenant_id=org_a.tenant_id)
    expected = generic_csv(source, category_id, row_filter)
    stream = io.BytesIO()
    rows = source.copy_csv_to(category_id=category_id, row_filter=row_filter, stream=stream)
    assert (
        rows
        == source.count(category_id=category_id, row_filter=row_filter)
        == getattr(customer_data, category_id) + len(TRICKY_TEXTS)
    )
    assert stream.getvalue() == expected
    # And the file is RFC 4180 that reads back to the same records.
    assert len(list(csv.reader(io.StringIO(expected.decode(), newline="")))) == rows + 1


class GivesUp(Exception):
    pass


class FullStream:
    """A stream that refuses more than a few bytes, as a size-limited file does."""

    def __init__(self, limit):
        self.limit, self.written = limit, 0

    def write(self, data):
        self.written += len(data)
        if self.written > self.limit:
            raise GivesUp


def _copy_records(rows) -> tuple[list[bytes], bytes]:
    """Each record as COPY writes it (LF at its end, quoting as csv.writer's, which also quotes
    CR and LF), and the whole as the generic writer does (CRLF)."""
    with_lf, with_crlf = [], []
    for row in rows:
        out = io.StringIO(newline="")
        csv.writer(out, **CSV_WRITER_OPTIONS).writerow(row)
        record = out.getvalue()
        with_crlf.append(record)
        with_lf.append((record[:-2] + "\n").encode())
    return with_lf, "".join(with_crlf).encode()


@given(
    rows=st.lists(
        st.lists(
            st.text(alphabet=st.sampled_from(list('ab,"\r\n é😀')), max_size=8),
            min_size=2,
            max_size=4,
        ),
        min_size=1,
        max_size=12,
    ),
)
def test_record_ends_become_crlf_and_breaks_inside_fields_stay(rows):
    with_lf, with_crlf = _copy_records(rows)
    assert crlf_records([memoryview(record) for record in with_lf]) == with_crlf
    assert list(csv.reader(io.StringIO(with_crlf.decode(), newline=""))) == rows


def test_a_record_without_its_line_feed_is_an_error():
    with pytest.raises(RuntimeError):
        crlf_records([b"a,b\n", b"c,d"])


@pytest.mark.postgresql
def test_a_field_without_a_copy_form_leaves_the_csv_to_the_generic_writer(
    org_a, customer_data, monkeypatch, tmp_path
):
    """A float or JSON field is written differently by PostgreSQL than by csv_cell: COPY is
    not offered (nothing written), and the export still comes out, from the generic writer."""
    import dataclasses

    from exports.builtin_source.source import BuiltinSource
    from exports.services import SourceRowReader
    from exports.sources.base import FieldType
    from exports.writers import get_writer
    from exports.writers.base import read_data_file

    assert connection.vendor == "postgresql", NEEDS_POSTGRESQL
    source, leads = get_category("leads")
    as_float = tuple(
        dataclasses.replace(f, type=FieldType.NUMBER) if f.name == "lead_score" else f
        for f in leads.fields
    )
    floated = dataclasses.replace(leads, fields=as_float)
    real_category = BuiltinSource._category
    monkeypatch.setattr(
        BuiltinSource,
        "_category",
        lambda self, category_id: (real_category(self, category_id)[0], floated),
    )
    stream = io.BytesIO()
    row_filter = RowFilter(tenant_id=org_a.tenant_id)
    assert source.copy_csv_to(category_id="leads", row_filter=row_filter, stream=stream) is None
    assert stream.getvalue() == b""

    files = get_writer("csv", max_file_bytes=10**9).write_unit(
        unit="leads",
        categories=[floated],
        reader=SourceRowReader(row_filter),
        folder=tmp_path,
        on_rows=lambda count: None,
    )
    records = list(csv.reader(io.StringIO(read_data_file(tmp_path / "leads.csv").decode())))
    assert records[0] == floated.field_names
    assert (
        len(records) - 1 == files[0].rows == Lead.objects.filter(tenant_id=org_a.tenant_id).count()
    )
