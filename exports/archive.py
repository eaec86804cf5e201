"""The zip an export delivers: its data files, manifest.json and the register's JSON Schemas."""

import datetime
import json
from pathlib import Path

from exports.formats import datetime_text
from exports.sources.base import Category
from exports.writers.base import DEFLATE_LEVEL, STORAGE_KEYS, ready_member
from exports.zipformat import ZipAssembler

MANIFEST_VERSION = 1
MANIFEST_NAME = "manifest.json"
SCHEMA_FOLDER = "schemas"
# What the job records of a data file that is not part of what the file is.
NOT_IN_MANIFEST = ("unit", *STORAGE_KEYS)


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
        "files": [
            {key: value for key, value in f.items() if key not in NOT_IN_MANIFEST} for f in files
        ],
    }


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
    """Write the zip to `path` from the data files kept in `folder` (already in their member's
    form: see exports.writers.base.DeflatingFile); return its SHA-256 and size."""
    with open(path, "wb") as handle:
        archive = ZipAssembler(handle, modified=generated_at)
        for f in files:
            archive.add_ready(ready_member(folder, f))
        archive.add_bytes(MANIFEST_NAME, _json_bytes(manifest), level=DEFLATE_LEVEL)
        for category_id, schema in schemas.items():
            archive.add_bytes(schema_name(category_id), _json_bytes(schema), level=DEFLATE_LEVEL)
        return archive.close()
