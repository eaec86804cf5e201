"""The XLSX fast path of the built-in source: PostgreSQL renders each row's `<row>` element.

`COPY (SELECT '<row>' || cell || cell ... || '</row>' ...) TO STDOUT` sends every row as the
sheet XML exports.writers.xlsx renders from Python rows, byte for byte (the cell rules are in
that module's docstring), so the worker only joins the records into sheets and deflates them.
A field type without an SQL form here (floats, JSON objects: none in the built-in source)
leaves the category to the generic path.
"""

from django.db import connections, router
from django.db.models import F, Func, TextField

from exports.builtin_source.source import _PG_DATETIME, COPY_BLOCK_ROWS, _copying
from exports.sources.base import FieldType
from exports.writers.xlsx import (
    CAREFUL_TEXT,
    CONTROL_REPLACEMENTS,
    DATE_OPEN,
    EMPTY_CELL,
    EXCEL_EPOCH,
    EXCEL_ESCAPE_PATTERN,
    EXCEL_FIRST_EXACT_DATE,
    FALSE_CELL,
    NUMBER_CLOSE,
    NUMBER_OPEN,
    TEXT_CLOSE,
    TEXT_OPEN,
    TEXT_OPEN_PRESERVED,
    TRUE_CELL,
    XLSX_MAX_EXACT_INTEGER,
)

# Python's \Z is PostgreSQL's $ (which, outside newline-sensitive mode, matches only at the end).
# PostgreSQL text holds no NUL (and its regular expressions refuse one).
_PG_CAREFUL_TEXT = CAREFUL_TEXT.replace(r"\Z", "$").replace(r"\x00", r"\x01")


def _literal(text: str) -> str:
    """A constant of ours as an SQL string literal (standard_conforming_strings, PostgreSQL's
    default since 9.1: backslashes are plain characters). Never used for data."""
    if "%" in text:  # Django formats these templates with % placeholders
        text = text.replace("%", "%%")
    return "'" + text.replace("'", "''") + "'"


def _escaped(expression: str) -> str:
    """SQL for exports.writers.xlsx.text_cell's escaping of a text expression: the plain form's
    & < >, or the careful form's, chosen by the same pattern."""
    plain = f"replace(replace(replace({expression}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
    careful = f"regexp_replace({expression}, {_literal(EXCEL_ESCAPE_PATTERN)}, '_x005F_', 'g')"
    careful = f"replace(replace(replace({careful}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
    for character, replacement in CONTROL_REPLACEMENTS.items():
        if character == "\x00":
            continue  # PostgreSQL text cannot hold NUL
        careful = f"replace({careful}, chr({ord(character)}), {_literal(replacement)})"
    return (
        f"CASE WHEN {expression} ~ {_literal(_PG_CAREFUL_TEXT)} "
        f"THEN {_literal(TEXT_OPEN_PRESERVED)} || {careful} || {_literal(TEXT_CLOSE)} "
        f"ELSE {_literal(TEXT_OPEN)} || {plain} || {_literal(TEXT_CLOSE)} END"
    )


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
            f"THEN {_literal(NUMBER_OPEN)} || ({value})::text || {_literal(NUMBER_CLOSE)} "
            f"ELSE {_literal(TEXT_OPEN)} || ({value})::text || {_literal(TEXT_CLOSE)} END",
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
            f"ELSE {_literal(TEXT_OPEN)} || {text} || {_literal(TEXT_CLOSE)} END",
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
    row = " || ".join(quote(name) for name in cells)
    # CSV format with a quote and delimiter that a rendered row never holds (every control
    # character is escaped), so each record is the row's XML as it is plus LF.
    # Only quoted names and Django's compiled SQL (its values stay parameters).
    copy_sql = (
        f"COPY (SELECT '<row>' || {row} || '</row>' FROM ({sql}) AS cells)"  # noqa: S608
        " TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
    )
    copied = 0
    with _copying(connection, copy_sql, params) as reader:
        while records := reader.read(COPY_BLOCK_ROWS):
            sink.write_rows(records)
            copied += len(records)
            if on_rows is not None:
                on_rows(len(records))
    return copied
