"""The JSON fast path: on PostgreSQL, row_to_json through COPY gives the very bytes the generic
JSON writer (json.dumps of exports.formats.json_record) makes from iter_rows, on text with
quotes, backslashes, control characters, "/", non-ASCII and emoji, empty strings beside NULLs,
booleans, the largest integers and timestamps with and without microseconds; and the JSON
writer uses it only when the file fits in one part."""

import datetime
import io
import json

import pytest
from django.db import connection, transaction

from exports.builtin_source.models import Lead
from exports.builtin_source.source import json_records
from exports.services.running import SourceRowReader
from exports.sources import get_category
from exports.sources.base import RowFilter
from exports.writers import JsonWriter
from exports.writers.base import read_data_file
from tests.exports.test_sources_copy import (
    CATEGORY_IDS,
    NEEDS_POSTGRESQL,
    TRICKY_TEXTS,
    tricky_rows,
)

UTC = datetime.UTC

# What JSON string escaping can differ on: every control character json.dumps writes as a
# short escape (\b \f \n \r \t) or as \u00xx, DEL and U+2028 (written raw by both), quotes,
# backslashes (also before "u" and "n", which must not read as escapes), "/", emoji.
JSON_TEXTS = [
    "\u0001start",
    "bell\u0007 and escape\u001b and unit\u001f",
    "\b\f\n\r\t\u000b",
    "del\u007f",
    "line\u2028separator\u2029",
    "\\",
    "\\\\u0041 \\n not escapes",
    'back\\slash "and" quote',
    "a/b </script>",
    "https://example.com/path?q=1&r=2",
    "😀👍🏽 Zoë 日本語 Ω",
    "ends in backslash\\",
    '{"not": "an object"}',
    "[1,\n2]",
]


class FastlessReader(SourceRowReader):
    """The runner's reader without the JSON fast path: the generic writer's output."""

    copy_json = None


def generic_json(source, category_id, row_filter) -> bytes:
    """What the generic writer writes, through the JSON writer itself (the fast path off)."""
    return _write_json(FastlessReader(row_filter), category_id)


def _write_json(reader, category_id, *, max_file_bytes=10**9, folder=None) -> bytes:
    import tempfile
    from pathlib import Path

    _source, category = get_category(category_id)
    with tempfile.TemporaryDirectory() as work:
        files = JsonWriter(max_file_bytes=max_file_bytes).write_unit(
            unit=category_id,
            categories=[category],
            reader=reader,
            folder=Path(work),
            on_rows=lambda count: None,
        )
        if folder is not None:
            folder.extend(files)
        return b"".join(read_data_file(Path(work) / data_file.name) for data_file in files)


def json_rows(tenant_id):
    """Leads whose text, integers, booleans and times stress row_to_json against json.dumps."""
    moments = [
        datetime.datetime(2026, 3, 1, 12, 0, tzinfo=UTC),  # zero microseconds
        datetime.datetime(2026, 3, 1, 12, 0, 0, 1, tzinfo=UTC),
        datetime.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime.datetime(1, 1, 1, 0, 0, tzinfo=UTC),
        datetime.datetime(
            2026, 7, 1, 2, 0, 0, 500, tzinfo=datetime.timezone(datetime.timedelta(hours=-9))
        ),
    ]
    scores = [2**31 - 1, -(2**31), 0, -1, 1]
    for number, text in enumerate(JSON_TEXTS):
        moment = moments[number % len(moments)]
        Lead.objects.create(
            tenant_id=tenant_id,
            first_name=text,
            last_name="" if number % 2 else text[::-1],
            email=None,
            phone=None,
            company="" if number % 3 == 0 else None,  # empty string beside null
            job_title=text,
            country="DE",
            ip_network=None,
            city=text,
            region=None if number % 2 else "",
            consent_marketing=bool(number % 2),
            consent_recorded_at=None if number % 3 == 1 else moment,
            lead_score=scores[number % len(scores)],
            page_views=2**31 - 1 if number % 2 else 0,
            last_seen_at=None if number % 4 == 2 else moment,
            created_at=moment,
            updated_at=moment,
        )


