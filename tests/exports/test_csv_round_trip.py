"""CSV exports read back into a database as they were: an empty text stays an empty text and a
missing value stays missing, so `COPY ... CSV HEADER` loads every category into a table built
from the register (its types, NOT NULL where the register says a field is never missing)."""

import pytest
from django.db import connection, transaction

from exports.register import build_register
from exports.services.running import SourceRowReader
from exports.sources import get_category
from exports.sources.base import FieldType, RowFilter
from exports.writers import CsvWriter
from exports.writers.base import read_data_file
from exports.writers.csv_records import csv_line, csv_texts
from tests.exports.test_sources_copy import NEEDS_POSTGRESQL, tricky_rows

SQL_TYPES = {
    FieldType.INTEGER: "bigint",
    FieldType.NUMBER: "double precision",
    FieldType.BOOLEAN: "boolean",
    FieldType.DATETIME: "timestamptz",
    FieldType.DATE: "date",
    FieldType.UUID: "uuid",
    FieldType.JSON: "jsonb",
}


class GenericOnly(SourceRowReader):
    """The export's reader without the COPY fast path: the Python writer writes every byte."""

    def copy_csv(self, category, stream, on_rows=None):
        return None


def test_an_empty_text_is_quoted_and_a_missing_value_is_not():
    assert csv_line(["a", "", None, 'say "hi"', "x,y"]) == 'a,"",,"say ""hi""","x,y"\r\n'
    _source, profiles = get_category("visitor_profiles")
    row = {field.name: None for field in profiles.fields} | {"browser_family": ""}
    texts = csv_texts(row, profiles.fields)
    assert texts[profiles.field_names.index("browser_family")] == ""
    assert texts[profiles.field_names.index("referrer_domain")] is None


def test_the_register_states_the_rule(db):
    (csv_format,) = [entry for entry in build_register()["formats"] if entry["id"] == "csv"]
    assert 'an empty text is a quoted empty field ("")' in csv_format["description"]


def _create_table(cursor, category_entry) -> str:
    table = f"loaded_{category_entry['id']}"
    columns = ", ".join(
        f'"{field["name"]}" {SQL_TYPES.get(field["type"], "text")}'
        + ("" if field["nullable"] else " NOT NULL")
        for field in category_entry["fields"]
    )
    cursor.execute(f"CREATE TEMP TABLE {table} ({columns}) ON COMMIT DROP")
    return table


@pytest.mark.postgresql
@pytest.mark.parametrize("reader_class", [SourceRowReader, GenericOnly], ids=["copy", "generic"])
def test_every_csv_file_loads_into_postgresql_under_the_registers_not_nulls(
    org_a, customer_data, tmp_path, reader_class
):
    assert connection.vendor == "postgresql", NEEDS_POSTGRESQL
    tricky_rows(org_a.tenant_id)  # empty browser_family and industry, NULLs beside them
    reader = reader_class(RowFilter(tenant_id=org_a.tenant_id))
    register = build_register()
    stored = [entry for entry in register["categories"] if "csv" in entry["formats"]]
    assert {entry["id"] for entry in stored} >= {
        "leads",
        "visitor_profiles",
        "journey_insights",
        "organisation_profiles",
    }
    for entry in stored:
        _source, category = get_category(entry["id"])
        folder = tmp_path / f"{reader_class.__name__}-{category.id}"
        folder.mkdir()
        (data_file,) = CsvWriter(max_file_bytes=10**9).write_unit(
            unit=category.id,
            categories=[category],
            reader=reader,
            folder=folder,
            on_rows=lambda rows: None,
        )
        data = read_data_file(folder / data_file.name)
        with transaction.atomic(), connection.cursor() as cursor:
            table = _create_table(cursor, entry)
            with cursor.cursor.copy(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER)") as copy:
                copy.write(data)
            assert _count(cursor, table) == reader.count(category) == data_file.rows
            if category.id == "visitor_profiles":
                assert _count(cursor, table, "browser_family = ''") >= 1
                empty = _count(cursor, table, "referrer_domain = ''")
                missing = _count(cursor, table, "referrer_domain IS NULL")
                assert empty == reader_rows_where(reader, category, "referrer_domain", "") >= 1
                assert missing == reader_rows_where(reader, category, "referrer_domain", None) >= 1
            if category.id == "organisation_profiles":
                empty = _count(cursor, table, "industry = ''")
                assert empty == reader_rows_where(reader, category, "industry", "") >= 1


def _count(cursor, table: str, condition: str = "TRUE") -> int:
    # Table and condition are this module's own text, never input.
    cursor.execute(f"SELECT count(*) FROM {table} WHERE {condition}")  # noqa: S608
    return cursor.fetchone()[0]


def reader_rows_where(reader, category, name, value) -> int:
    return sum(1 for row in reader.rows(category) if row[name] == value)
