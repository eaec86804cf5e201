"""SQLite, as Django has it, except that emptying every table (manage.py flush, and the test
runner between transactional tests) steps around the audit log's append-only triggers. On
PostgreSQL the same flush is a TRUNCATE, which the statement trigger does not cover; here it is
a DELETE, which the trigger would refuse."""

from django.db.backends.sqlite3 import base, operations

from trustcentre.audit.append_only import (
    AUDIT_TABLE,
    SQLITE_DELETE_TRIGGER,
    sqlite_delete_trigger_sql,
)


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if AUDIT_TABLE not in tables:
            return statements
        return [
            f"DROP TRIGGER IF EXISTS {SQLITE_DELETE_TRIGGER}",
            *statements,
            sqlite_delete_trigger_sql(),
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
