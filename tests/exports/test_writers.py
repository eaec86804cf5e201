"""The CSV, JSON and XLSX writers: RFC 4180 CSV, JSON arrays, typed XLSX cells that are never
formulas, sheets past the row limit, parts past the size limit, and the same bytes for the
same rows (SECURITY-TESTS R22)."""

import csv
import datetime
import hashlib
import io
import json
import re
import uuid
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from exports.formats import csv_record, datetime_text, json_record
from exports.sources.base import Category, FieldType, SchemaField
from exports.writers import (
    WRITERS,
    CsvWriter,
    JsonWriter,
    XlsxWriter,
    get_writer,
)
from exports.writers.base import read_data_file

UTC = datetime.UTC

SAMPLE = Category(
    id="sample",
    name="Sample",
    description="One field of each kind.",
    schema_version="1.0",
    date_field="created_at",
    migration_difficulty="low",
    fields=(
        SchemaField("id", FieldType.UUID, "Key."),
        SchemaField("name", FieldType.STRING, "Free text."),
        SchemaField("email", FieldType.EMAIL, "Email."),
        SchemaField("score", FieldType.INTEGER, "Whole number."),
        SchemaField("ratio", FieldType.NUMBER, "Real number."),
        SchemaField("active", FieldType.BOOLEAN, "Flag."),
        SchemaField("created_at", FieldType.DATETIME, "Time."),
        SchemaField("day", FieldType.DATE, "Day."),
        SchemaField("attributes", FieldType.JSON, "Object."),
    ),
)
OTHER = Category(
    id="other",
    name="Other",
    description="A second category.",
    schema_version="1.0",
    date_field="created_at",
    migration_difficulty="low",
    fields=(
        SchemaField("key", FieldType.INTEGER, "Key."),
        SchemaField("label", FieldType.STRING, "Text."),
    ),
)

AWKWARD_TEXTS = [
    "plain",
    'with "quotes"',
    "comma, inside",
    "line\r\nbreak",
    "lf only\nhere",
    "Zoë Ó Súilleabháin, Łódź – 東京 🚀",
    '=HYPERLINK("http://evil.example","click")',
    "+1+2",
    "-3+4",
    "@SUM(A1:A2)",
    "\tleading tab",
    "",
    None,
]


def sample_row(number: int, name=None) -> dict:
    return {
        "id": uuid.UUID(int=number + 1),
        "name": AWKWARD_TEXTS[number % len(AWKWARD_TEXTS)] if name is None else name,
        "email": f"person{number}@example.com",
        "score": number * 7 - 20,
        "ratio": number / 8,
        "active": number % 2 == 0,
        "created_at": datetime.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
        + datetime.timedelta(seconds=number * 97, microseconds=123000),
        "day": datetime.date(2026, 3, 1) + datetime.timedelta(days=number),
        "attributes": {"n": number, "tags": ["a", "b, c"], "note": 'say "hi"'},
    }


class ListReader:
    """Rows from lists; optionally a fake COPY fast path that writes given bytes."""

    def __init__(self, rows: dict[str, list[dict]], fast_csv: dict[str, bytes] | None = None):
        self.data = rows
        self.fast_csv = fast_csv or {}
        self.fast_calls = 0

    def rows(self, category):
        return iter(self.data[category.id])

    def copy_csv(self, category, stream, on_rows=None):
        if category.id not in self.fast_csv:
            return None
        self.fast_calls += 1
        payload = self.fast_csv[category.id]
        for start in range(0, len(payload), 64):
            stream.write(payload[start : start + 64])
        return len(self.data[category.id])


def write(writer, categories, rows, folder: Path, **reader_options):
    progress = []
    files = []
    for unit, unit_categories in writer.units(categories):
        files += writer.write_unit(
            unit=unit,
            categories=unit_categories,
            reader=ListReader(rows, **reader_options),
            folder=folder,
            on_rows=progress.append,
        )
    return files, progress


def sha256(path: Path) -> str:
    return hashlib.sha256(read_data_file(path)).hexdigest()


def parse_csv(data: bytes) -> list[list[str]]:
    # newline="" keeps CR LF inside quoted fields, as RFC 4180 readers must.
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), strict=True))


