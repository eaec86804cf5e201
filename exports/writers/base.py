"""What every export writer shares: the interface, the record of a finished file, part names,
chunked reading, and the file a data file is written to: deflated into its zip member's form
as it is written, with the data's SHA-256."""

import abc
import hashlib
import itertools
import queue
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from isal import isal_zlib

from exports.sources.base import Category
from exports.zipformat import DEFLATED, RAW_DEFLATE_WBITS, STORED, ReadyMember

CHUNK_ROWS = 2000
# ISA-L's deflate (python-isal), level 1: on exported CSV it runs about 3.5 times as fast as
# zlib's fastest level and still compresses a little better; ordinary deflate, which any unzip
# reads.
DEFLATE_LEVEL = 1
# A data file "leads.csv" is kept in the work folder as "leads.csv.deflated": the raw deflate
# stream its zip member will hold.
DEFLATED_SUFFIX = ".deflated"
# Keys of a data file's record that describe how it is kept, not what it is: never shown in
# the manifest.
STORAGE_KEYS = ("stored_as", "method", "crc32", "stored_bytes", "stored_sha256")


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
    # How the file is kept until the archive is made (see STORAGE_KEYS): the file in the
    # work folder, its zip method (stored or deflated), the data's CRC-32, and that file's
    # size and SHA-256, which a re-run checks before it trusts the file.
    stored_as: str = ""
    method: int = STORED
    crc32: int = 0
    stored_bytes: int = 0
    stored_sha256: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        if not self.sheets:
            del data["sheets"]
        return data


def ready_member(folder: Path, record: dict) -> ReadyMember:
    """A recorded data file as the archive takes it."""
    return ReadyMember(
        name=record["name"],
        path=folder / record["stored_as"],
        method=record["method"],
        crc32=record["crc32"],
        size=record["bytes"],
        compressed_size=record["stored_bytes"],
    )


def read_data_file(path: Path) -> bytes:
    """The data of a finished data file in a work folder, whichever way it is kept."""
    deflated = path.with_name(path.name + DEFLATED_SUFFIX)
    if deflated.exists():
        return zlib.decompress(deflated.read_bytes(), RAW_DEFLATE_WBITS)
    return path.read_bytes()


class RowReader(Protocol):
    """Where a writer reads rows from: the export's data sources, bound to its tenant and
    period (or, in tests, plain lists)."""

    def rows(self, category: Category) -> Iterator[dict]: ...

    # on_rows, when passed, counts the rows of each block as the fast path writes them.
    def copy_csv(self, category: Category, stream, on_rows=None) -> int | None: ...

    # Optional (the JSON writer looks for it): the source's JSON fast path, like copy_csv.
    # def copy_json(self, category: Category, stream, on_rows=None) -> int | None: ...


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


class DeflatingFile:
    """A data file written as the raw deflate stream of its zip member, keeping the SHA-256,
    CRC-32 and size of the data and the size and SHA-256 of what is on disk.

    Compressing runs on a thread of its own (ISA-L and hashlib release the GIL), so it overlaps
    reading the data from the database: the writer hands over each block and goes back to
    reading. The queue is bounded, so memory stays a few blocks deep."""

    QUEUE_BLOCKS = 8

    def __init__(self, path: Path):
        self.name = path.name
        self.path = path.with_name(path.name + DEFLATED_SUFFIX)
        self.handle = open(self.path, "wb")  # noqa: SIM115 - closed by close() or discard()
        self.digest = hashlib.sha256()
        self.bytes = 0
        self.crc32 = 0
        self.stored_digest = hashlib.sha256()
        self.stored_bytes = 0
        self._compressor = isal_zlib.compressobj(
            DEFLATE_LEVEL, isal_zlib.DEFLATED, RAW_DEFLATE_WBITS
        )
        self._blocks: queue.Queue = queue.Queue(maxsize=self.QUEUE_BLOCKS)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._compress, name="export-deflate", daemon=True)
        self._thread.start()

    def write(self, data) -> int:
        if self._error is not None:
            raise self._error
        data = bytes(data)
        self.digest.update(data)
        self.bytes += len(data)
        if data:
            self._blocks.put(data)
        return len(data)

    def _compress(self) -> None:
        try:
            while (block := self._blocks.get()) is not None:
                self.crc32 = isal_zlib.crc32(block, self.crc32)
                self._emit(self._compressor.compress(block))
            self._emit(self._compressor.flush())
        except BaseException as error:  # reported to the writer by write() or close()
            self._error = error
            while self._blocks.get() is not None:  # let the writer reach close()
                pass

    def _emit(self, data: bytes) -> None:
        if data:
            self.handle.write(data)
            self.stored_digest.update(data)
            self.stored_bytes += len(data)

    def _stop(self) -> None:
        self._blocks.put(None)
        self._thread.join()

    def close(self) -> None:
        self._stop()
        self.handle.close()
        if self._error is not None:
            raise self._error

    def data_file(self, *, category: str | None, part: int, rows: int) -> DataFile:
        return DataFile(
            name=self.name,
            category=category,
            part=part,
            rows=rows,
            bytes=self.bytes,
            sha256=self.digest.hexdigest(),
            stored_as=self.path.name,
            method=DEFLATED,
            crc32=self.crc32,
            stored_bytes=self.stored_bytes,
            stored_sha256=self.stored_digest.hexdigest(),
        )

    def discard(self) -> None:
        self._stop()
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
