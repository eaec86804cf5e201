"""The XLSX format: one workbook, a sheet per category, typed cells that are never formulas.

The workbook is written here part by part (ECMA-376: content types, relationships, workbook,
styles, one worksheet per sheet) rather than through a spreadsheet library, because the sheet
XML of a row is simple enough for the database to render: on PostgreSQL the built-in source's
fast path (exports.builtin_source.xlsx_copy) lets `COPY ... TO STDOUT` write each row's
`<row>` element, and this module only cuts the stream into sheets and deflates it. The
generic path below renders the same bytes from Python rows (SQLite, other sources, fields
PostgreSQL cannot render); the cell rules are the contract both follow:

| field type       | cell                                                                       |
|------------------|----------------------------------------------------------------------------|
| any, value None  | an empty cell `<c/>`                                                       |
| boolean          | typed boolean (`t="b"`, 1 or 0)                                            |
| integer          | typed number; beyond 15 digits (Excel's precision) its digits as text      |
| number           | typed number, Python's repr of the float (NaN and infinity refused)        |
| date             | typed date: Excel's day number, style yyyy-mm-dd (before 1 March 1900,     |
|                  | where Excel's calendar is wrong, the ISO text)                             |
| datetime         | text, exactly csv_cell's "YYYY-MM-DDTHH:MM:SS.ffffffZ": Excel's date-time  |
|                  | number cannot hold microseconds (readers round it to milliseconds)         |
| anything else    | text, exactly csv_cell's                                                   |

Text is an inline string (`t="inlineStr"`). It is escaped for XML (& < >); text that starts
or ends with white space, holds a control character, or holds Excel's own escape pattern
`_xHHHH_` takes the careful form: `xml:space="preserve"`, a literal `_xHHHH_` escaped as
`_x005F_xHHHH_`, tab, LF and CR as character references (so a CR survives XML's line-end
rules), and every other control character as Excel's `_xHHHH_`.
"""

import datetime
import math
import re
import zlib
from pathlib import Path

from isal import isal_zlib

from exports.formats import csv_cell
from exports.sources.base import Category, FieldType
from exports.writers.base import DataFile, ExportWriter, chunks, part_name
from exports.zipformat import (
    DEFLATED,
    RAW_DEFLATE_WBITS,
    STORED,
    ReadyMember,
    ZipAssembler,
)

# Excel's limit of rows on one sheet, the header row included.
XLSX_MAX_ROWS = 1_048_576
# Excel keeps 15 significant digits; a larger integer is written as text to stay exact.
XLSX_MAX_EXACT_INTEGER = 999_999_999_999_999
# Day 0 of Excel's (1900) date system, counted so that 1 March 1900 is day 61.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_FIRST_EXACT_DATE = datetime.date(1900, 3, 1)
# The deflate level of the sheets (ISA-L, as the other formats' files) and the small parts.
SHEET_DEFLATE_LEVEL = 1
PART_DEFLATE_LEVEL = 6
# What a workbook's fixed parts and zip structures take, at most, besides its sheets: counted
# against the maximum file size before the sheets' own bytes.
WORKBOOK_OVERHEAD_BYTES = 4096

# Style indexes of styles.xml's cellXfs.
DATE_STYLE = 1
HEADER_STYLE = 2

SHEET_OPENING = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    b'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>\n'
)
SHEET_CLOSING = b"</sheetData></worksheet>\n"

EMPTY_CELL = "<c/>"
TRUE_CELL = '<c t="b"><v>1</v></c>'
FALSE_CELL = '<c t="b"><v>0</v></c>'
TEXT_OPEN = '<c t="inlineStr"><is><t>'
TEXT_OPEN_PRESERVED = '<c t="inlineStr"><is><t xml:space="preserve">'
TEXT_CLOSE = "</t></is></c>"
NUMBER_OPEN, NUMBER_CLOSE = "<c><v>", "</v></c>"
DATE_OPEN = f'<c s="{DATE_STYLE}"><v>'

# Text that needs the careful form; the same pattern is given to PostgreSQL (its regular
# expressions read \t, \n, \r and \xHH as Python's do). \Z rather than $, which in Python
# would also match before a final newline.
CAREFUL_TEXT = r"^[ \t\n\r]|[ \t\n\r]\Z|[\x00-\x1f]|_x[0-9A-Fa-f]{4}_"
_CAREFUL = re.compile(CAREFUL_TEXT)
# Every "_" that starts an escape-like pattern, even one ending another ("_x005F_x0041_").
EXCEL_ESCAPE_PATTERN = r"_(?=x[0-9A-Fa-f]{4}_)"
_EXCEL_ESCAPE = re.compile(EXCEL_ESCAPE_PATTERN)
# In the careful form, after & < >: white-space control characters become character
# references, every other one Excel's escape (XML 1.0 cannot hold them at all).
CONTROL_REPLACEMENTS = {
    **{chr(code): f"_x{code:04X}_" for code in range(0x20)},
    "\t": "&#9;",
    "\n": "&#10;",
    "\r": "&#13;",
}
_XML_TABLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_CONTROL_TABLE = str.maketrans(CONTROL_REPLACEMENTS)