def test_the_registry_knows_the_three_formats():
    assert set(WRITERS) == {"csv", "json", "xlsx"}
    assert isinstance(get_writer("csv", max_file_bytes=10**6), CsvWriter)
    with pytest.raises(KeyError):
        get_writer("pdf", max_file_bytes=10**6)


# CSV -----------------------------------------------------------------------------------------


def test_csv_is_rfc_4180_utf8_with_crlf_and_quoting(tmp_path):
    rows = [sample_row(n) for n in range(len(AWKWARD_TEXTS) * 2)]
    files, progress = write(CsvWriter(max_file_bytes=10**9), [SAMPLE], {"sample": rows}, tmp_path)

    (data_file,) = files
    assert data_file.name == "sample.csv" and data_file.rows == len(rows) and data_file.part == 1
    data = read_data_file(tmp_path / "sample.csv")
    assert data_file.bytes == len(data) and data_file.sha256 == hashlib.sha256(data).hexdigest()
    assert not data.startswith(b"\xef\xbb\xbf")  # no byte-order mark
    assert data.endswith(b"\r\n")
    assert data.startswith(b"id,name,email,score,ratio,active,created_at,day,attributes\r\n")
    assert b'"with ""quotes"""' in data and b'"comma, inside"' in data
    assert b'"line\r\nbreak"' in data and b'"lf only\nhere"' in data
    # Outside quoted fields every line ends with CRLF: no bare LF ends a record.
    assert len(parse_csv(data)) == len(rows) + 1
    parsed = parse_csv(data)
    assert parsed[0] == SAMPLE.field_names
    assert parsed[1:] == [csv_record(row, SAMPLE.fields) for row in rows]
    assert sum(progress) == len(rows)


def test_csv_keeps_formula_like_text_as_it_is(tmp_path):
    """Decision in SECURITY-TESTS.md: CSV and JSON stay byte-faithful to the data."""
    rows = [sample_row(0, name=text) for text in ("=1+2", "+cmd", "-2", "@x", "\tx")]
    write(CsvWriter(max_file_bytes=10**9), [SAMPLE], {"sample": rows}, tmp_path)
    names = [record[1] for record in parse_csv(read_data_file(tmp_path / "sample.csv"))[1:]]
    assert names == ["=1+2", "+cmd", "-2", "@x", "\tx"]


def test_an_empty_category_gives_a_header_only_csv(tmp_path):
    files, _ = write(CsvWriter(max_file_bytes=10**9), [OTHER], {"other": []}, tmp_path)
    assert files[0].rows == 0
    assert read_data_file(tmp_path / "other.csv") == b"key,label\r\n"


def test_csv_is_split_into_parts_each_with_its_header(tmp_path):
    rows = [sample_row(n, name="x" * 30) for n in range(40)]
    max_bytes = 1200
    files, _ = write(CsvWriter(max_file_bytes=max_bytes), [SAMPLE], {"sample": rows}, tmp_path)

    assert len(files) > 2
    assert [f.name for f in files] == ["sample.csv"] + [
        f"sample.part{n}.csv" for n in range(2, len(files) + 1)
    ]
    assert [f.part for f in files] == list(range(1, len(files) + 1))
    records = []
    for data_file in files:
        data = read_data_file(tmp_path / data_file.name)
        assert len(data) <= max_bytes
        assert data_file.bytes == len(data) and data_file.sha256 == hashlib.sha256(data).hexdigest()
        parsed = parse_csv(data)
        assert parsed[0] == SAMPLE.field_names
        assert len(parsed) - 1 == data_file.rows
        records += parsed[1:]
    assert records == [csv_record(row, SAMPLE.fields) for row in rows]


def test_a_record_larger_than_the_limit_gets_a_part_of_its_own(tmp_path):
    rows = [sample_row(0, name="short"), sample_row(1, name="y" * 500), sample_row(2, name="short")]
    files, _ = write(CsvWriter(max_file_bytes=300), [SAMPLE], {"sample": rows}, tmp_path)
    assert [f.rows for f in files] == [1, 1, 1]


