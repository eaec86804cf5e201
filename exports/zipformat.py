"""A zip archive assembled from members that were compressed while their data was written.

Python's zipfile compresses a member when it is added; an export's data files are instead
deflated on a thread of their own while the data streams in from the database, so that by
the time the archive is made only the compressed bytes are left to copy. This module writes
the zip structures (APPNOTE 6.3: local headers, central directory, ZIP64 where a size or an
offset needs it) around such ready members, in one forward pass that also hashes the archive.
"""

import datetime
import hashlib
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

STORED = 0
DEFLATED = 8
RAW_DEFLATE_WBITS = -15  # zip members hold raw deflate data, with no zlib header
UTF8_NAMES = 0x0800
# A size, offset or count at or past these goes into the ZIP64 fields, and the 32- or 16-bit
# field holds the marker instead.
ZIP64_LIMIT = 0xFFFFFFFF
ZIP64_COUNT_LIMIT = 0xFFFF
MARKER_32 = 0xFFFFFFFF
MARKER_16 = 0xFFFF
VERSION_DEFAULT = 20
VERSION_ZIP64 = 45
MADE_BY_UNIX = 3 << 8
REGULAR_FILE_MODE = 0o100644 << 16
COPY_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class ReadyMember:
    """A member's data as it will sit in the archive: `path` holds the stored (method 0) or
    raw-deflated (method 8) bytes of `size` bytes of data with the given CRC-32."""

    name: str
    path: Path
    method: int
    crc32: int
    size: int
    compressed_size: int


@dataclass
class _Entry:
    name: bytes
    method: int
    crc32: int
    size: int
    compressed_size: int
    offset: int


def _dos_time(moment: datetime.datetime) -> tuple[int, int]:
    moment = moment.astimezone(datetime.UTC)
    year = min(max(moment.year, 1980), 2107)
    date = ((year - 1980) << 9) | (moment.month << 5) | moment.day
    time = (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2)
    return time, date


def deflate(data: bytes, level: int) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, RAW_DEFLATE_WBITS)
    return compressor.compress(data) + compressor.flush()


class ZipAssembler:
    """Writes a zip to a binary file strictly forwards, keeping its SHA-256 and size."""

    def __init__(self, handle, *, modified: datetime.datetime):
        self.handle = handle
        self.time, self.date = _dos_time(modified)
        self.entries: list[_Entry] = []
        self.digest = hashlib.sha256()
        self.offset = 0

    def _write(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)
        self.offset += len(data)

    def _local_header(self, entry: _Entry) -> bytes:
        zip64 = entry.size >= ZIP64_LIMIT or entry.compressed_size >= ZIP64_LIMIT
        extra = struct.pack("<HHQQ", 1, 16, entry.size, entry.compressed_size) if zip64 else b""
        return (
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                VERSION_ZIP64 if zip64 else VERSION_DEFAULT,
                UTF8_NAMES,
                entry.method,
                self.time,
                self.date,
                entry.crc32,
                MARKER_32 if zip64 else entry.compressed_size,
                MARKER_32 if zip64 else entry.size,
                len(entry.name),
                len(extra),
            )
            + entry.name
            + extra
        )

    def _start(self, name: str, method: int, crc32: int, size: int, compressed: int) -> None:
        entry = _Entry(name.encode(), method, crc32, size, compressed, self.offset)
        self.entries.append(entry)
        self._write(self._local_header(entry))

    def add_ready(self, member: ReadyMember) -> None:
        """A member whose stored or deflated bytes are in a file already."""
        self._start(member.name, member.method, member.crc32, member.size, member.compressed_size)
        copied = 0
        with open(member.path, "rb") as source:
            while block := source.read(COPY_BLOCK):
                self._write(block)
                copied += len(block)
        if copied != member.compressed_size:
            raise RuntimeError(
                f"{member.name}: {copied} bytes where {member.compressed_size} were recorded"
            )

    def add_bytes(self, name: str, data: bytes, *, level: int) -> None:
        """A small member held in memory, deflated here."""
        compressed = deflate(data, level)
        self._start(name, DEFLATED, zlib.crc32(data), len(data), len(compressed))
        self._write(compressed)

    def _central_header(self, entry: _Entry) -> bytes:
        wide = []
        size, compressed, offset = entry.size, entry.compressed_size, entry.offset
        if size >= ZIP64_LIMIT:
            wide.append(size)
            size = MARKER_32
        if compressed >= ZIP64_LIMIT:
            wide.append(compressed)
            compressed = MARKER_32
        if offset >= ZIP64_LIMIT:
            wide.append(offset)
            offset = MARKER_32
        extra = struct.pack(f"<HH{len(wide)}Q", 1, 8 * len(wide), *wide) if wide else b""
        version = VERSION_ZIP64 if wide else VERSION_DEFAULT
        return (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                MADE_BY_UNIX | version,
                version,
                UTF8_NAMES,
                entry.method,
                self.time,
                self.date,
                entry.crc32,
                compressed,
                size,
                len(entry.name),
                len(extra),
                0,  # comment
                0,  # disk
                0,  # internal attributes
                REGULAR_FILE_MODE,
                offset,
            )
            + entry.name
            + extra
        )

    def close(self) -> tuple[str, int]:
        """Write the central directory and the end records; return the SHA-256 and size."""
        start = self.offset
        for entry in self.entries:
            self._write(self._central_header(entry))
        size = self.offset - start
        count = len(self.entries)
        zip64 = count >= ZIP64_COUNT_LIMIT or start >= ZIP64_LIMIT or size >= ZIP64_LIMIT
        if zip64:
            end64 = self.offset
            self._write(
                struct.pack(
                    "<IQHHIIQQQQ",
                    0x06064B50,
                    44,
                    MADE_BY_UNIX | VERSION_ZIP64,
                    VERSION_ZIP64,
                    0,
                    0,
                    count,
                    count,
                    size,
                    start,
                )
            )
            self._write(struct.pack("<IIQI", 0x07064B50, 0, end64, 1))
        self._write(
            struct.pack(
                "<IHHHHIIH",
                0x06054B50,
                0,
                0,
                MARKER_16 if zip64 else count,
                MARKER_16 if zip64 else count,
                MARKER_32 if zip64 else size,
                MARKER_32 if zip64 else start,
                0,
            )
        )
        self.handle.flush()
        return self.digest.hexdigest(), self.offset
