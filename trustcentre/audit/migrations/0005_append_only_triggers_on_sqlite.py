"""On SQLite too, the database refuses every UPDATE and DELETE on the audit log."""

from django.db import migrations

from trustcentre.audit.append_only import (
    SQLITE_DELETE_TRIGGER,
    SQLITE_UPDATE_TRIGGER,
    sqlite_delete_trigger_sql,
    sqlite_update_trigger_sql,
)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(sqlite_update_trigger_sql())
    schema_editor.execute(sqlite_delete_trigger_sql())


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {SQLITE_UPDATE_TRIGGER}")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {SQLITE_DELETE_TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_event_key_id")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
