"""Writers of export data files, one per format (CSV, JSON, XLSX), found by format id.

A writer turns the rows of one or more categories into finished files in a work folder and
returns, for each file, its name, rows, size and SHA-256. The work is divided into units (a
category for CSV and JSON, the whole workbook for XLSX); a unit is the step a re-run after a
crash keeps or redoes, so a writer's output depends only on the rows: no timestamps, no
randomness, the same bytes for the same data.
"""

from exports.writers.base import (
    CHUNK_ROWS,
    DataFile,
    ExportWriter,
    ProgressCallback,
    RowReader,
    part_name,
)
from exports.writers.text import CsvWriter, JsonWriter
from exports.writers.xlsx import XLSX_MAX_ROWS, XlsxWriter

__all__ = [
    "CHUNK_ROWS",
    "WRITERS",
    "XLSX_MAX_ROWS",
    "CsvWriter",
    "DataFile",
    "ExportWriter",
    "JsonWriter",
    "ProgressCallback",
    "RowReader",
    "XlsxWriter",
    "get_writer",
    "part_name",
]

WRITERS: dict[str, type[ExportWriter]] = {
    writer.format_id: writer for writer in (CsvWriter, JsonWriter, XlsxWriter)
}


def get_writer(format_id: str, **options) -> ExportWriter:
    """The writer of a format id (csv, json, xlsx); KeyError when there is none."""
    return WRITERS[format_id](**options)
