"""Walking the hash chain: contiguous seq, each link, each hash, and the external anchor."""

from dataclasses import dataclass

from django.conf import settings

from trustcentre.audit.anchors import Anchor, latest_anchor
from trustcentre.audit.models import GENESIS_HASH, AuditEvent, UnknownChainKey

VERIFY_CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ChainReport:
    count: int
    head_seq: int
    head_hash: str
    anchor: Anchor | None
    broken_seq: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_seq is None


def verify_chain(*, chunk_size: int = VERIFY_CHUNK_SIZE) -> ChainReport:
    """Recompute the chain from seq 1 in seq order, in chunks (constant memory), and stop at
    the first event that does not hold."""
    anchor = latest_anchor()
    expected_seq = 1
    previous_hash = GENESIS_HASH
    count = 0

    def broken(seq: int, reason: str) -> ChainReport:
        return ChainReport(count, expected_seq - 1, previous_hash, anchor, seq, reason)

    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if event.seq != expected_seq:
            return broken(expected_seq, f"event missing (the next stored event is seq {event.seq})")
        if event.previous_hash != previous_hash:
            return broken(
                event.seq, f"previous_hash does not match the hash of seq {event.seq - 1}"
            )
        if not event.key_id and event.seq > settings.AUDIT_CHAIN_UNKEYED_UNTIL_SEQ:
            return broken(
                event.seq,
                (
                    "event is not keyed with the chain key (rewritten, or written before the "
                    "chain was keyed: see AUDIT_CHAIN_UNKEYED_UNTIL_SEQ)"
                ),
            )
        try:
            recomputed = event.compute_hash()
        except UnknownChainKey:
            return broken(event.seq, f"event names an unknown chain key id {event.key_id!r}")
        if recomputed != event.hash:
            return broken(event.seq, "stored hash does not match the event's content (edited)")
        if anchor is not None and event.seq == anchor.seq and event.hash != anchor.hash:
            return broken(
                event.seq,
                f"hash differs from the external anchor of {anchor.time} ({anchor.file_name})",
            )
        previous_hash = event.hash
        expected_seq += 1
        count += 1

    if anchor is not None and anchor.seq > count:
        return broken(
            count + 1,
            f"event missing: the chain ends at seq {count} but the external anchor of "
            f"{anchor.time} ({anchor.file_name}) recorded seq {anchor.seq}",
        )
    return ChainReport(count, count, previous_hash, anchor)