def needs_careful_form(text: str) -> bool:
    """Whether a text takes the careful form. The answer is the same for the text with & < >
    already escaped, which none of the tests involves."""
    return _CAREFUL.search(text) is not None


def careful_form_of_escaped(escaped: str) -> str:
    """The careful form's cell of a text whose & < > are escaped already (Excel's escape and
    the control characters' involve none of them, so the order does not matter)."""
    return (
        TEXT_OPEN_PRESERVED
        + _EXCEL_ESCAPE.sub("_x005F_", escaped).translate(_CONTROL_TABLE)
        + TEXT_CLOSE
    )


def text_cell(text: str) -> str:
    """The inline-string cell of a text, in the plain or the careful form (see above)."""
    escaped = text.translate(_XML_TABLE)
    if not needs_careful_form(text):
        return TEXT_OPEN + escaped + TEXT_CLOSE
    return careful_form_of_escaped(escaped)


def _cell_renderer(field):
    """A function giving a field's cell for one value (None included)."""
    kind = field.type

    if kind == FieldType.BOOLEAN:
        return lambda value: EMPTY_CELL if value is None else TRUE_CELL if value else FALSE_CELL

    if kind == FieldType.INTEGER:

        def integer(value):
            if value is None:
                return EMPTY_CELL
            value = int(value)
            if -XLSX_MAX_EXACT_INTEGER <= value <= XLSX_MAX_EXACT_INTEGER:
                return f"{NUMBER_OPEN}{value}{NUMBER_CLOSE}"
            return f"{TEXT_OPEN}{value}{TEXT_CLOSE}"

        return integer

    if kind == FieldType.NUMBER:

        def number(value):
            if value is None:
                return EMPTY_CELL
            if isinstance(value, int):
                return f"{NUMBER_OPEN}{value}{NUMBER_CLOSE}"
            value = float(value)
            if not math.isfinite(value):
                raise ValueError("A spreadsheet number cannot be NaN or infinite.")
            return f"{NUMBER_OPEN}{value!r}{NUMBER_CLOSE}"

        return number

    if kind == FieldType.DATE:

        def date(value):
            if value is None:
                return EMPTY_CELL
            text = csv_cell(value, kind)  # refuses a datetime given for a date
            if value < EXCEL_FIRST_EXACT_DATE:
                return text_cell(text)
            return f"{DATE_OPEN}{(value - EXCEL_EPOCH).days}{NUMBER_CLOSE}"

        return date

    def text(value):
        if value is None:
            return EMPTY_CELL
        return text_cell(value if type(value) is str else csv_cell(value, kind))

    return text


def header_row(category: Category) -> bytes:
    cells = "".join(
        f'<c t="inlineStr" s="{HEADER_STYLE}"><is><t>{name.translate(_XML_TABLE)}</t></is></c>'
        for name in category.field_names
    )
    return f"<row>{cells}</row>\n".encode()


def row_renderer(category: Category):
    """A function giving a row's `<row>` element and its line end, as bytes."""
    renderers = [(field.name, _cell_renderer(field)) for field in category.fields]

    def render(row: dict) -> str:
        return "<row>" + "".join([cell(row[name]) for name, cell in renderers]) + "</row>\n"

    return render


class XlsxWriter(ExportWriter):
    """One workbook for all the categories, a sheet per category (a header row, then a row per
    record), a further sheet "<category> (2)" past `max_rows_per_sheet`. Cells are typed values
    or text, never formulas (SECURITY-TESTS row 22): no cell is ever written with a formula
    element. A source's fast path (copy_xlsx) renders the rows where it can; otherwise they
    are rendered here. A workbook whose parts would pass the maximum file size continues in
    data.part2.xlsx; where it splits depends only on the rows."""

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
        # The workbook's "created" property and its members' times; fixed by the caller so
        # that a re-run of the same job writes the same bytes.
        self.created = created or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)

    def units(self, categories):
        return [(self.base_name, list(categories))]

    def write_unit(self, *, unit, categories, reader, folder, on_rows):
        book = _Workbook(self, folder)
        try:
            for category in categories:
                book.start_category(category)
                if not book.copy(reader, on_rows):
                    render = row_renderer(category)
                    for chunk in chunks(reader.rows(category)):
                        book.write_rows([render(row).encode() for row in chunk])
                        on_rows(len(chunk))
            return book.close()
        except BaseException:
            book.discard()
            raise


