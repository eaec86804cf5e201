"""The XLSX fast path of the built-in source: PostgreSQL renders each row's `<row>` element.

`COPY (SELECT concat('<row>', cell, cell, ..., '</row>') ...) TO STDOUT` sends every row as the
sheet XML exports.writers.xlsx renders from Python rows (the cell rules are in that module's
docstring), so the worker only finishes the rare text that needs Excel's careful form, joins
the rows into sheets and deflates them: byte for byte what the generic path writes.
A field type without an SQL form here (floats, JSON objects: none in the built-in source)
leaves the category to the generic path.
"""

import re

from django.db import connections, router
from django.db.models import F, Func, TextField

from exports.builtin_source.source import _PG_DATETIME, COPY_BLOCK_ROWS, _copying
from exports.sources.base import FieldType
from exports.writers.xlsx import (
    DATE_OPEN,
    EMPTY_CELL,
    EXCEL_EPOCH,
    EXCEL_FIRST_EXACT_DATE,
    FALSE_CELL,
    NUMBER_CLOSE,
    NUMBER_OPEN,
    TEXT_CLOSE,
    TEXT_OPEN,
    TRUE_CELL,
    XLSX_MAX_EXACT_INTEGER,
    careful_form_of_escaped,
    needs_careful_form,
)


def _literal(text: str) -> str:
    """A constant of ours as an SQL string literal (standard_conforming_strings, PostgreSQL's
    default since 9.1: backslashes are plain characters). Never used for data."""
    if "%" in text:  # Django formats these templates with % placeholders
        text = text.replace("%", "%%")
    return "'" + text.replace("'", "''") + "'"


def _escaped(expression: str) -> str:
    """SQL for the plain form of exports.writers.xlsx.text_cell (& < > escaped). The few texts
    that need the careful form are found and finished on the worker (careful_rows): a regular
    expression per cell would cost PostgreSQL more than the rest of the row."""
    plain = f"replace(replace(replace({expression}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
    return f"concat({_literal(TEXT_OPEN)}, {plain}, {_literal(TEXT_CLOSE)})"


def _cell(expression: str, template: str) -> Func:
    return Func(F(expression), template=template, output_field=TextField())


def xlsx_cell_sql(field) -> Func | None:
    """The SQL expression giving a field's cell as exports.writers.xlsx renders it, or None
    where PostgreSQL would write the value differently."""
    empty = _literal(EMPTY_CELL)
    value = "%(expressions)s"
    if field.type == FieldType.BOOLEAN:
        return _cell(
            field.name,
            f"CASE WHEN {value} THEN {_literal(TRUE_CELL)} "
            f"WHEN NOT {value} THEN {_literal(FALSE_CELL)} ELSE {empty} END",
        )
    if field.type == FieldType.INTEGER:
        limit = XLSX_MAX_EXACT_INTEGER
        return _cell(
            field.name,
            f"CASE WHEN {value} IS NULL THEN {empty} "
            f"WHEN {value} BETWEEN -{limit} AND {limit} "
            f"THEN concat({_literal(NUMBER_OPEN)}, {value}, {_literal(NUMBER_CLOSE)}) "
            f"ELSE concat({_literal(TEXT_OPEN)}, {value}, {_literal(TEXT_CLOSE)}) END",
        )
    if field.type == FieldType.DATE:
        return _cell(
            field.name,
            f"CASE WHEN {value} IS NULL THEN {empty} "
            f"WHEN {value} >= DATE '{EXCEL_FIRST_EXACT_DATE.isoformat()}' "
            f"THEN {_literal(DATE_OPEN)} || ({value} - DATE '{EXCEL_EPOCH.isoformat()}')::text "
            f"|| {_literal(NUMBER_CLOSE)} "
            f"ELSE {_literal(TEXT_OPEN)} || to_char({value}, 'YYYY-MM-DD') "
            f"|| {_literal(TEXT_CLOSE)} END",
        )
    if field.type in (FieldType.DATETIME, FieldType.UUID):
        # Fixed shapes of digits, letters, "-", ":", "." and "T": never escaped.
        text = (
            _PG_DATETIME % {"expressions": value}
            if field.type == FieldType.DATETIME
            else f"({value})::text"
        )
        return _cell(
            field.name,
            f"CASE WHEN {value} IS NULL THEN {empty} "
            f"ELSE concat({_literal(TEXT_OPEN)}, {text}, {_literal(TEXT_CLOSE)}) END",
        )
    if field.type in (FieldType.NUMBER, FieldType.JSON):
        return None
    return _cell(
        field.name,
        f"CASE WHEN {value} IS NULL THEN {empty} ELSE {_escaped(f'({value})::text')} END",
    )


