"""On PostgreSQL, workers racing to deliver the same message: one email leaves."""

import pytest
from django.core import mail
from django.db import connection

from tests.jobs.test_concurrent_claims import NEEDS_POSTGRESQL, race
from tests.notifications.factories import make_message
from trustcentre.notifications import tasks
from trustcentre.notifications.models import OutboxMessage
from trustcentre.notifications.services import message_deliver

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_eight_workers_one_email(mail_server, monkeypatch):
    assert connection.vendor == "postgresql", NEEDS_POSTGRESQL
    with monkeypatch.context() as patch:
        # Outside a transaction the commit is immediate: keep the dispatch from sending it first.
        patch.setattr(tasks.deliver_message, "delay", lambda message_id: None)
        message = make_message()

    results = race(8, lambda: message_deliver(message_id=message.pk))

    assert sum(result is not None for result in results) == 1
    assert [m.message()["Message-ID"] for m in mail.outbox] == [message.message_id]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.SENT, 1)
    assert message.delivery_attempts.count() == 1
