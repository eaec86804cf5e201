"""On PostgreSQL: the append-only trigger, a superuser's edit behind it, and concurrent writers
(SECURITY-TESTS drill R19)."""

import threading
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tests.audit.conftest import append_events, disable_append_only_trigger
from trustcentre.audit.anchors import audit_anchor_write
from trustcentre.audit.models import AuditEvent
from trustcentre.audit.services import audit_record

pytestmark = pytest.mark.postgresql


def verify() -> str:
    out = StringIO()
    call_command("verify_audit_log", stdout=out)
    return out.getvalue()


def refused(sql, params=()):
    """Run a statement in its own savepoint and return the error the database raised."""
    with pytest.raises(DatabaseError) as raised, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    return str(raised.value)


@pytest.mark.django_db(transaction=True)
def test_the_app_role_cannot_update_or_delete_events(private_storage):
    assert connection.vendor == "postgresql"
    events = append_events(3)

    assert "audit events are append-only" in refused(
        "UPDATE audit_auditevent SET details = '{}' WHERE seq = %s", [2]
    )
    assert "append-only" in refused("DELETE FROM audit_auditevent WHERE seq = %s", [3])
    # The trigger is per statement: even an UPDATE that matches nothing is refused.
    assert "append-only" in refused("UPDATE audit_auditevent SET action = 'x' WHERE false")
    # The ORM goes through the same statements.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(action="test.rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.get(seq=1).delete()

    assert list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True)) == [
        e.hash for e in events
    ]
    assert "audit chain intact: 3 events" in verify()


@pytest.mark.django_db
def test_an_edit_made_with_the_trigger_disabled_is_detected(private_storage):
    append_events(5)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        # ALL includes the foreign-key triggers and needs a superuser; a table owner can still
        # disable ours by name. Either way the test's transaction rolls it back.
        which = "ALL" if superuser else "audit_auditevent_append_only"
        disable_append_only_trigger(cursor, which)
        cursor.execute(
            'UPDATE audit_auditevent SET details = \'{"n": "edited"}\'::jsonb WHERE seq = 2'
        )

    with pytest.raises(CommandError, match=r"broken at seq 2: stored hash does not match"):
        verify()


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_writers_make_one_contiguous_chain(private_storage):
    writers, per_writer = 50, 4
    barrier = threading.Barrier(writers)
    errors = []

    def write(n):
        try:
            barrier.wait(timeout=20)
            for i in range(per_writer):
                audit_record(action="test.concurrent", details={"writer": n, "i": i})
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    rows = list(AuditEvent.objects.order_by("seq").values_list("seq", "previous_hash"))
    assert [seq for seq, _ in rows] == list(range(1, writers * per_writer + 1))
    previous_hashes = [previous for _, previous in rows]
    assert len(set(previous_hashes)) == len(previous_hashes)  # no fork
    anchor = audit_anchor_write()
    output = verify()
    assert f"audit chain intact: {writers * per_writer} events" in output
    assert f"head matches the external anchor of {anchor.time}" in output


@pytest.mark.django_db
def test_values_hash_the_same_after_a_round_trip_through_postgresql(private_storage):
    event = audit_record(
        action="test.types",
        ip_address="::FFFF:192.0.2.1",
        details={
            "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "at": datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
            "amount": Decimal("12.50"),
            "ratio": 0.1,
            "flags": [True, False, None],
            "text": 'Grüße, "quoted" \u2028',
            "nested": {"b": 1, "a": [1, 2, {"z": "y"}]},
        },
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.ip_address == "::ffff:192.0.2.1"
    assert stored.compute_hash() == event.hash
    assert "audit chain intact: 1 events" in verify()
