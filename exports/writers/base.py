"""What every export writer shares: the interface, the record of a finished file, part names,
chunked reading and a file that hashes itself as it is written."""

import abc
import hashlib
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from exports.sources.base import Category

CHUNK_ROWS = 2000


@dataclass
class DataFile:
    """One finished data file of an export, as recorded on the job and in the manifest."""

    name: str
    category: str | None  # None for a workbook holding several categories
    part: int
    rows: int
    bytes: int
    sha256: str
    sheets: list[dict] = field(default_factory=list)  # XLSX: name, category, rows

    def as_dict(self) -> dict:
        data = asdict(self)
        if not self.sheets:
            del data["sheets"]
        return data


class RowReader(Protocol):
    """Where a writer reads rows from: the export's data sources, bound to its tenant and
    period (or, in tests, plain lists)."""

    def rows(self, category: Category) -> Iterator[dict]: ...

    def copy_csv(self, category: Category, stream) -> int | None: ...

    # Optional (the JSON writer looks for it): the source's JSON fast path, like copy_csv.
    # def copy_json(self, category: Category, stream) -> int | None: ...


# Called with the number of rows written since the last call; it may touch the database.
ProgressCallback = Callable[[int], None]


def part_name(base: str, part: int, extension: str) -> str:
    """leads.csv, then leads.part2.csv, leads.part3.csv, ... when a file is split by size."""
    return f"{base}.{extension}" if part == 1 else f"{base}.part{part}.{extension}"


def chunks(rows: Iterable, size: int | None = None) -> Iterator[list]:
    size = size or CHUNK_ROWS  # read at each call, so tests can make chunks small
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


class HashingFile:
    """A binary file that keeps its SHA-256 and size as it is written."""

    def __init__(self, path: Path):
        self.path = path
        self.handle = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.digest = hashlib.sha256()
        self.bytes = 0

    def write(self, data: bytes) -> int:
        self.handle.write(data)
        self.digest.update(data)
        self.bytes += len(data)
        return len(data)

    def close(self) -> None:
        # On disk before the job records the file as done: a re-run trusts that record.
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()

    def discard(self) -> None:
        self.handle.close()
        self.path.unlink(missing_ok=True)


class ExportWriter(abc.ABC):
    """One export format. `units` says how the work divides into steps a re-run can keep;
    `write_unit` writes one step's files into `folder` and returns them."""

    format_id: str = ""
    extension: str = ""
    media_type: str = ""

    def __init__(self, *, max_file_bytes: int):
        self.max_file_bytes = max_file_bytes

    def units(self, categories: list[Category]) -> list[tuple[str, list[Category]]]:
        """(unit id, its categories), in order. By default a unit per category."""
        return [(category.id, [category]) for category in categories]

    @abc.abstractmethod
    def write_unit(
        self,
        *,
        unit: str,
        categories: list[Category],
        reader: RowReader,
        folder: Path,
        on_rows: ProgressCallback,
    ) -> list[DataFile]:
        """Write the unit's files from scratch (overwriting any left by an earlier attempt)."""
