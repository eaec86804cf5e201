"""The external anchor: the hourly task logs the head and keeps a daily file; verify uses it."""

import logging
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.audit.conftest import append_events, tamper, tamper_update
from trustcentre.audit.anchors import AnchorMismatch, audit_anchor_write, latest_anchor
from trustcentre.audit.models import AuditEvent
from trustcentre.audit.tasks import anchor_audit_chain

pytestmark = pytest.mark.django_db


def verify() -> str:
    out = StringIO()
    call_command("verify_audit_log", stdout=out)
    return out.getvalue()


def test_task_logs_the_head_and_writes_the_daily_file(private_storage, caplog):
    events = append_events(3)
    caplog.set_level(logging.INFO, logger="trustcentre.audit")

    assert anchor_audit_chain.delay().get() == 3

    head = events[-1].hash
    assert f"audit anchor: seq 3 hash {head}" in caplog.text
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    lines = (private_storage / "audit-anchors" / f"{today}.txt").read_text().splitlines()
    assert len(lines) == 1
    seq, hash_, time = lines[0].split(" ")
    assert (seq, hash_) == ("3", head)
    assert datetime.fromisoformat(time).tzinfo is not None


def test_later_runs_add_lines_to_the_same_day_file(private_storage):
    append_events(2)
    audit_anchor_write(now=datetime(2025, 3, 1, 10, tzinfo=UTC))
    events = append_events(2)
    audit_anchor_write(now=datetime(2025, 3, 1, 11, tzinfo=UTC))
    audit_anchor_write(now=datetime(2025, 3, 2, 0, tzinfo=UTC))

    day_one = (private_storage / "audit-anchors" / "2025-03-01.txt").read_text().splitlines()
    assert [line.split(" ")[0] for line in day_one] == ["2", "4"]
    assert sorted(p.name for p in (private_storage / "audit-anchors").iterdir()) == [
        "2025-03-01.txt",
        "2025-03-02.txt",
    ]
    anchor = latest_anchor()
    assert (anchor.seq, anchor.hash) == (4, events[-1].hash)
    assert anchor.file_name == "audit-anchors/2025-03-02.txt"


def test_empty_chain_writes_no_anchor(private_storage):
    assert anchor_audit_chain.delay().get() is None
    assert not (private_storage / "audit-anchors").exists()


def test_verify_says_the_head_equals_the_anchor(private_storage):
    append_events(4)
    anchor = audit_anchor_write()

    assert f"head matches the external anchor of {anchor.time}" in verify()


def test_verify_accepts_events_appended_after_the_anchor(private_storage):
    append_events(4)
    audit_anchor_write()
    append_events(2)

    output = verify()
    assert "audit chain intact: 6 events" in output
    assert "seq 4 matches the external anchor" in output
    assert "2 events appended since" in output


def test_deleting_the_newest_events_is_caught_by_the_anchor(private_storage):
    # Without an anchor a shortened chain is still a valid chain; the anchor remembers.
    append_events(5)
    audit_anchor_write()
    tamper("DELETE FROM audit_auditevent WHERE seq >= %s", [4])

    with pytest.raises(
        CommandError, match=r"broken at seq 4: event missing: the chain ends at seq 3"
    ):
        verify()


def test_a_rewritten_chain_with_recomputed_hashes_is_caught_by_the_anchor(private_storage):
    append_events(4)
    audit_anchor_write()
    # A superuser rewrites seq 2 and recomputes every hash after it: the chain holds together.
    events = list(AuditEvent.objects.order_by("seq"))
    previous = events[0].hash
    for event in events[1:]:
        if event.seq == 2:
            event.details = {"n": "rewritten"}
        event.previous_hash = previous
        event.hash = event.compute_hash()
        previous = event.hash
        tamper_update(
            event.seq, details=event.details, previous_hash=event.previous_hash, hash=event.hash
        )

    with pytest.raises(
        CommandError, match=r"broken at seq 4: hash differs from the external anchor"
    ):
        verify()
    # ...and the next hourly run refuses to anchor the rewritten head.
    with pytest.raises(AnchorMismatch):
        anchor_audit_chain.delay().get()
