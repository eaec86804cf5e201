"""An XLSX export holds the same values as a JSON export of the same data, cell by cell, as a
spreadsheet reader (openpyxl) sees them: timestamps to the microsecond, empty strings apart
from missing values, numbers and booleans typed, awkward text intact. On PostgreSQL the
workbook's rows are rendered by COPY; they are the very bytes the Python rendering gives."""

import datetime
import io
import json
import re
import zipfile

import openpyxl
import pytest
from django.db import connection

from exports.builtin_source.models import Lead
from exports.services.running import SourceRowReader
from exports.sources import get_category
from exports.sources.base import RowFilter
from exports.writers import XlsxWriter
from tests.exports.test_export_job import CATEGORIES, start_export, stored_zip
from tests.exports.test_sources_copy import NEEDS_POSTGRESQL, tricky_rows

pytestmark = pytest.mark.django_db

UTC = datetime.UTC

# Text whose XML form is awkward: control characters (Excel's _xHHHH_ escapes), a literal text
# that looks like such an escape, white space at either end, a lone CR, markup characters.
AWKWARD = [
    "bell\u0007 escape\u001b unit\u001f",
    "_x0041_ is not an A",
    "_x005F_x0041_ neither",
    "\ttab first",
    "last is a space ",
    "lone\rCR",
    "<b>&amp;</b> > <",
    "\u0001",
]


def excel_text(value):
    """A text cell's value with Excel's _xHHHH_ escapes read (openpyxl leaves them), left to
    right, so "_x005F_x0041_" is the literal text "_x0041_"."""
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda match: chr(int(match.group(1), 16)), value)


def awkward_leads(tenant_id):
    moment = datetime.datetime(2026, 5, 4, 3, 2, 1, 654321, tzinfo=UTC)
    for number, text in enumerate(AWKWARD):
        Lead.objects.create(
            tenant_id=tenant_id,
            first_name=text,
            last_name="",
            company=text,
            city=None,
            lead_score=2**31 - 1 if number % 2 else -(2**31),
            created_at=moment + datetime.timedelta(microseconds=number),
            updated_at=moment,
        )


def exported(capture, organisation, user, format):
    job = start_export(capture, organisation, user, format=format, categories=CATEGORIES)
    return stored_zip(job)


def test_the_xlsx_export_equals_the_json_export_cell_by_cell(
    django_capture_on_commit_callbacks, export_storage, customer_data, org_a, admin_a
):
    tricky_rows(org_a.tenant_id)
    awkward_leads(org_a.tenant_id)

    as_json = exported(django_capture_on_commit_callbacks, org_a, admin_a, "json")
    as_xlsx = exported(django_capture_on_commit_callbacks, org_a, admin_a, "xlsx")

    workbook = openpyxl.load_workbook(io.BytesIO(as_xlsx.read("data.xlsx")))
    assert workbook.sheetnames == CATEGORIES
    compared = 0
    for category_id in CATEGORIES:
        _source, category = get_category(category_id)
        objects = json.loads(as_json.read(f"{category_id}.json"))
        rows = list(workbook[category_id].iter_rows(values_only=True))
        assert list(rows[0]) == category.field_names
        assert len(rows) - 1 == len(objects) > 0
        for obj, cells in zip(objects, rows[1:], strict=True):
            for field, cell in zip(category.fields, cells, strict=True):
                expected = obj[field.name]
                if isinstance(expected, int) and not isinstance(expected, bool):
                    if abs(expected) > 999_999_999_999_999:
                        # Past Excel's 15 digits an integer is its digits as text.
                        assert cell == str(expected), field.name
                        continue
                    assert type(cell) is int, field.name
                assert type(excel_text(cell)) is type(expected), (field.name, cell, expected)
                assert excel_text(cell) == expected, (category_id, field.name)
                compared += 1
    assert compared > 1000
    # Timestamps exactly, microseconds and all: the same text as the JSON file.
    leads = json.loads(as_json.read("leads.json"))
    assert any(lead["created_at"].endswith(".654321Z") for lead in leads)


def test_the_register_states_each_formats_precision():
    from exports.formats import FORMAT_PRECISION

    assert set(FORMAT_PRECISION) == {"csv", "json", "xlsx"}
    assert "microsecond" in FORMAT_PRECISION["xlsx"]["datetime"]
    assert "ISO 8601" in FORMAT_PRECISION["xlsx"]["datetime"]


def _sheet_members(data_file_path):
    with zipfile.ZipFile(data_file_path) as workbook:
        return {
            name: workbook.read(name)
            for name in workbook.namelist()
            if name.startswith("xl/worksheets/")
        }


class PythonRenderedReader(SourceRowReader):
    """The runner's reader without the XLSX fast path: rows rendered in Python."""

    copy_xlsx = None


@pytest.mark.postgresql
def test_copy_renders_the_very_rows_python_renders(tmp_path, org_a, org_b, customer_data):
    assert connection.vendor == "postgresql", NEEDS_POSTGRESQL
    tricky_rows(org_a.tenant_id)
    awkward_leads(org_a.tenant_id)
    tricky_rows(org_b.tenant_id)  # another tenant's rows must stay out
    categories = [get_category(category_id)[1] for category_id in CATEGORIES]
    row_filter = RowFilter(tenant_id=org_a.tenant_id)
    copies = []

    class CountingReader(SourceRowReader):
        def copy_xlsx(self, category, sink, on_rows=None):
            copies.append(category.id)
            return super().copy_xlsx(category, sink, on_rows)

    sheets = {}
    for name, reader in (
        ("copy", CountingReader(row_filter)),
        ("python", PythonRenderedReader(row_filter)),
    ):
        folder = tmp_path / name
        folder.mkdir()
        # Small sheets, so the fast path's blocks are cut at the row limit too.
        writer = XlsxWriter(max_file_bytes=10**9, max_rows_per_sheet=50)
        (data_file,) = writer.write_unit(
            unit="data", categories=categories, reader=reader, folder=folder, on_rows=lambda n: 0
        )
        sheets[name] = (_sheet_members(folder / data_file.name), data_file.sheets)
    assert copies == CATEGORIES  # the fast path wrote every category
    assert sheets["copy"] == sheets["python"]
    assert len(sheets["copy"][1]) > len(CATEGORIES)  # sheets rolled over
