"""Sign-up: an address that already has an account gets exactly the answer a new one gets."""

import pytest

from tests.conftest import PASSWORD
from trustcentre.accounts.models import User

NEW_PASSWORD = "a fresh and long passphrase"


def sign_up(client, email):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )


@pytest.mark.django_db
class TestSignup:
    def test_signup_page_uses_the_portal_layout(self, client):
        page = client.get("/accounts/signup/").content.decode()
        assert '<form class="form" method="post" action="/accounts/signup/">' in page
        assert 'name="password1"' in page and 'class="help"' in page

    def test_existing_address_gets_the_same_answer_as_a_new_one(self, client, member_a):
        new = sign_up(client, "newcomer@acme.test")
        new_page = client.get(new["Location"]).content.decode()
        client.cookies.clear()  # a second, unrelated visitor

        existing = sign_up(client, member_a.email)
        existing_page = client.get(existing["Location"]).content.decode()

        assert new.status_code == existing.status_code == 302
        assert new["Location"] == existing["Location"] == "/accounts/confirm-email/"
        assert "Confirm your email address" in new_page
        assert new_page.replace("newcomer@acme.test", "X") == existing_page.replace(
            member_a.email, "X"
        )

        # Nothing about the existing account changed, and no second account exists.
        assert User.objects.filter(email=member_a.email).count() == 1
        member_a.refresh_from_db()
        assert member_a.check_password(PASSWORD)
        assert User.objects.filter(email="newcomer@acme.test").exists()

    def test_weak_password_is_refused_with_a_reason(self, client, db):
        response = client.post(
            "/accounts/signup/",
            {"email": "short@acme.test", "password1": "password", "password2": "password"},
        )
        assert response.status_code == 200
        assert "This password is too short" in response.content.decode()
        assert not User.objects.filter(email="short@acme.test").exists()

    def test_existing_address_costs_a_password_hash_like_a_new_one(
        self, client, member_a, monkeypatch
    ):
        """Timing: the known-address path must do the slow work the new-address path does."""
        from django.contrib.auth.hashers import get_hasher

        hasher_class = type(get_hasher())  # whichever hasher the settings make the default
        calls = []
        original = hasher_class.encode

        def counting_encode(self, password, salt, *args, **kwargs):
            calls.append(hasher_class.__name__)
            return original(self, password, salt, *args, **kwargs)

        monkeypatch.setattr(hasher_class, "encode", counting_encode)
        sign_up(client, "newcomer@acme.test")
        new_calls, calls[:] = list(calls), []
        client.cookies.clear()
        sign_up(client, member_a.email)
        assert new_calls == calls == [hasher_class.__name__]
