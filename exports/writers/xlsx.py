"""The XLSX format: one workbook, a sheet per category, typed cells that are never formulas."""

import datetime
import hashlib
import zlib
from pathlib import Path

import xlsxwriter

from exports.formats import csv_cell
from exports.sources.base import Category, FieldType
from exports.writers.base import DataFile, ExportWriter, chunks, part_name
from exports.zipformat import STORED

# Excel's limit of rows on one sheet, the header row included.
XLSX_MAX_ROWS = 1_048_576
# Excel keeps 15 significant digits; a larger integer is written as text to stay exact.
XLSX_MAX_EXACT_INTEGER = 999_999_999_999_999
# Rough size of a cell's markup once compressed; only used to split workbooks by size.
XLSX_CELL_OVERHEAD_BYTES = 4


class XlsxWriter(ExportWriter):
    """One workbook for all the categories, a sheet per category (a header row, then a row per
    record), a further sheet "<category> (2)" past `max_rows_per_sheet`. Cells are typed values
    or text, never formulas: text is always written with write_string, so "=cmd|..." stays
    text (SECURITY-TESTS row 22). Written with xlsxwriter's constant_memory mode: one row in
    memory at a time. A workbook past the maximum file size (estimated from the data written,
    since its compressed size is only known at the end) continues in data.part2.xlsx."""

    format_id = "xlsx"
    extension = "xlsx"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    base_name = "data"

    def __init__(
        self,
        *,
        max_file_bytes: int,
        max_rows_per_sheet: int = XLSX_MAX_ROWS,
        created: datetime.datetime | None = None,
    ):
        super().__init__(max_file_bytes=max_file_bytes)
        if max_rows_per_sheet < 2:
            raise ValueError("A sheet needs room for the header and one row.")
        self.max_rows_per_sheet = max_rows_per_sheet
        # The workbook's "created" property; fixed by the caller so that a re-run of the same
        # job writes the same bytes (xlsxwriter would use the current time).
        self.created = created or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)

    def units(self, categories):
        return [(self.base_name, list(categories))]

    def write_unit(self, *, unit, categories, reader, folder, on_rows):
        book = _Workbook(self, folder)
        try:
            for category in categories:
                book.start_category(category)
                for chunk in chunks(reader.rows(category)):
                    for row in chunk:
                        book.write_row(row)
                    on_rows(len(chunk))
            return book.close()
        except BaseException:
            book.discard()
            raise