@pytest.mark.postgresql
@pytest.mark.parametrize("category_id", CATEGORY_IDS)
def test_copy_json_gives_the_generic_writers_bytes_on_tricky_data(
    org_a, org_b, customer_data, category_id
):
    assert connection.vendor == "postgresql", NEEDS_POSTGRESQL
    tricky_rows(org_a.tenant_id)
    json_rows(org_a.tenant_id)
    tricky_rows(org_b.tenant_id)  # another tenant's rows must stay out
    json_rows(org_b.tenant_id)
    source, category = get_category(category_id)
    row_filter = RowFilter(tenant_id=org_a.tenant_id)
    expected = generic_json(source, category_id, row_filter)
    stream = io.BytesIO()
    rows = source.copy_json_to(category_id=category_id, row_filter=row_filter, stream=stream)
    extra = len(JSON_TEXTS) if category_id == "leads" else 0
    assert (
        rows
        == source.count(category_id=category_id, row_filter=row_filter)
        == getattr(customer_data, category_id) + len(TRICKY_TEXTS) + extra
    )
    assert stream.getvalue() == expected
    # And it reads back to the rows, keys in schema order.
    parsed = json.loads(expected)
    assert len(parsed) == rows
    assert all(list(record) == category.field_names for record in parsed)
    if category_id == "leads":
        texts = {record["first_name"] for record in parsed}
        assert set(JSON_TEXTS) <= texts
        assert any(record["company"] == "" for record in parsed)
        assert any(record["company"] is None for record in parsed)
        assert {2**31 - 1, -(2**31)} <= {record["lead_score"] for record in parsed}


@pytest.mark.postgresql
def test_the_json_writer_uses_the_fast_path_only_for_a_single_part(
    org_a, customer_data, monkeypatch
):
    assert connection.vendor == "postgresql", NEEDS_POSTGRESQL
    json_rows(org_a.tenant_id)
    row_filter = RowFilter(tenant_id=org_a.tenant_id)
    calls = []
    real_copy = SourceRowReader.copy_json

    def counting_copy(self, category, stream):
        result = real_copy(self, category, stream)
        calls.append(result)
        return result

    monkeypatch.setattr(SourceRowReader, "copy_json", counting_copy)
    whole = _write_json(SourceRowReader(row_filter), "leads")
    assert calls == [customer_data.leads + len(JSON_TEXTS)]
    assert whole == _write_json(FastlessReader(row_filter), "leads")

    # Too large for one part: the fast path gives up and the generic writer splits the file,
    # exactly as it does without the fast path, in the same transaction.
    calls.clear()
    limit = len(whole) // 3
    with transaction.atomic():
        parts, generic_parts = [], []
        split = _write_json(
            SourceRowReader(row_filter), "leads", max_file_bytes=limit, folder=parts
        )
        generic = _write_json(
            FastlessReader(row_filter), "leads", max_file_bytes=limit, folder=generic_parts
        )
    assert calls == []  # given up (_TooLarge), so no result recorded
    assert split == generic
    assert len(parts) >= 3
    assert [p.as_dict() for p in parts] == [p.as_dict() for p in generic_parts]

    # Exactly the whole file's size still fits in one part.
    assert _write_json(SourceRowReader(row_filter), "leads", max_file_bytes=len(whole)) == whole
    assert calls == [customer_data.leads + len(JSON_TEXTS)]


def test_json_records_frame_blocks_as_the_writer_does():
    records = [b'{"a":1}\n', b'{"a":"x\\ny"}\n']
    first = json_records([memoryview(record) for record in records], first=True)
    later = json_records([b'{"a":3}\n'], first=False)
    assert b"[" + first + later + b"\n]\n" == b'[\n{"a":1},\n{"a":"x\\ny"},\n{"a":3}\n]\n'


def test_a_json_record_that_is_not_one_line_is_an_error():
    with pytest.raises(RuntimeError):
        json_records([b'{"a":1}\n', b'{"a":2}'], first=True)
    with pytest.raises(RuntimeError):
        json_records([b'{"a":\n1}\n'], first=True)


@pytest.mark.django_db
def test_copy_json_to_is_offered_only_on_postgresql(org_a, customer_data):
    """Elsewhere (SQLite) the source declines and the writer's generic path runs."""
    source, _category = get_category("leads")
    stream = io.BytesIO()
    copied = source.copy_json_to(
        category_id="leads", row_filter=RowFilter(tenant_id=org_a.tenant_id), stream=stream
    )
    if connection.vendor == "postgresql":
        assert copied == customer_data.leads
    else:
        assert copied is None
        assert stream.getvalue() == b""
