"""The hash chain and `manage.py verify_audit_log`: intact, edited, and shortened chains."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.audit.conftest import append_events, tamper, tamper_update
from trustcentre.audit.models import GENESIS_HASH, AuditEvent
from trustcentre.audit.services import audit_record

pytestmark = pytest.mark.django_db


def verify() -> str:
    out = StringIO()
    call_command("verify_audit_log", stdout=out)
    return out.getvalue()


def test_appending_gives_contiguous_seq_and_linked_hashes(private_storage):
    events = append_events(5)

    stored = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in stored] == [1, 2, 3, 4, 5]
    assert stored[0].previous_hash == GENESIS_HASH
    for earlier, later in zip(stored, stored[1:], strict=False):
        assert later.previous_hash == earlier.hash
    assert all(e.compute_hash() == e.hash for e in stored)
    assert stored[-1].hash == events[-1].hash


def test_intact_chain_passes_and_names_the_head(private_storage):
    events = append_events(7)

    output = verify()

    assert f"audit chain intact: 7 events, head {events[-1].hash}" in output
    assert "no external anchor found" in output


def test_empty_chain_is_intact(private_storage):
    assert f"audit chain intact: 0 events, head {GENESIS_HASH}" in verify()


def test_small_chunks_walk_the_whole_chain(private_storage):
    events = append_events(9)
    out = StringIO()
    call_command("verify_audit_log", "--chunk-size", "2", stdout=out)
    assert f"9 events, head {events[-1].hash}" in out.getvalue()


def test_details_edited_with_raw_sql_are_detected_at_that_seq(private_storage):
    append_events(6)
    tamper_update(4, details={"n": 99})

    with pytest.raises(CommandError, match=r"broken at seq 4: stored hash does not match"):
        verify()


def test_an_edit_with_recomputed_hash_breaks_the_next_link(private_storage):
    append_events(5)
    event = AuditEvent.objects.get(seq=3)
    event.action = "test.rewritten"
    forged = event.compute_hash()
    tamper(
        "UPDATE audit_auditevent SET action = %s, hash = %s WHERE seq = 3",
        ["test.rewritten", forged],
    )

    with pytest.raises(CommandError, match=r"broken at seq 4: previous_hash does not match"):
        verify()


def test_an_event_deleted_in_the_middle_is_detected(private_storage):
    append_events(6)
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [3])

    with pytest.raises(
        CommandError, match=r"broken at seq 3: event missing \(the next stored event is seq 4\)"
    ):
        verify()


def test_the_first_event_deleted_is_detected(private_storage):
    append_events(3)
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [1])

    with pytest.raises(CommandError, match=r"broken at seq 1: event missing"):
        verify()


def test_ipv6_addresses_are_stored_as_the_database_returns_them(private_storage):
    # PostgreSQL's inet type lowercases and compresses; the hash must cover that form.
    event = audit_record(action="test.ip", ip_address="2001:0DB8:0000:0000:0000:0000:0000:0001")
    event.refresh_from_db()
    assert event.ip_address == "2001:db8::1"
    assert event.compute_hash() == event.hash
    assert "audit chain intact: 1 events" in verify()