class _SheetFile:
    """One worksheet's XML, deflated as it is written into the raw deflate stream its member
    of the workbook holds. Deflated on the writer's own thread, so its size so far (and so
    where a workbook splits) depends only on the bytes written."""

    def __init__(self, path: Path):
        self.path = path
        self.handle = open(path, "wb")  # noqa: SIM115 - closed by close() or discard()
        self.compressor = isal_zlib.compressobj(
            SHEET_DEFLATE_LEVEL, isal_zlib.DEFLATED, RAW_DEFLATE_WBITS
        )
        self.bytes = self.crc32 = self.stored_bytes = 0
        # Bytes given to the compressor since it last gave some back: an upper bound of what
        # they will take once compressed.
        self.pending = 0

    def write(self, data: bytes) -> None:
        self.bytes += len(data)
        self.crc32 = isal_zlib.crc32(data, self.crc32)
        out = self.compressor.compress(data)
        if out:
            self.handle.write(out)
            self.stored_bytes += len(out)
            self.pending = 0
        else:
            self.pending += len(data)

    @property
    def size_bound(self) -> int:
        return self.stored_bytes + self.pending

    def close(self) -> None:
        out = self.compressor.flush()
        self.handle.write(out)
        self.stored_bytes += len(out)
        self.pending = 0
        self.handle.close()

    def discard(self) -> None:
        self.handle.close()
        self.path.unlink(missing_ok=True)


class _Crc32Writer:
    """A file handle that also keeps the CRC-32 of what goes through it."""

    def __init__(self, handle):
        self.handle, self.crc32 = handle, 0

    def write(self, data: bytes) -> None:
        self.crc32 = zlib.crc32(data, self.crc32)
        self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


