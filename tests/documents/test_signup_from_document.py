"""Creating an account from a gated document comes back to that document: `next` is kept
through sign-up, the confirmation email's link and the confirmation button."""

import re

import pytest
from django.urls import reverse

from trustcentre.documents.models import AccessLevel
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"


def test_create_account_from_a_gated_document_lands_on_it(
    client, make_document, django_capture_on_commit_callbacks
):
    document = make_document(AccessLevel.NDA)
    document_url = reverse("documents:detail", args=[document.public_id])

    page = client.get(document_url).content.decode()
    signup_link = re.search(r'href="([^"]*/accounts/signup/[^"]*)">Create an account<', page).group(
        1
    )
    assert signup_link.endswith(f"?next={document_url}")

    signup_page = client.get(signup_link.replace("&amp;", "&")).content.decode()
    assert f'name="next" value="{document_url}"' in signup_page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "new.person@example.test",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "next": document_url,
            },
        )

    body = OutboxMessage.objects.get(to_email="new.person@example.test").body_text
    confirm_link = re.search(r"https?://\S+/accounts/confirm-email/\S+", body).group(0)
    assert confirm_link.endswith(f"?next={document_url.replace('/', '%2F')}")

    confirm_page = client.get(confirm_link).content.decode()
    assert f'name="next" value="{document_url}"' in confirm_page
    key = confirm_link.split("/confirm-email/")[1].split("/")[0]
    response = client.post(reverse("account_confirm_email", args=[key]), {"next": document_url})

    assert response.status_code == 302
    assert response["Location"] == document_url


def test_a_foreign_next_is_not_put_in_the_confirmation_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "new.person@example.test",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "next": "https://evil.example/",
            },
        )

    body = OutboxMessage.objects.get(to_email="new.person@example.test").body_text
    assert "evil.example" not in body
