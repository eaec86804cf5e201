"""The zip an export delivers: its data files, manifest.json and the register's JSON Schemas."""

import datetime
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

from exports.formats import datetime_text
from exports.sources.base import Category

MANIFEST_VERSION = 1
MANIFEST_NAME = "manifest.json"
SCHEMA_FOLDER = "schemas"

# Deflate's fastest level: the data files are text that compresses well even at level 1, and
# higher levels cost several times the time of writing the files for a few per cent less.
DEFLATE_LEVEL = 1


def schema_name(category_id: str) -> str:
    return f"{SCHEMA_FOLDER}/{category_id}.schema.json"


def build_manifest(
    *,
    export_id: str,
    organisation_id: str,
    format_id: str,
    categories: list[Category],
    files: list[dict],
    row_counts: dict[str, int],
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    requested_at: datetime.datetime,
    generated_at: datetime.datetime,
) -> dict:
    """What the archive holds, so a recipient can check it without us: each category with its
    row count, schema version and files, and each file with its size and SHA-256."""

    def files_of(category_id: str) -> list[str]:
        return [
            f["name"]
            for f in files
            if f.get("category") == category_id
            or any(sheet["category"] == category_id for sheet in f.get("sheets", ()))
        ]

    return {
        "manifest_version": MANIFEST_VERSION,
        "export_id": export_id,
        "organisation_id": organisation_id,
        "format": format_id,
        "requested_at": datetime_text(requested_at),
        "generated_at": datetime_text(generated_at),
        "period": {
            "date_from": date_from.isoformat() if date_from else None,
            "date_to": date_to.isoformat() if date_to else None,
        },
        "categories": [
            {
                "id": category.id,
                "name": str(category.name),
                "schema_version": category.schema_version,
                "schema": schema_name(category.id),
                "rows": row_counts[category.id],
                "files": files_of(category.id),
            }
            for category in categories
        ],
        "files": [{key: value for key, value in f.items() if key != "unit"} for f in files],
    }


def _set_compress_level(info: zipfile.ZipInfo, level: int) -> None:
    # Python 3.13 names the attribute compress_level; 3.11 and 3.12 only have _compresslevel
    # (ZipInfo has __slots__, so setting the wrong one fails instead of being ignored).
    if hasattr(zipfile.ZipInfo, "compress_level"):
        info.compress_level = level
    else:
        info._compresslevel = level


def _json_bytes(data: dict) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def write_archive(
    *,
    path: Path,
    folder: Path,
    files: list[dict],
    manifest: dict,
    schemas: dict[str, dict],
    generated_at: datetime.datetime,
) -> tuple[str, int]:
    """Write the zip to `path` from the data files in `folder`; return its SHA-256 and size."""
    stamp = generated_at.astimezone(datetime.UTC).timetuple()[:6]
    with zipfile.ZipFile(path, "w") as archive:
        for f in files:
            source = folder / f["name"]
            info = zipfile.ZipInfo(f["name"], date_time=stamp)
            # An XLSX file is a zip already; compressing it again only costs time.
            if f["name"].endswith(".xlsx"):
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                _set_compress_level(info, DEFLATE_LEVEL)
            # Known up front, so zipfile switches to ZIP64 itself for files past 2 GiB.
            info.file_size = source.stat().st_size
            with open(source, "rb") as handle, archive.open(info, "w") as target:
                shutil.copyfileobj(handle, target, 1024 * 1024)
        for name, data in [
            (MANIFEST_NAME, _json_bytes(manifest)),
            *(
                (schema_name(category_id), _json_bytes(schema))
                for category_id, schema in schemas.items()
            ),
        ]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest(), path.stat().st_size
