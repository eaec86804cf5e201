"""The sign-in library's emails read as the portal's own: branded text and HTML, the
provider's name and address, never the sites framework's "example.com"."""

import pytest
from allauth.account.adapter import get_adapter
from allauth.core.context import request_context
from django.conf import settings
from django.contrib.sites.models import Site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, make_user
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and unusual passphrase"


def assert_branded(message):
    for body in (message.body_text, message.body_html):
        assert "example.com" not in body
        assert "Hello from" not in body
        assert f"{settings.PROVIDER_NAME} Trust Centre" in body
        assert settings.SITE_URL in body
    assert message.body_html.lstrip().startswith("<!doctype html>")
    assert "example.com" not in message.subject


def test_the_site_record_names_the_portal_not_example_com():
    site = Site.objects.get_current()

    assert site.domain == settings.SITE_URL.split("://", 1)[1]
    assert site.name == settings.PROVIDER_NAME


def test_signup_confirmation_is_branded(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "new.person@example.test",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )

    message = OutboxMessage.objects.get(to_email="new.person@example.test")
    assert_branded(message)
    assert message.subject == f"[{settings.PROVIDER_NAME}] Confirm your email address"
    assert (
        "created an account on the Northwind Analytics Trust Centre with new.person@example.test"
        in (message.body_text)
    )
    assert 'class="mail-button"' in message.body_html


def test_password_reset_is_branded(client, django_capture_on_commit_callbacks):
    make_user("reader@example.test")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "reader@example.test"})

    message = OutboxMessage.objects.get(to_email="reader@example.test")
    assert_branded(message)
    assert "Choose a new password" in message.body_html
    assert "/accounts/password/reset/key/" in message.body_text


def test_signup_with_a_known_address_says_the_account_exists(
    client, django_capture_on_commit_callbacks
):
    make_user("reader@example.test")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "reader@example.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

    message = OutboxMessage.objects.get(to_email="reader@example.test")
    assert message.template == "account/email/account_already_exists"
    assert_branded(message)
    assert "already has an account" in message.body_text


def test_reset_for_an_unknown_address_is_branded(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "nobody@example.test"})

    message = OutboxMessage.objects.get(to_email="nobody@example.test")
    assert message.template == "account/email/unknown_account"
    assert_branded(message)


NOTIFICATIONS = {
    "account/email/email_changed": {
        "from_email": "old@example.test",
        "to_email": "new@example.test",
    },
    "account/email/email_confirm": {},
    "account/email/email_deleted": {"deleted_email": "old@example.test"},
    "account/email/password_changed": {},
    "account/email/password_reset": {},
    "account/email/password_set": {},
    "account/email/email_confirmation": {
        "activate_url": "http://testserver/accounts/confirm-email/k/"
    },
    "account/email/login_code": {"code": "ABC123"},
    "account/email/password_reset_code": {"code": "ABC123"},
}


@pytest.mark.parametrize("template_prefix", sorted(NOTIFICATIONS))
def test_every_other_account_email_is_branded(template_prefix):
    """The emails allauth sends after a change to the account (and with codes), each rendered
    as it would be sent: the portal's layout, the provider's name, a labelled time."""
    user = make_user("reader@example.test")
    request = RequestFactory().get("/")
    request.user = user
    context = {
        "user": user,
        "ip": "192.0.2.1",
        "user_agent": "Firefox",
        "timestamp": timezone.now(),
        **NOTIFICATIONS[template_prefix],
    }
    with request_context(request):
        get_adapter(request).send_mail(template_prefix, "reader@example.test", context)

    message = OutboxMessage.objects.get(template=template_prefix)
    assert_branded(message)
    if "timestamp" in message.body_text and "Time:" in message.body_text:
        assert timezone.localtime().strftime("%Z") in message.body_text


def test_password_reset_page_still_signs_in_with_the_new_password(
    client, django_capture_on_commit_callbacks
):
    """The branded reset email's link is the one that works."""
    import re

    make_user("reader@example.test", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "reader@example.test"})
    body = OutboxMessage.objects.get(to_email="reader@example.test").body_text
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", body).group(0)

    response = client.get(link, follow=True)

    assert response.status_code == 200
    assert b"password1" in response.content
