"""The text formats: RFC 4180 CSV and JSON arrays, one file per category, split into parts
past the maximum file size."""

import json
from contextlib import nullcontext
from pathlib import Path

from exports.formats import json_record
from exports.writers.base import DataFile, DeflatingFile, ExportWriter, chunks, part_name
from exports.writers.csv_records import csv_line, csv_row_line


class PartedFile:
    """The parts of one category's text file: each part starts with `opening`, holds whole
    records only, ends with `closing`, and stays within `max_bytes` (a part holds at least one
    record, however large). Where a part ends depends only on the records, so the same data
    always splits at the same places."""

    def __init__(
        self,
        *,
        folder: Path,
        base: str,
        extension: str,
        category_id: str,
        max_bytes: int,
        opening: bytes,
        first_separator: bytes = b"",
        separator: bytes = b"",
        closing: bytes = b"",
        closing_empty: bytes = b"",
    ):
        self.folder, self.base, self.extension = folder, base, extension
        self.category_id = category_id
        self.max_bytes = max_bytes
        self.opening = opening
        self.first_separator, self.separator = first_separator, separator
        self.closing, self.closing_empty = closing, closing_empty
        self.finished: list[DataFile] = []
        self.part = 0
        self._open_next()

    def _open_next(self) -> None:
        self.part += 1
        self.file = DeflatingFile(self.folder / part_name(self.base, self.part, self.extension))
        self.rows = 0
        self.file.write(self.opening)

    def _close_current(self) -> None:
        self.file.write(self.closing if self.rows else self.closing_empty)
        self.file.close()
        self.finished.append(
            self.file.data_file(category=self.category_id, part=self.part, rows=self.rows)
        )

    def write_records(self, records: list[str]) -> None:
        if not records:
            return
        lead = self.separator if self.rows else self.first_separator
        # Common case: the whole chunk fits in the current part, encoded and written at once.
        data = lead + self.separator.decode().join(records).encode()
        if self.file.bytes + len(data) + len(self.closing) <= self.max_bytes:
            self.file.write(data)
            self.rows += len(records)
            return
        for record in records:
            self._write_record(record.encode())

    def _write_record(self, record: bytes) -> None:
        if self.rows:
            piece = self.separator + record
            if self.file.bytes + len(piece) + len(self.closing) > self.max_bytes:
                self._close_current()
                self._open_next()
                piece = self.first_separator + record
        else:
            piece = self.first_separator + record
        self.file.write(piece)
        self.rows += 1

    def close(self) -> list[DataFile]:
        self._close_current()
        return self.finished

    def discard(self) -> None:
        self.file.discard()
        for data_file in self.finished:
            (self.folder / data_file.stored_as).unlink(missing_ok=True)


class CsvWriter(ExportWriter):
    """RFC 4180 (see exports/formats.py and exports/writers/csv_records.py). On PostgreSQL the
    source's COPY fast path writes the file when it fits in one part; the generic writer gives
    the same bytes otherwise."""

    format_id = "csv"
    extension = "csv"
    media_type = "text/csv; charset=utf-8"

    def write_unit(self, *, unit, categories, reader, folder, on_rows):
        (category,) = categories
        fast = self._copy(category=category, reader=reader, folder=folder, on_rows=on_rows)
        if fast is not None:
            on_rows(fast.rows)
            return [fast]
        header = csv_line(category.field_names)
        parted = PartedFile(
            folder=folder,
            base=category.id,
            extension=self.extension,
            category_id=category.id,
            max_bytes=self.max_file_bytes,
            opening=header.encode(),
        )
        try:
            for chunk in chunks(reader.rows(category)):
                parted.write_records([csv_row_line(row, category.fields) for row in chunk])
                on_rows(len(chunk))
        except BaseException:
            parted.discard()
            raise
        return parted.close()

    def _copy(self, *, category, reader, folder, on_rows) -> DataFile | None:
        return _copy_single_part(
            copy=reader.copy_csv,
            category=category,
            folder=folder,
            extension=self.extension,
            max_bytes=self.max_file_bytes,
            on_rows=on_rows,
        )


def _copy_single_part(*, copy, category, folder, extension, max_bytes, on_rows) -> DataFile | None:
    """Run a source's fast path (copy_csv, copy_json) into the category's first part, or
    return None (and leave no file) when there is none or the file would need a second part:
    the generic writer does both, and gives the same bytes where the fast path could. The
    caller reports the rows when this returns; meanwhile a progress callback that can count
    in the background (the export job's) shows the COPY moving."""
    out = DeflatingFile(folder / part_name(category.id, 1, extension))
    limited = _SizeLimitedStream(out, max_bytes)
    background = getattr(on_rows, "background", None)
    try:
        with background() if background else nullcontext() as tick:
            rows = copy(category, limited, tick) if tick else copy(category, limited)
    except _TooLarge:
        rows = None
    except BaseException:
        out.discard()
        raise
    if rows is None:
        out.discard()
        return None
    out.close()
    return out.data_file(category=category.id, part=1, rows=rows)


class _TooLarge(Exception):
    pass


class _SizeLimitedStream:
    """Stops the COPY fast path as soon as its output would need a second part."""

    def __init__(self, target: DeflatingFile, max_bytes: int):
        self.target, self.max_bytes = target, max_bytes

    def write(self, data) -> int:
        data = bytes(data)
        if self.target.bytes + len(data) > self.max_bytes:
            raise _TooLarge
        return self.target.write(data)


class JsonWriter(ExportWriter):
    """A JSON array per file, one object per line, keys in schema order, UTF-8 (not
    ASCII-escaped): `[` newline, objects separated by `,` newline, newline `]` newline. Each
    part of a split file is a complete array. On PostgreSQL the source's fast path writes the
    file when it fits in one part (see BuiltinSource.copy_json_to): the same bytes."""

    format_id = "json"
    extension = "json"
    media_type = "application/json"

    def write_unit(self, *, unit, categories, reader, folder, on_rows):
        (category,) = categories
        # The source's fast path (PostgreSQL builds each object), when the file fits in one
        # part: a whole file within max_file_bytes is exactly what PartedFile would write as
        # one part. Readers without copy_json (tests' plain lists) use the generic path.
        copy = getattr(reader, "copy_json", None)
        if copy is not None:
            fast = _copy_single_part(
                copy=copy,
                category=category,
                folder=folder,
                extension=self.extension,
                max_bytes=self.max_file_bytes,
                on_rows=on_rows,
            )
            if fast is not None:
                on_rows(fast.rows)
                return [fast]
        parted = PartedFile(
            folder=folder,
            base=category.id,
            extension=self.extension,
            category_id=category.id,
            max_bytes=self.max_file_bytes,
            opening=b"[",
            first_separator=b"\n",
            separator=b",\n",
            closing=b"\n]\n",
            closing_empty=b"]\n",
        )
        # NaN and infinity are not JSON; a source that yields them has a defect worth
        # failing on, rather than delivering a file no parser accepts.
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
        try:
            for chunk in chunks(reader.rows(category)):
                parted.write_records([dumps(json_record(row, category.fields)) for row in chunk])
                on_rows(len(chunk))
        except BaseException:
            parted.discard()
            raise
        return parted.close()
