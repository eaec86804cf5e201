"""On PostgreSQL, refuse every UPDATE and DELETE on the audit log at the database itself.

The trigger is per statement, so even an UPDATE that matches no row is refused. There is
no TRUNCATE trigger: Django's test runner empties every table with TRUNCATE between
transactional tests, and a truncated or shortened chain is caught anyway when
verify_audit_log compares the head with the external anchor. SQLite has no such trigger;
the hash chain and the anchor are the protection there.
"""

from django.db import migrations

FUNCTION = "audit_refuse_change"
TRIGGER = "audit_auditevent_append_only"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("audit", "AuditEvent")._meta.db_table)
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit events are append-only'
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'The audit log is hash-chained; record a new event instead.';
        END;
        $$
        """
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("audit", "AuditEvent")._meta.db_table)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
