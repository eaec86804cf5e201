"""The canonical text of exported values: one definition shared by every writer and fast path.

Contract (also relied on by the generic CSV writer, the JSON writer, and the PostgreSQL
`COPY ... TO STDOUT` fast path of the built-in source, which formats each column in SQL to give
the same bytes; change one side and the byte-equality tests in tests/exports fail):

| field type                   | csv_cell                                  | json_value          |
|------------------------------|-------------------------------------------|---------------------|
| any, value None              | missing: an empty field, unquoted         | null                |
| datetime (aware)             | UTC, "YYYY-MM-DDTHH:MM:SS.ffffffZ"        | the same string     |
| date                         | "YYYY-MM-DD"                              | the same string     |
| boolean                      | "true" / "false"                          | true / false        |
| integer                      | decimal digits, "-" when negative         | number              |
| number                       | str(value) (repr for a float)             | number (float)      |
| uuid                         | lowercase, hyphenated (RFC 4122 text)     | the same string     |
| json                         | compact JSON, keys sorted, UTF-8          | the object          |
| string, email, phone, ...    | the text as it is                         | the same string     |

In a CSV file None is an empty field and an empty string a quoted empty field (""), so the two
read back apart (RFC 4180 allows quoting any field); JSON has null and "".

XLSX workbooks follow their own cell rules (exports/writers/xlsx.py): typed numbers, booleans
and dates, and every other value as the text above, datetimes included.

CSV files are RFC 4180: UTF-8 without a byte-order mark, a header row, CRLF after every record
(the last included), fields quoted when they are empty or contain a comma, a double quote, CR
or LF, quotes doubled inside quoted fields, line breaks inside a field kept as they are. That is
exports.writers.csv_records (csv.writer with CSV_WRITER_OPTIONS, plus the quoted empty text).
"""

import csv
import datetime
import json
import uuid

from exports.sources.base import FieldType

CSV_WRITER_OPTIONS = {
    "delimiter": ",",
    "quotechar": '"',
    "doublequote": True,
    "quoting": csv.QUOTE_MINIMAL,
    "lineterminator": "\r\n",
}

_UTC = datetime.UTC

# How exactly each format keeps a value, per kind of value, for the Data Act register: a
# reader must know what survives a round trip.
FORMAT_PRECISION = {
    "csv": {
        "datetime": "ISO 8601 text in UTC to the microsecond: exact.",
        "date": "ISO 8601 text: exact.",
        "integer": "Decimal digits: exact at any size.",
        "number": "The shortest decimal text that reads back to the same binary64 value: exact.",
    },
    "json": {
        "datetime": "ISO 8601 string in UTC to the microsecond: exact.",
        "date": "ISO 8601 string: exact.",
        "integer": "JSON number: exact at any size (readers using doubles keep 15 digits).",
        "number": "JSON number, the shortest text of the binary64 value: exact.",
    },
    "xlsx": {
        "datetime": "ISO 8601 text in UTC to the microsecond, as in CSV and JSON: exact. Not a "
        "date-time cell, since a spreadsheet's date-time number keeps milliseconds at best.",
        "date": "A date cell (Excel's day number, shown yyyy-mm-dd): exact; before 1 March "
        "1900 the ISO 8601 text.",
        "integer": "A number cell up to 15 digits (a spreadsheet's precision); a longer "
        "integer is its digits as text: exact either way.",
        "number": "A number cell (binary64): exact.",
    },
}


def precision_note(format_id: str) -> str:
    """The precision of one format, as one sentence per kind of value."""
    return " ".join(
        f"{kind.capitalize()}: {note}" for kind, note in FORMAT_PRECISION[format_id].items()
    )


def datetime_text(value: datetime.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("Exported datetimes must be timezone-aware.")
    # isoformat pads the year to four digits and always writes six fractional digits here,
    # exactly as PostgreSQL's to_char(..., 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') does.
    return value.astimezone(_UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _uuid_text(value) -> str:
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def _json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def csv_cell(value, field_type: str) -> str:
    """The text of one CSV cell (before quoting, which the csv module does)."""
    if value is None:
        return ""
    if field_type == FieldType.DATETIME:
        return datetime_text(value)
    if field_type == FieldType.DATE:
        if isinstance(value, datetime.datetime):
            raise ValueError("A date field was given a datetime.")
        return value.isoformat()
    if field_type == FieldType.BOOLEAN:
        return "true" if value else "false"
    if field_type == FieldType.INTEGER:
        return str(int(value))
    if field_type == FieldType.NUMBER:
        return repr(value) if isinstance(value, float) else str(value)
    if field_type == FieldType.UUID:
        return _uuid_text(value)
    if field_type == FieldType.JSON:
        return _json_text(value)
    return str(value)


def json_value(value, field_type: str):
    """The value of one field in a JSON export (what json.dumps then writes)."""
    if value is None:
        return None
    if field_type == FieldType.DATETIME:
        return datetime_text(value)
    if field_type == FieldType.DATE:
        return csv_cell(value, field_type)
    if field_type == FieldType.BOOLEAN:
        return bool(value)
    if field_type == FieldType.INTEGER:
        return int(value)
    if field_type == FieldType.NUMBER:
        # The json module writes int and float natively; a Decimal would need a custom encoder.
        return value if isinstance(value, int) else float(value)
    if field_type == FieldType.UUID:
        return _uuid_text(value)
    if field_type == FieldType.JSON:
        return value
    return str(value)


def csv_record(row: dict, fields) -> list[str]:
    """One row of a category as the list of cells csv.writer writes, in schema order."""
    return [csv_cell(row[field.name], field.type) for field in fields]


def json_record(row: dict, fields) -> dict:
    """One row of a category as the JSON object written to a file, keys in schema order."""
    return {field.name: json_value(row[field.name], field.type) for field in fields}