class _Workbook:
    """The workbook parts and sheets of one XLSX unit, as they are written."""

    def __init__(self, writer: XlsxWriter, folder: Path):
        self.writer, self.folder = writer, folder
        self.finished: list[DataFile] = []
        self.part = 0
        self.book = None
        self.sheet_counts: dict[str, int] = {}
        self.category: Category | None = None
        self._open_part()

    def _open_part(self) -> None:
        self.part += 1
        self.path = self.folder / part_name(self.writer.base_name, self.part, "xlsx")
        self.path.unlink(missing_ok=True)
        self.book = xlsxwriter.Workbook(
            str(self.path),
            {
                "constant_memory": True,
                "tmpdir": str(self.folder),
                # These only affect write(); set anyway so no text can become a formula,
                # number or link even if someone changes a call below.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.book.set_properties({"created": self.writer.created})
        self.header_format = self.book.add_format({"bold": True})
        self.datetime_format = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss.000"})
        self.date_format = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.estimated_bytes = 0
        self.part_rows = 0
        self.sheets: list[dict] = []
        self.sheet = None

    def _close_part(self) -> None:
        self.book.close()
        self.book = None
        # A workbook is a zip already: its archive member stores it as it is.
        digest, crc32 = hashlib.sha256(), 0
        with open(self.path, "rb") as handle:
            while block := handle.read(1024 * 1024):
                digest.update(block)
                crc32 = zlib.crc32(block, crc32)
        size = self.path.stat().st_size
        self.finished.append(
            DataFile(
                name=self.path.name,
                category=None,
                part=self.part,
                rows=sum(sheet["rows"] for sheet in self.sheets),
                bytes=size,
                sha256=digest.hexdigest(),
                sheets=self.sheets,
                stored_as=self.path.name,
                method=STORED,
                crc32=crc32,
                stored_bytes=size,
                stored_sha256=digest.hexdigest(),
            )
        )

    def start_category(self, category: Category) -> None:
        if self.estimated_bytes > self.writer.max_file_bytes and self.part_rows:
            self._close_part()
            self._open_part()
        self.category = category
        self.cells = [_xlsx_cell_plan(f, self) for f in category.fields]
        self._new_sheet()

    def _new_sheet(self) -> None:
        category = self.category
        number = self.sheet_counts.get(category.id, 0) + 1
        self.sheet_counts[category.id] = number
        title = category.id[:31] if number == 1 else f"{category.id[:24]} ({number})"
        self.sheet = self.book.add_worksheet(title)
        self.sheet_info = {"name": title, "category": category.id, "rows": 0}
        self.sheets.append(self.sheet_info)
        for column, name in enumerate(category.field_names):
            self.sheet.write_string(0, column, name, self.header_format)
        self.sheet_row = 1

    def write_row(self, row: dict) -> None:
        if self.sheet_row >= self.writer.max_rows_per_sheet:
            self._new_sheet()
        if self.estimated_bytes > self.writer.max_file_bytes and self.part_rows:
            self._close_part()
            self._open_part()
            self._new_sheet()
        sheet, number = self.sheet, self.sheet_row
        size = 0
        for column, (name, write) in enumerate(self.cells):
            value = row[name]
            if value is not None:
                size += write(sheet, number, column, value)
        self.estimated_bytes += size + XLSX_CELL_OVERHEAD_BYTES * len(self.cells)
        self.part_rows += 1
        self.sheet_row += 1
        self.sheet_info["rows"] += 1

    def close(self) -> list[DataFile]:
        self._close_part()
        return self.finished

    def discard(self) -> None:
        if self.book is not None:
            try:
                self.book.close()
            except Exception:  # noqa: S110 - the half-written file is deleted just below
                pass
        self.path.unlink(missing_ok=True)
        for data_file in self.finished:
            (self.folder / data_file.name).unlink(missing_ok=True)


def _xlsx_cell_plan(schema_field, book: _Workbook):
    """(field name, a function writing one non-null value and returning its estimated size)."""
    kind = schema_field.type

    if kind == FieldType.BOOLEAN:

        def write(sheet, row, column, value):
            sheet.write_boolean(row, column, bool(value))
            return 1

    elif kind == FieldType.INTEGER:

        def write(sheet, row, column, value):
            value = int(value)
            if -XLSX_MAX_EXACT_INTEGER <= value <= XLSX_MAX_EXACT_INTEGER:
                sheet.write_number(row, column, value)
            else:
                sheet.write_string(row, column, str(value))
            return 8

    elif kind == FieldType.NUMBER:

        def write(sheet, row, column, value):
            sheet.write_number(row, column, float(value))
            return 8

    elif kind == FieldType.DATETIME:
        # Formats are read from the book at each call: they belong to the current workbook
        # part, and a split opens a new one.
        def write(sheet, row, column, value):
            if value.tzinfo is None:
                raise ValueError("Exported datetimes must be timezone-aware.")
            # Excel has no time zones: the sheet shows UTC, as the CSV and JSON files do.
            naive = value.astimezone(datetime.UTC).replace(tzinfo=None)
            sheet.write_datetime(row, column, naive, book.datetime_format)
            return 8

    elif kind == FieldType.DATE:

        def write(sheet, row, column, value):
            sheet.write_datetime(row, column, value, book.date_format)
            return 8

    else:
        # Text of every other type (UUIDs, JSON objects, ...) exactly as in the CSV file.
        def write(sheet, row, column, value, _kind=kind):
            text = value if type(value) is str else csv_cell(value, _kind)
            sheet.write_string(row, column, text)
            return len(text)

    return schema_field.name, write
