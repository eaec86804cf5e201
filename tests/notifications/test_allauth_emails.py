"""allauth's emails (sign-up confirmation, password reset) are outbox rows like every other."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import make_user
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_signup_confirmation_goes_through_the_outbox(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "new.person@example.test",
                "password1": "a long and unusual passphrase",
                "password2": "a long and unusual passphrase",
            },
        )

    assert response.status_code == 302
    message = OutboxMessage.objects.get(to_email="new.person@example.test")
    assert message.cause.startswith("allauth:account/email/email_confirmation_signup:")
    assert message.template == "account/email/email_confirmation_signup"
    assert message.subject.startswith("[Northwind Analytics] ")
    assert "/accounts/confirm-email/" in message.body_text
    assert message.recipient is None  # the address is not verified yet
    assert message.status == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].message()["Message-ID"] == message.message_id
    assert mail.outbox[0].body == message.body_text


def test_password_reset_goes_through_the_outbox(client, django_capture_on_commit_callbacks):
    user = make_user("reader@example.test")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "reader@example.test"})

    assert response.status_code == 302
    message = OutboxMessage.objects.get(to_email="reader@example.test")
    assert message.cause.startswith("allauth:account/email/password_reset_key:")
    assert message.recipient == user
    assert "/accounts/password/reset/key/" in message.body_text
    assert message.carries_credential
    assert [m.message()["Message-ID"] for m in mail.outbox] == [message.message_id]


def test_each_request_is_its_own_message(client, django_capture_on_commit_callbacks):
    make_user("reader@example.test")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "reader@example.test"})
        client.post(reverse("account_reset_password"), {"email": "reader@example.test"})

    assert OutboxMessage.objects.filter(to_email="reader@example.test").count() == 2
    assert len({m.message()["Message-ID"] for m in mail.outbox}) == 2
