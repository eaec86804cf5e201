"""The archive's zip structures, checked by Python's zipfile: names, contents, CRCs, times, and
the ZIP64 records a large export needs."""

import datetime
import hashlib
import io
import zipfile
import zlib

import pytest

from exports import zipformat
from exports.zipformat import DEFLATED, STORED, ReadyMember, ZipAssembler

MODIFIED = datetime.datetime(2026, 2, 28, 23, 59, 58, tzinfo=datetime.UTC)


def ready(tmp_path, name: str, data: bytes, *, method: int) -> ReadyMember:
    body = zipformat.deflate(data, 1) if method == DEFLATED else data
    path = tmp_path / (name + ".ready")
    path.write_bytes(body)
    return ReadyMember(
        name=name,
        path=path,
        method=method,
        crc32=zlib.crc32(data),
        size=len(data),
        compressed_size=len(body),
    )


def assemble(tmp_path, members: dict[str, tuple[bytes, int]]) -> tuple[bytes, str, int]:
    target = tmp_path / "archive.zip"
    with open(target, "wb") as handle:
        archive = ZipAssembler(handle, modified=MODIFIED)
        for name, (data, method) in members.items():
            if method == -1:
                archive.add_bytes(name, data, level=6)
            else:
                archive.add_ready(ready(tmp_path, name, data, method=method))
        sha256, size = archive.close()
    return target.read_bytes(), sha256, size


MEMBERS = {
    "leads.csv": (b"contact_id,email\r\n" + b"1,a@example.com\r\n" * 5000, DEFLATED),
    "data.xlsx": (bytes(range(256)) * 40, STORED),
    "manifest.json": ('{"export": "données"}\n'.encode(), -1),
    "schemas/leads.schema.json": (b"{}\n", -1),
    "empty.csv": (b"", DEFLATED),
}


def test_zipfile_reads_every_member_back_with_its_crc_and_time(tmp_path):
    data, sha256, size = assemble(tmp_path, MEMBERS)
    assert sha256 == hashlib.sha256(data).hexdigest() and size == len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == list(MEMBERS)
        for name, (content, _method) in MEMBERS.items():
            assert archive.read(name) == content
        info = archive.getinfo("data.xlsx")
        assert info.compress_type == zipfile.ZIP_STORED
        assert archive.getinfo("leads.csv").compress_type == zipfile.ZIP_DEFLATED
        assert info.date_time == (2026, 2, 28, 23, 59, 58)


def test_sizes_offsets_and_counts_past_the_limits_use_zip64(tmp_path, monkeypatch):
    # The real limits need archives of 4 GiB or 65,535 members; lowered, every ZIP64 field is
    # written for this small one, and zipfile must still read it exactly.
    monkeypatch.setattr(zipformat, "ZIP64_LIMIT", 100)
    monkeypatch.setattr(zipformat, "ZIP64_COUNT_LIMIT", 3)
    data, _sha, _size = assemble(tmp_path, MEMBERS)
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data  # ZIP64 end record and locator
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == list(MEMBERS)
        for name, (content, _method) in MEMBERS.items():
            assert archive.read(name) == content


def test_a_member_file_shorter_than_recorded_is_refused(tmp_path):
    member = ready(tmp_path, "leads.csv", b"x" * 1000, method=STORED)
    member.path.write_bytes(b"x" * 999)
    with open(tmp_path / "a.zip", "wb") as handle:
        archive = ZipAssembler(handle, modified=MODIFIED)
        with pytest.raises(RuntimeError, match="999 bytes where 1000"):
            archive.add_ready(member)