def test_the_copy_fast_path_is_used_when_it_fits(tmp_path):
    rows = [sample_row(n) for n in range(20)]
    # The generic writer's bytes, fed through the fake fast path.
    (tmp_path / "generic").mkdir()
    write(CsvWriter(max_file_bytes=10**9), [SAMPLE], {"sample": rows}, tmp_path / "generic")
    generic = read_data_file(tmp_path / "generic" / "sample.csv")
    (tmp_path / "fast").mkdir()
    reader = ListReader({"sample": rows}, fast_csv={"sample": generic})
    writer = CsvWriter(max_file_bytes=10**9)
    files = writer.write_unit(
        unit="sample",
        categories=[SAMPLE],
        reader=reader,
        folder=tmp_path / "fast",
        on_rows=lambda n: None,
    )
    assert reader.fast_calls == 1
    assert files[0].rows == 20 and files[0].sha256 == hashlib.sha256(generic).hexdigest()


def test_the_fast_path_gives_way_to_the_generic_writer_when_a_file_must_be_split(tmp_path):
    rows = [sample_row(n, name="z" * 40) for n in range(30)]
    (tmp_path / "generic").mkdir()
    expected, _ = write(
        CsvWriter(max_file_bytes=1500), [SAMPLE], {"sample": rows}, tmp_path / "generic"
    )
    whole = _generic_csv(rows, tmp_path)
    (tmp_path / "fast").mkdir()
    files, _ = write(
        CsvWriter(max_file_bytes=1500),
        [SAMPLE],
        {"sample": rows},
        tmp_path / "fast",
        fast_csv={"sample": whole},
    )
    assert len(files) > 1
    assert [(f.name, f.sha256) for f in files] == [(f.name, f.sha256) for f in expected]
    assert sorted(p.name for p in (tmp_path / "fast").iterdir()) == sorted(
        f.stored_as for f in files
    )


def _generic_csv(rows, tmp_path) -> bytes:
    folder = tmp_path / "whole"
    folder.mkdir(exist_ok=True)
    write(CsvWriter(max_file_bytes=10**9), [SAMPLE], {"sample": rows}, folder)
    return read_data_file(folder / "sample.csv")


class WriterBroke(Exception):
    pass


def test_a_failing_writer_leaves_no_partial_file(tmp_path):
    def rows():
        yield sample_row(0)
        raise WriterBroke

    for writer in (
        CsvWriter(max_file_bytes=10**9),
        JsonWriter(max_file_bytes=10**9),
        XlsxWriter(max_file_bytes=10**9),
    ):
        folder = tmp_path / writer.format_id
        folder.mkdir()
        reader = ListReader({})
        reader.rows = lambda category: rows()
        with pytest.raises(WriterBroke):
            unit, categories = writer.units([SAMPLE])[0]
            writer.write_unit(
                unit=unit,
                categories=categories,
                reader=reader,
                folder=folder,
                on_rows=lambda n: None,
            )
        assert list(folder.iterdir()) == []


# JSON ----------------------------------------------------------------------------------------


def test_json_is_an_array_of_objects_in_schema_order(tmp_path):
    rows = [sample_row(n) for n in range(15)]
    files, _ = write(JsonWriter(max_file_bytes=10**9), [SAMPLE], {"sample": rows}, tmp_path)
    data = read_data_file(tmp_path / "sample.json")
    assert files[0].name == "sample.json" and files[0].rows == 15
    assert data.startswith(b"[\n{") and data.endswith(b"}\n]\n")
    parsed = json.loads(data.decode("utf-8"))
    assert parsed == [json_record(row, SAMPLE.fields) for row in rows]
    assert list(parsed[0]) == SAMPLE.field_names
    assert "Zoë" in data.decode("utf-8")  # UTF-8, not \u escapes
    assert parsed[6]["name"].startswith("=HYPERLINK")  # byte-faithful, like CSV


def test_an_empty_category_gives_an_empty_json_array(tmp_path):
    write(JsonWriter(max_file_bytes=10**9), [OTHER], {"other": []}, tmp_path)
    assert read_data_file(tmp_path / "other.json") == b"[]\n"
    assert json.loads(read_data_file(tmp_path / "other.json")) == []


