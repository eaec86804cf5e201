"""Fixtures of the audit tests: a throwaway private storage, a chain factory, tampering."""

import json

import pytest
from django.conf import settings
from django.db import connection

from trustcentre.audit.append_only import (
    SQLITE_DELETE_TRIGGER,
    SQLITE_UPDATE_TRIGGER,
    sqlite_delete_trigger_sql,
    sqlite_update_trigger_sql,
)
from trustcentre.audit.models import GENESIS_HASH, AuditEvent
from trustcentre.audit.services import audit_record


@pytest.fixture
def private_storage(settings, tmp_path):
    """Private files (anchors, exports) in a temp folder instead of var/private."""
    folder = tmp_path / "private"
    folder.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    return folder


def append_events(count, *, action="test.event", **kwargs):
    return [audit_record(action=action, details={"n": n}, **kwargs) for n in range(count)]


def event_at(occurred_at, *, action="test.event", **fields):
    """Append one well-chained event with a chosen time (audit_record always uses now)."""
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    event = AuditEvent(
        seq=(last["seq"] + 1) if last else 1,
        previous_hash=last["hash"] if last else GENESIS_HASH,
        occurred_at=occurred_at,
        action=action,
        actor_label="" if fields.get("actor") else "system",
        key_id=settings.AUDIT_CHAIN_KEY_ID,
        **fields,
    )
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    return event


def tamper(sql, params=()):
    """Run raw SQL against the audit table as someone who bypasses the application. On
    PostgreSQL that means disabling the append-only trigger first (as the table owner or a
    superuser can); the test's transaction rolls the change back with everything else."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            disable_append_only_trigger(cursor)
        else:
            cursor.execute(f"DROP TRIGGER {SQLITE_UPDATE_TRIGGER}")
            cursor.execute(f"DROP TRIGGER {SQLITE_DELETE_TRIGGER}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute(sqlite_update_trigger_sql())
            cursor.execute(sqlite_delete_trigger_sql())


def disable_append_only_trigger(cursor, which="USER"):
    # ALTER TABLE refuses while deferred foreign-key checks of this transaction's inserts are
    # pending, so run them now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {which}")


def tamper_update(seq, **columns):
    """UPDATE one event's columns with raw SQL, behind the application's back."""
    json_value = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    assignments = ", ".join(
        f"{name} = {json_value if name == 'details' else '%s'}" for name in columns
    )
    params = [json.dumps(v) if name == "details" else v for name, v in columns.items()]
    # Column names come from the test itself; every value is a parameter.
    sql = f"UPDATE audit_auditevent SET {assignments} WHERE seq = %s"  # noqa: S608
    tamper(sql, [*params, seq])
