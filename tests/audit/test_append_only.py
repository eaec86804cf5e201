"""The database itself refuses to change or delete audit events, on SQLite as on PostgreSQL;
emptying the whole database (manage.py flush, the test runner) still works."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from tests.audit.conftest import append_events
from trustcentre.audit.models import AuditEvent


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'edited' WHERE seq = 2",
        "DELETE FROM audit_auditevent WHERE seq = 3",
        "DELETE FROM audit_auditevent",
    ],
)
def test_raw_updates_and_deletes_are_refused_by_the_database(sql, private_storage):
    append_events(3)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)
    assert (
        list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
        == ["test.event"] * 3
    )


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_database_and_keeps_the_protection(private_storage):
    append_events(2)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    append_events(1)
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
