"""RFC 4180 records as the exports write them: quoted only where needed, and an empty text
always quoted, so that `""` (a value that is empty) reads back apart from a missing value.

csv.writer has no such mode before Python 3.12's QUOTE_NOTNULL, which would quote every
value: hence these few lines. Byte for byte what csv.writer with CSV_WRITER_OPTIONS writes
for any non-empty text, and what PostgreSQL's `COPY ... (FORMAT csv)` writes (it quotes a
value equal to its empty NULL string), so the fast path and the generic writer agree."""

import re

from exports.formats import csv_cell

_NEEDS_QUOTES = re.compile(r'[,"\r\n]')

# The rule as the register states it.
EMPTY_AND_MISSING_RULE = (
    'A missing value (null) is an empty field; an empty text is a quoted empty field (""). '
    "RFC 4180 allows both, and tools that read CSV tell them apart: PostgreSQL's "
    "COPY ... CSV reads the first as NULL and the second as an empty string."
)


def csv_field(text: str | None) -> str:
    """One field of a record: None for a missing value."""
    if text is None:
        return ""
    if text == "":
        return '""'
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(texts) -> str:
    """One record with its CRLF."""
    return ",".join(csv_field(text) for text in texts) + "\r\n"


def csv_texts(row: dict, fields) -> list[str | None]:
    """A row's field texts in schema order (exports.formats.csv_cell), None where missing."""
    return [
        None if row[field.name] is None else csv_cell(row[field.name], field.type)
        for field in fields
    ]


def csv_row_line(row: dict, fields) -> str:
    return csv_line(csv_texts(row, fields))
