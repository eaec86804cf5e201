"""The chain is keyed: someone who can write to the database but does not hold AUDIT_CHAIN_KEY
cannot edit an event and recompute the hashes after it, cannot pass events off as written
before keying, and cannot delete the newest events once a verification has anchored them."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.audit.conftest import append_events, tamper, tamper_update
from trustcentre.audit.anchors import latest_anchor
from trustcentre.audit.models import AuditEvent
from trustcentre.audit.services import audit_record

pytestmark = pytest.mark.django_db


def verify() -> str:
    out = StringIO()
    call_command("verify_audit_log", stdout=out)
    return out.getvalue()


def unkeyed_hash(event: AuditEvent) -> str:
    """What an attacker without the key can compute: the hash of an unkeyed chain."""
    canonical = json.dumps(event.canonical_payload(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((event.previous_hash + canonical).encode()).hexdigest()


def rewrite_from(seq: int, *, key_id: str | None = None) -> None:
    """Edit event `seq` and recompute every later link without the key."""
    events = list(AuditEvent.objects.order_by("seq"))
    previous = events[seq - 2].hash
    for event in events[seq - 1 :]:
        if event.seq == seq:
            event.details = {"n": "rewritten"}
        if key_id is not None:
            event.key_id = key_id
        event.previous_hash = previous
        event.hash = unkeyed_hash(event)
        previous = event.hash
        tamper_update(
            event.seq,
            details=event.details,
            previous_hash=event.previous_hash,
            hash=event.hash,
            key_id=event.key_id,
        )


def test_each_event_records_the_key_that_keyed_it(private_storage, settings):
    settings.AUDIT_CHAIN_KEY_ID = "2026-12"
    event = audit_record(action="test.event")
    assert event.key_id == "2026-12"
    assert event.hash != unkeyed_hash(event)


def test_an_edit_with_recomputed_hashes_is_caught_without_any_anchor(private_storage):
    append_events(5)
    rewrite_from(2)
    assert latest_anchor() is None
    with pytest.raises(CommandError, match=r"broken at seq 2: stored hash does not match"):
        verify()


def test_events_passed_off_as_written_before_keying_are_caught(private_storage):
    append_events(5)
    rewrite_from(3, key_id="")
    with pytest.raises(CommandError, match=r"broken at seq 3: event is not keyed"):
        verify()


def test_events_from_before_keying_are_accepted_up_to_the_configured_seq(private_storage, settings):
    # An upgraded deployment: seq 1-2 were written before the chain was keyed.
    settings.AUDIT_CHAIN_KEY_ID = ""
    append_events(2)
    settings.AUDIT_CHAIN_KEY_ID = "1"
    append_events(2)
    assert list(AuditEvent.objects.order_by("seq").values_list("key_id", flat=True)) == [
        "",
        "",
        "1",
        "1",
    ]

    settings.AUDIT_CHAIN_UNKEYED_UNTIL_SEQ = 2
    assert "audit chain intact: 4 events" in verify()
    settings.AUDIT_CHAIN_UNKEYED_UNTIL_SEQ = 1
    with pytest.raises(CommandError, match=r"broken at seq 2: event is not keyed"):
        verify()


def test_a_rotated_key_still_verifies_the_events_it_keyed(private_storage, settings):
    settings.AUDIT_CHAIN_KEY_ID, settings.AUDIT_CHAIN_KEY = "old", "the-old-chain-key-" + "x" * 30
    append_events(3)
    settings.AUDIT_CHAIN_KEY_ID, settings.AUDIT_CHAIN_KEY = "new", "the-new-chain-key-" + "y" * 30
    settings.AUDIT_CHAIN_KEY_FALLBACKS = ["old:the-old-chain-key-" + "x" * 30]
    append_events(2)
    assert "audit chain intact: 5 events" in verify()

    settings.AUDIT_CHAIN_KEY_FALLBACKS = []
    with pytest.raises(CommandError, match=r"broken at seq 1: event names an unknown chain key"):
        verify()


def test_verify_anchors_the_head_so_deleting_the_newest_events_is_caught_next_time(
    private_storage,
):
    append_events(5)
    assert "head seq 5 anchored" in verify()
    tamper("DELETE FROM audit_auditevent WHERE seq >= 4")
    with pytest.raises(CommandError, match=r"broken at seq 4: event missing"):
        verify()


def test_the_head_is_anchored_every_five_minutes(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["anchor-audit-chain"]
    assert schedule["task"] == "trustcentre.audit.tasks.anchor_audit_chain"
    assert schedule["schedule"] == 300.0