def test_json_parts_are_each_a_complete_array(tmp_path):
    rows = [sample_row(n) for n in range(25)]
    files, _ = write(JsonWriter(max_file_bytes=1500), [SAMPLE], {"sample": rows}, tmp_path)
    assert len(files) > 2
    records = []
    for data_file in files:
        data = read_data_file(tmp_path / data_file.name)
        assert len(data) <= 1500
        part = json.loads(data)
        assert len(part) == data_file.rows
        records += part
    assert records == [json_record(row, SAMPLE.fields) for row in rows]


def test_json_refuses_nan_rather_than_writing_invalid_json(tmp_path):
    row = sample_row(1)
    row["ratio"] = float("nan")
    with pytest.raises(ValueError):
        write(JsonWriter(max_file_bytes=10**9), [SAMPLE], {"sample": [row]}, tmp_path)


# XLSX ----------------------------------------------------------------------------------------


def unescape_excel(text):
    """openpyxl leaves Excel's _xHHHH_ escapes of control characters as they are: read left to
    right, so "_x005F_x0041_" is the literal text "_x0041_"."""
    if text is None:
        return None
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def sheet_rows(sheet):
    return [[cell for cell in row] for row in sheet.iter_rows()]


def assert_no_formula(workbook):
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_xlsx_has_a_sheet_per_category_with_typed_values_and_no_formula(tmp_path):
    rows = [sample_row(n) for n in range(len(AWKWARD_TEXTS))]
    others = [{"key": n, "label": f"=cmd|' /C calc'!A{n}"} for n in range(3)]
    files, progress = write(
        XlsxWriter(max_file_bytes=10**9),
        [SAMPLE, OTHER],
        {"sample": rows, "other": others},
        tmp_path,
    )

    (workbook_file,) = files
    assert workbook_file.name == "data.xlsx" and workbook_file.category is None
    assert workbook_file.rows == len(rows) + 3
    assert workbook_file.sheets == [
        {"name": "sample", "category": "sample", "rows": len(rows)},
        {"name": "other", "category": "other", "rows": 3},
    ]
    assert sum(progress) == len(rows) + 3
    workbook = openpyxl.load_workbook(tmp_path / "data.xlsx")
    assert workbook.sheetnames == ["sample", "other"]
    assert_no_formula(workbook)
    sample = list(workbook["sample"].iter_rows(values_only=True))
    assert list(sample[0]) == SAMPLE.field_names
    for row, values in zip(rows, sample[1:], strict=True):
        got = dict(zip(SAMPLE.field_names, values, strict=True))
        assert got["id"] == str(row["id"])
        assert unescape_excel(got["name"]) == row["name"]  # None stays an empty cell
        assert got["email"] == row["email"]
        assert got["score"] == row["score"] and isinstance(got["score"], int)
        assert got["ratio"] == pytest.approx(row["ratio"])
        assert got["active"] is row["active"]
        # Exactly the CSV and JSON text: a spreadsheet's date-time number cannot hold
        # microseconds.
        assert got["created_at"] == datetime_text(row["created_at"])
        assert got["day"].date() == row["day"]
        assert json.loads(got["attributes"]) == row["attributes"]
    other = list(workbook["other"].iter_rows(values_only=True))
    assert other[1] == (0, "=cmd|' /C calc'!A0")


@given(
    text=st.text(min_size=1, max_size=40).map(lambda s: s.replace("\x00", "")).filter(bool),
    lead=st.sampled_from(["=", "+", "-", "@", "\t", "\r", ""]),
)
@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_no_xlsx_cell_is_ever_a_formula(tmp_path, text, lead):
    value = lead + text
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    write(
        XlsxWriter(max_file_bytes=10**9), [OTHER], {"other": [{"key": 1, "label": value}]}, folder
    )
    workbook = openpyxl.load_workbook(folder / "data.xlsx")
    assert_no_formula(workbook)
    cell = workbook["other"]["B2"]
    assert cell.data_type == "s"
    # XML 1.0 cannot hold a lone CR or surrogates as they are; everything else comes back.
    assert unescape_excel(cell.value).replace("\r\n", "\n").replace("\r", "\n") == value.replace(
        "\r\n", "\n"
    ).replace("\r", "\n")