def copy_xlsx_rows(source, *, category_id: str, row_filter, sink, on_rows=None) -> int | None:
    """Stream the category's rows as sheet XML into `sink.write_rows(records)`, in blocks, and
    return how many; None (having written nothing) off PostgreSQL or for a field without an
    SQL form."""
    model, category = source._category(category_id)
    connection = connections[router.db_for_read(model)]
    if connection.vendor != "postgresql":
        return None
    cells = {}
    for index, field in enumerate(category.fields):
        expression = xlsx_cell_sql(field)
        if expression is None:
            return None
        cells[f"cell_{index}"] = expression
    rows = source.queryset(category_id=category_id, row_filter=row_filter).order_by(
        model._meta.pk.name
    )
    if rows.query.is_empty():  # e.g. a data subject's organisation profiles: no SQL at all
        return 0
    annotated = rows.annotate(**cells).values_list(*cells)
    sql, params = annotated.query.get_compiler(connection=connection).as_sql()
    quote = connection.ops.quote_name
    row = ", ".join(quote(name) for name in cells)
    # Binary format: each row's text goes out as it is, where the text and CSV formats would
    # scan every byte of it for characters to escape.
    # Only quoted names and Django's compiled SQL (its values stay parameters).
    copy_sql = (
        f"COPY (SELECT concat('<row>', {row}, '</row>') FROM ({sql}) AS cells)"  # noqa: S608
        " TO STDOUT WITH (FORMAT binary)"
    )
    copied = 0
    frames = _BinaryFrames()
    with _copying(connection, copy_sql, params) as reader:
        while records := reader.read(COPY_BLOCK_ROWS):
            rows = frames.rows(records)
            if rows:
                sink.write_rows(careful_rows(rows))
                copied += len(rows)
                if on_rows is not None:
                    on_rows(len(rows))
    return copied


# COPY's binary format: a signature, flags and a header extension before the first tuple; each
# tuple a 16-bit field count (1 here) and a 32-bit length before its bytes; -1 at the end.
BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
BINARY_TRAILER = b"\xff\xff"


class _BinaryFrames:
    """The rows of a one-column binary COPY, from its messages (one tuple each)."""

    def __init__(self):
        self.started = False

    def rows(self, records: list) -> list[bytes]:
        if not self.started:
            first = bytes(records[0])
            if not first.startswith(BINARY_SIGNATURE):
                raise RuntimeError("A binary COPY did not start with its signature.")
            extension = int.from_bytes(first[15:19], "big")
            records = [first[19 + extension :], *records[1:]]
            self.started = True
        if records and records[-1] == BINARY_TRAILER:
            records = records[:-1]
        rows = [bytes(record[6:]) for record in records if record]
        if sum(map(len, records)) != sum(map(len, rows)) + 6 * len(rows):
            raise RuntimeError("A binary COPY record was not one field of text.")
        return rows


_CONTROL_BYTES = bytes(range(0x20))
_PLAIN_TEXT_CELL = re.compile(
    re.escape(TEXT_OPEN.encode()) + rb"(.*?)" + re.escape(TEXT_CLOSE.encode()), re.DOTALL
)
_ESCAPE_LIKE = re.compile(rb"_x[0-9A-Fa-f]{4}_")


def _may_need_care(data: bytes) -> bool:
    """Whether rendered rows may hold a text needing the careful form: a control character, a
    space at either end of a text, or Excel's escape pattern. Cheap scans of the whole block."""
    return (
        len(data.translate(None, _CONTROL_BYTES)) != len(data)
        or b"<t> " in data
        or b" </t>" in data
        or (b"_x" in data and _ESCAPE_LIKE.search(data) is not None)
    )


def _finish_text(match) -> bytes:
    # The plain form already escaped & < >; the careful form's decision and its other escapes
    # read the same on it as on the raw text (none of them involves & < >).
    escaped = match.group(1).decode()
    if not needs_careful_form(escaped):
        return match.group(0)
    return careful_form_of_escaped(escaped).encode()


def careful_rows(rows: list[bytes]) -> list[bytes]:
    """Rows rendered by PostgreSQL in the plain form, each with its line feed, the few texts
    that need it put in the careful form: the bytes text_cell gives."""
    block = b"".join(rows)
    if not _may_need_care(block):
        return [row + b"\n" for row in rows]
    return [
        (_PLAIN_TEXT_CELL.sub(_finish_text, row) if _may_need_care(row) else row) + b"\n"
        for row in rows
    ]