class _Workbook:
    """The workbook parts and sheets of one XLSX unit, as they are written."""

    def __init__(self, writer: XlsxWriter, folder: Path):
        self.writer, self.folder = writer, folder
        self.finished: list[DataFile] = []
        self.part = 0
        self.sheet_counts: dict[str, int] = {}
        self.category: Category | None = None
        self.sheet: _SheetFile | None = None
        self._open_part()

    # Parts -----------------------------------------------------------------------------------

    def _open_part(self) -> None:
        self.part += 1
        self.path = self.folder / part_name(self.writer.base_name, self.part, "xlsx")
        self.path.unlink(missing_ok=True)
        self.sheets: list[dict] = []
        self.sheet_files: list[_SheetFile] = []
        self.finished_bytes = WORKBOOK_OVERHEAD_BYTES
        self.part_rows = 0

    def _part_size_bound(self) -> int:
        current = self.sheet.size_bound if self.sheet is not None else 0
        return self.finished_bytes + current

    def _close_part(self) -> None:
        self._close_sheet()
        members = self._fixed_members()
        with open(self.path, "wb") as handle:
            out = _Crc32Writer(handle)
            assembler = ZipAssembler(out, modified=self.writer.created)
            for name, data in members[:-1]:
                assembler.add_bytes(name, data, level=PART_DEFLATE_LEVEL)
            for number, sheet in enumerate(self.sheet_files, start=1):
                assembler.add_ready(
                    ReadyMember(
                        name=f"xl/worksheets/sheet{number}.xml",
                        path=sheet.path,
                        method=DEFLATED,
                        crc32=sheet.crc32,
                        size=sheet.bytes,
                        compressed_size=sheet.stored_bytes,
                    )
                )
            # docProps last: a reader finds the workbook's parts through [Content_Types].xml
            # and the relationships, wherever they sit.
            name, data = members[-1]
            assembler.add_bytes(name, data, level=PART_DEFLATE_LEVEL)
            sha256, size = assembler.close()
        for sheet in self.sheet_files:
            sheet.path.unlink(missing_ok=True)
        self.finished.append(
            DataFile(
                name=self.path.name,
                category=None,
                part=self.part,
                rows=sum(sheet["rows"] for sheet in self.sheets),
                bytes=size,
                sha256=sha256,
                sheets=self.sheets,
                stored_as=self.path.name,
                method=STORED,  # a workbook is a zip already: its archive member stores it
                crc32=out.crc32,
                stored_bytes=size,
                stored_sha256=sha256,
            )
        )

    def _fixed_members(self) -> list[tuple[str, bytes]]:
        names = [sheet["name"] for sheet in self.sheets]
        created = self.writer.created.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return [
            ("[Content_Types].xml", _content_types(len(names))),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", _workbook_xml(names)),
            ("xl/_rels/workbook.xml.rels", _workbook_rels(len(names))),
            ("xl/styles.xml", STYLES),
            ("docProps/core.xml", CORE_PROPERTIES.format(created=created).encode()),
        ]

    # Sheets ----------------------------------------------------------------------------------

    def start_category(self, category: Category) -> None:
        self.category = category
        self._new_sheet()

    def _new_sheet(self) -> None:
        self._close_sheet()
        category = self.category
        number = self.sheet_counts.get(category.id, 0) + 1
        self.sheet_counts[category.id] = number
        title = category.id[:31] if number == 1 else f"{category.id[:24]} ({number})"
        self.sheet_info = {"name": title, "category": category.id, "rows": 0}
        self.sheets.append(self.sheet_info)
        stem = part_name(self.writer.base_name, self.part, "xlsx")
        self.sheet = _SheetFile(self.folder / f"{stem}.sheet{len(self.sheets)}.xml.deflated")
        self.sheet_files.append(self.sheet)
        self.sheet.write(SHEET_OPENING)
        self.sheet.write(header_row(category))
        self.sheet_row = 1

    def _close_sheet(self) -> None:
        if self.sheet is None:
            return
        self.sheet.write(SHEET_CLOSING)
        self.sheet.close()
        self.finished_bytes += self.sheet.stored_bytes
        self.sheet = None

    def write_rows(self, records: list[bytes]) -> None:
        """Rows rendered as `<row>...</row>` and a line feed each, in order: onto the current
        sheet, a new sheet when it is full, a new workbook part when the next row would take
        this one past the maximum size."""
        limit, max_rows = self.writer.max_file_bytes, self.writer.max_rows_per_sheet
        start = 0
        while start < len(records):
            if self.sheet_row >= max_rows:
                self._new_sheet()
            block = records[start : start + max_rows - self.sheet_row]
            data = b"".join(block)
            if self._part_size_bound() + len(data) > limit:
                # Near the end of a part: row by row, so that it ends as late as it may (a
                # part holds at least one row, however large).
                block, data = block[:1], block[0]
                if self.part_rows and self._part_size_bound() + len(data) > limit:
                    self._close_part()
                    self._open_part()
                    self._new_sheet()
            self.sheet.write(data)
            self.sheet_row += len(block)
            self.sheet_info["rows"] += len(block)
            self.part_rows += len(block)
            start += len(block)

    def copy(self, reader, on_rows) -> bool:
        """The source's fast path for the current category, if it has one: True once it wrote
        the category's rows, False (having written none) when the generic path must."""
        copy = getattr(reader, "copy_xlsx", None)
        if copy is None:
            return False
        background = getattr(on_rows, "background", None)
        if background is None:
            copied = copy(self.category, self)
        else:
            with background() as tick:
                copied = copy(self.category, self, tick)
        if copied is None:
            return False
        on_rows(copied)
        return True

    def close(self) -> list[DataFile]:
        self._close_part()
        return self.finished

    def discard(self) -> None:
        for sheet in self.sheet_files:
            sheet.discard()
        self.path.unlink(missing_ok=True)
        for data_file in self.finished:
            (self.folder / data_file.name).unlink(missing_ok=True)


# The workbook's fixed parts ------------------------------------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

ROOT_RELS = (
    f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    "</Relationships>"
).encode()

STYLES = (
    f'{XML_DECLARATION}<styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
).encode()

CORE_PROPERTIES = (
    XML_DECLARATION + "<cp:coreProperties "
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
    "</cp:coreProperties>"
)


def _content_types(sheets: int) -> bytes:
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>'
        for n in range(1, sheets + 1)
    )
    office = "application/vnd.openxmlformats-officedocument"
    return (
        f"{XML_DECLARATION}"
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{office}.spreadsheetml.'
        'sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{office}.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
        'package.core-properties+xml"/>'
        f"{overrides}</Types>"
    ).encode()


def _workbook_xml(names: list[str]) -> bytes:
    sheets = "".join(
        f'<sheet name="{_attribute(name)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(names, start=1)
    )
    return (
        f'{XML_DECLARATION}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f"<sheets>{sheets}</sheets></workbook>"
    ).encode()


def _workbook_rels(sheets: int) -> bytes:
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
    return (
        f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_REL_NS}">{rels}{styles}</Relationships>'
    ).encode()


def _attribute(text: str) -> str:
    return text.translate(_XML_TABLE).replace('"', "&quot;")
