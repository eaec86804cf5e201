"""The external anchor: the chain's head written outside the database.

Each run logs the head and adds a line "seq hash time" to the day's file in private
storage (audit-anchors/YYYY-MM-DD.txt, UTC). A database superuser who rewrites the chain
and recomputes every hash still cannot make it agree with an anchor written earlier.
"""

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from trustcentre.audit.models import AuditEvent

logger = logging.getLogger("trustcentre.audit")

ANCHOR_FOLDER = "audit-anchors"
_FILE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}\.txt$")
_LINE = re.compile(r"^(?P<seq>\d+) (?P<hash>[0-9a-f]{64}) (?P<time>\S+)$")


class AnchorMismatch(Exception):
    """The database no longer holds what an earlier anchor recorded."""


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    time: str
    file_name: str


def _anchor_files() -> list[str]:
    try:
        _folders, files = default_storage.listdir(ANCHOR_FOLDER)
    except FileNotFoundError:
        return []
    return sorted(name for name in files if _FILE_NAME.match(name))


def _read(name: str) -> str:
    with default_storage.open(name, "rb") as handle:
        return handle.read().decode("utf-8")


def latest_anchor() -> Anchor | None:
    """The last line of the newest day file (file names sort by date)."""
    for file in reversed(_anchor_files()):
        name = f"{ANCHOR_FOLDER}/{file}"
        for line in reversed(_read(name).splitlines()):
            match = _LINE.match(line.strip())
            if match:
                return Anchor(int(match["seq"]), match["hash"], match["time"], name)
    return None


def _check_previous(previous: Anchor) -> None:
    stored = AuditEvent.objects.filter(seq=previous.seq).values_list("hash", flat=True).first()
    if stored != previous.hash:
        raise AnchorMismatch(
            f"event seq {previous.seq} no longer has the hash anchored at {previous.time} "
            f"({previous.file_name}); run verify_audit_log"
        )


def audit_anchor_write(*, now: datetime | None = None) -> Anchor | None:
    """Log the head and append it to today's anchor file. Refuses (AnchorMismatch) when the
    previous anchor no longer matches the database, so a rewritten chain never gets anchored."""
    now = (now or timezone.now()).astimezone(UTC)
    previous = latest_anchor()
    if previous is not None:
        try:
            _check_previous(previous)
        except AnchorMismatch as error:
            logger.error("audit anchor refused: %s", error)
            raise
    head = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    if head is None:
        logger.info("audit anchor: the chain is empty, nothing to anchor")
        return None
    time = now.isoformat(timespec="seconds")
    # The values go in the message itself so that they survive any log format and shipper.
    logger.info("audit anchor: seq %s hash %s time %s", head["seq"], head["hash"], time)

    name = f"{ANCHOR_FOLDER}/{now:%Y-%m-%d}.txt"
    content = _read(name) if default_storage.exists(name) else ""
    content += f"{head['seq']} {head['hash']} {time}\n"
    # Storage has no append; rewrite the day's file (Storage.save never overwrites in place).
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content.encode("utf-8")))
    if saved != name:
        logger.warning("audit anchor written to %s instead of %s", saved, name)
    return Anchor(head["seq"], head["hash"], time, saved)