def test_a_sheet_rolls_over_past_the_row_limit(tmp_path):
    rows = [sample_row(n) for n in range(10)]
    writer = XlsxWriter(max_file_bytes=10**9, max_rows_per_sheet=4)  # header + 3 rows a sheet
    files, _ = write(
        writer, [SAMPLE, OTHER], {"sample": rows, "other": [{"key": 1, "label": "a"}]}, tmp_path
    )

    assert [s["name"] for s in files[0].sheets] == [
        "sample",
        "sample (2)",
        "sample (3)",
        "sample (4)",
        "other",
    ]
    assert [s["rows"] for s in files[0].sheets] == [3, 3, 3, 1, 1]
    workbook = openpyxl.load_workbook(tmp_path / "data.xlsx")
    assert workbook.sheetnames == ["sample", "sample (2)", "sample (3)", "sample (4)", "other"]
    emails = []
    for name in workbook.sheetnames[:4]:
        values = list(workbook[name].iter_rows(values_only=True))
        assert list(values[0]) == SAMPLE.field_names
        assert len(values) <= 4
        emails += [v[2] for v in values[1:]]
    assert emails == [row["email"] for row in rows]


def test_the_default_row_limit_is_excels():
    assert XlsxWriter(max_file_bytes=1).max_rows_per_sheet == 1_048_576


def test_a_workbook_past_the_size_limit_continues_in_a_second_part(tmp_path):
    rows = [sample_row(n, name="w" * 200) for n in range(12)]
    files, _ = write(XlsxWriter(max_file_bytes=1500), [SAMPLE], {"sample": rows}, tmp_path)
    assert len(files) > 1
    assert [f.name for f in files][:2] == ["data.xlsx", "data.part2.xlsx"]
    emails = []
    for data_file in files:
        assert sha256(tmp_path / data_file.name) == data_file.sha256
        workbook = openpyxl.load_workbook(tmp_path / data_file.name)
        assert [s["name"] for s in data_file.sheets] == workbook.sheetnames
        for sheet in workbook.worksheets:
            values = list(sheet.iter_rows(values_only=True))
            assert list(values[0]) == SAMPLE.field_names
            emails += [v[2] for v in values[1:]]
    assert emails == [row["email"] for row in rows]
    # Sheet names go on counting across parts, so every sheet is named uniquely.
    names = [s["name"] for f in files for s in f.sheets]
    assert len(names) == len(set(names))


# Determinism (R22) ---------------------------------------------------------------------------

texts = st.one_of(st.none(), st.text(max_size=30).map(lambda s: s.replace("\x00", "")))
rows_strategy = st.lists(
    st.builds(
        lambda n, name, score, flag: {
            **sample_row(n),
            "name": name,
            "score": score,
            "active": flag,
        },
        st.integers(min_value=0, max_value=10_000),
        texts,
        st.integers(min_value=-(10**12), max_value=10**12),
        st.booleans(),
    ),
    max_size=25,
)


@given(rows=rows_strategy)
@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_same_rows_give_the_same_bytes(tmp_path, rows):
    digests = []
    for _attempt in range(2):
        folder = tmp_path / uuid.uuid4().hex
        folder.mkdir()
        out = {}
        for writer in (
            CsvWriter(max_file_bytes=900),
            JsonWriter(max_file_bytes=900),
            XlsxWriter(max_file_bytes=10**9),
        ):
            files, _ = write(writer, [SAMPLE], {"sample": rows}, folder)
            out[writer.format_id] = [(f.name, f.rows, f.bytes, f.sha256) for f in files]
            for f in files:
                assert sha256(folder / f.name) == f.sha256
        digests.append(out)
    assert digests[0] == digests[1]
    # CSV parts read back to exactly the rows, whatever the text.
    records = []
    for name, *_ in digests[0]["csv"]:
        records += parse_csv(read_data_file(folder / name))[1:]
    assert records == [csv_record(row, SAMPLE.fields) for row in rows]
