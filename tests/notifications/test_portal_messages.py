"""/portal/messages/: a signed-in user reads every email sent to them, and nobody else's."""

import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.notifications.factories import make_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    user = make_user("reader@example.test")
    client.force_login(user)
    return user


def test_lists_the_users_emails_newest_first(client, reader):
    make_message(to="reader@example.test", subject="First notice")
    make_message(to="READER@example.test", subject="Second notice")
    make_message(to="someone.else@example.test", subject="Not yours")

    response = client.get(reverse("notifications:portal_message_list"))

    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Second notice") < body.index("First notice")
    assert "Not yours" not in body
    assert "no-store" in response["Cache-Control"]


def test_a_message_linked_to_the_account_is_listed_whatever_its_address(client, reader):
    make_message(to="old.address@example.test", subject="Linked", recipient=reader)

    response = client.get(reverse("notifications:portal_message_list"))

    assert "Linked" in response.content.decode()


def test_an_unverified_address_of_the_user_shows_nothing(client, reader):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=reader, email="unproven@example.test", verified=False)
    make_message(to="unproven@example.test", subject="Unproven")

    response = client.get(reverse("notifications:portal_message_list"))

    assert "Unproven" not in response.content.decode()


def test_detail_shows_the_text_body(client, reader):
    message = make_message(to="reader@example.test", body_text="Dear reader,\n<b>plain</b> text.")

    response = client.get(reverse("notifications:portal_message_detail", args=[message.public_id]))

    assert response.status_code == 200
    body = response.content.decode()
    assert message.subject in body
    assert "Dear reader,\n&lt;b&gt;plain&lt;/b&gt; text." in body


def test_someone_elses_message_is_a_404(client, reader):
    message = make_message(to="someone.else@example.test")

    response = client.get(reverse("notifications:portal_message_detail", args=[message.public_id]))

    assert response.status_code == 404


def test_a_credential_email_is_listed_but_its_body_stays_in_the_mailbox(client, reader):
    message = make_message(
        to="reader@example.test",
        cause="allauth:account/email/password_reset_key:1",
        body_text="Reset here: https://portal.test/accounts/password/reset/key/secret-token/",
    )

    listing = client.get(reverse("notifications:portal_message_list"))
    detail = client.get(reverse("notifications:portal_message_detail", args=[message.public_id]))

    assert message.subject in listing.content.decode()
    assert "secret-token" not in detail.content.decode()
    assert "shown only in your mailbox" in detail.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("notifications:portal_message_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_pages_of_twenty_five(client, reader):
    for number in range(30):
        make_message(to="reader@example.test", subject=f"Notice number {number:02d}")

    first = client.get(reverse("notifications:portal_message_list")).content.decode()
    second = client.get(reverse("notifications:portal_message_list"), {"page": 2}).content.decode()

    assert "Notice number 29" in first and "Notice number 04" not in first
    assert "Notice number 04" in second and "Notice number 05" not in second
