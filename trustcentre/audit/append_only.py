"""The database's own refusal to change or delete audit events, on both databases the portal
runs on. PostgreSQL: a statement trigger (migration 0002). SQLite: a row trigger for UPDATE and
one for DELETE, which RAISE(ABORT) like PostgreSQL's exception."""

AUDIT_TABLE = "audit_auditevent"
SQLITE_UPDATE_TRIGGER = "audit_auditevent_no_update"
SQLITE_DELETE_TRIGGER = "audit_auditevent_no_delete"
MESSAGE = "audit events are append-only"


def sqlite_update_trigger_sql() -> str:
    return (
        f"CREATE TRIGGER IF NOT EXISTS {SQLITE_UPDATE_TRIGGER} BEFORE UPDATE ON {AUDIT_TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


def sqlite_delete_trigger_sql() -> str:
    return (
        f"CREATE TRIGGER IF NOT EXISTS {SQLITE_DELETE_TRIGGER} BEFORE DELETE ON {AUDIT_TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
