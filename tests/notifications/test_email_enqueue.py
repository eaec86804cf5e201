"""email_enqueue: one outbox row per cause and recipient, delivered once the transaction commits."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from tests.conftest import make_user
from tests.notifications.factories import make_message
from trustcentre.notifications.models import OutboxMessage
from trustcentre.notifications.services import email_enqueue

pytestmark = pytest.mark.django_db


def test_renders_the_template_and_stores_the_row(notice_template):
    message = email_enqueue(
        to="reader@example.test",
        template=notice_template,
        context={"topic": "sub-processors"},
        cause="notice:1",
        headers={"X-Notice": "1"},
    )

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    # The subject template's line break is folded: a subject is one header line.
    assert message.subject == "Notice about sub-processors"
    assert "news about sub-processors" in message.body_text
    assert "/portal/messages/" in message.body_text  # the shared layout's footer
    assert "<strong>sub-processors</strong>" in message.body_html
    assert message.headers == {"X-Notice": "1"}


def test_the_same_cause_and_recipient_gives_the_first_row(notice_template):
    first = email_enqueue(
        to="reader@example.test", template=notice_template, context={"topic": "a"}, cause="notice:1"
    )
    again = email_enqueue(
        to="reader@example.test", template=notice_template, context={"topic": "b"}, cause="notice:1"
    )
    other = email_enqueue(
        to="other@example.test", template=notice_template, context={"topic": "a"}, cause="notice:1"
    )

    assert again.pk == first.pk
    assert other.pk != first.pk
    assert OutboxMessage.objects.count() == 2


def test_delivery_starts_when_the_transaction_commits(
    notice_template, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            message = email_enqueue(
                to="reader@example.test",
                template=notice_template,
                context={"topic": "x"},
                cause="n:1",
            )
            assert mail.outbox == []  # nothing leaves before the change is committed

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["reader@example.test"]
    assert sent.extra_headers["Message-ID"] == message.message_id
    assert sent.alternatives[0].mimetype == "text/html"
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


def test_a_rolled_back_change_leaves_no_email(notice_template, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            email_enqueue(
                to="reader@example.test",
                template=notice_template,
                context={"topic": "x"},
                cause="n:1",
            )
            raise RuntimeError("the change failed")

    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_a_broker_that_is_down_does_not_break_the_change(
    notice_template, django_capture_on_commit_callbacks, monkeypatch
):
    from trustcentre.notifications import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.deliver_message, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        message = email_enqueue(
            to="reader@example.test", template=notice_template, context={"topic": "x"}, cause="n:1"
        )

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING  # the sweep will deliver it


def test_the_recipient_account_is_linked(notice_template):
    user = make_user("reader@example.test")
    message = email_enqueue(
        to=user.email, template=notice_template, context={"topic": "x"}, cause="n:1", recipient=user
    )
    assert message.recipient == user


def test_an_invalid_address_is_refused_at_once():
    with pytest.raises(ValidationError):
        make_message(to="not an address")
    assert OutboxMessage.objects.count() == 0


def test_a_line_break_in_a_subject_cannot_inject_headers():
    message = make_message(subject="Hello\r\nBcc: everyone@example.test")
    assert message.subject == "Hello Bcc: everyone@example.test"
