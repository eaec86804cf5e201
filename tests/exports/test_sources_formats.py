"""exports.formats: the one canonical text of every exported value, shared by the writers and
the PostgreSQL fast path."""

import datetime
import json
import uuid

import pytest

from exports.formats import csv_cell, json_value
from exports.sources.base import FieldType

UTC = datetime.UTC


@pytest.mark.parametrize(
    "value, field_type, text",
    [
        (None, FieldType.STRING, ""),
        (None, FieldType.DATETIME, ""),
        ("", FieldType.STRING, ""),
        ('Zoë, "the" one\r\n', FieldType.STRING, 'Zoë, "the" one\r\n'),  # csv.writer quotes
        (
            datetime.datetime(2026, 11, 23, 18, 49, 55, 123456, tzinfo=UTC),
            FieldType.DATETIME,
            "2026-11-23T18:49:55.123456Z",
        ),
        (
            datetime.datetime(2026, 11, 23, 18, 49, 55, tzinfo=UTC),
            FieldType.DATETIME,
            "2026-11-23T18:49:55.000000Z",
        ),
        # Another zone is written in UTC.
        (
            datetime.datetime(
                2026, 1, 1, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
            ),
            FieldType.DATETIME,
            "2025-12-31T23:30:00.000000Z",
        ),
        (
            datetime.datetime(987, 6, 5, 4, 3, 2, 1, tzinfo=UTC),
            FieldType.DATETIME,
            "0987-06-05T04:03:02.000001Z",
        ),
        (datetime.date(2026, 2, 3), FieldType.DATE, "2026-02-03"),
        (True, FieldType.BOOLEAN, "true"),
        (False, FieldType.BOOLEAN, "false"),
        (-42, FieldType.INTEGER, "-42"),
        (
            uuid.UUID("0D5B4E8A-1C1F-4E7B-9A55-0B0C0D0E0F10"),
            FieldType.UUID,
            "0d5b4e8a-1c1f-4e7b-9a55-0b0c0d0e0f10",
        ),
        (
            "0D5B4E8A1C1F4E7B9A550B0C0D0E0F10",
            FieldType.UUID,
            "0d5b4e8a-1c1f-4e7b-9a55-0b0c0d0e0f10",
        ),
        ("+4930123456", FieldType.PHONE, "+4930123456"),
        ({"b": 1, "a": "ü"}, FieldType.JSON, '{"a":"ü","b":1}'),
    ],
)
def test_csv_cell(value, field_type, text):
    assert csv_cell(value, field_type) == text


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        csv_cell(datetime.datetime(2026, 1, 1), FieldType.DATETIME)
    with pytest.raises(ValueError):
        json_value(datetime.datetime(2026, 1, 1), FieldType.DATETIME)


def test_json_values_keep_types_and_share_the_text_forms():
    moment = datetime.datetime(2026, 11, 23, 18, 49, 55, 5, tzinfo=UTC)
    key = uuid.uuid4()
    row = {
        "when": json_value(moment, FieldType.DATETIME),
        "key": json_value(key, FieldType.UUID),
        "flag": json_value(False, FieldType.BOOLEAN),
        "count": json_value(7, FieldType.INTEGER),
        "empty": json_value("", FieldType.STRING),
        "missing": json_value(None, FieldType.STRING),
        "object": json_value({"a": [1]}, FieldType.JSON),
    }
    assert json.loads(json.dumps(row)) == {
        "when": csv_cell(moment, FieldType.DATETIME),
        "key": str(key),
        "flag": False,
        "count": 7,
        "empty": "",  # JSON keeps an empty string apart from a missing value
        "missing": None,
        "object": {"a": [1]},
    }
