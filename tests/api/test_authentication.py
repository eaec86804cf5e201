"""API key authentication: good keys get their own organisation's data; malformed, unknown and
revoked keys get a 401 problem document that says why, and change nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.conftest import bearer, is_problem
from trustcentre.accounts.api_keys import api_key_revoke
from trustcentre.accounts.models import ApiKey

URL = "/api/v1/organisation/"


def test_a_valid_key_reads_its_own_organisation(client, org_a, org_b, key_a, key_b):
    response = client.get(URL, **bearer(key_a[1]))
    assert response.status_code == 200
    assert response.json() == {
        "id": str(org_a.public_id),
        "name": org_a.name,
        "slug": "acme",
        "kind": "customer",
    }

    response = client.get(URL, **bearer(key_b[1]))
    assert response.json()["slug"] == "globex"


def test_the_organisation_cannot_be_chosen_by_the_caller(client, org_b, key_a):
    response = client.get(f"{URL}?organisation=globex&slug=globex", **bearer(key_a[1]))
    assert response.json()["slug"] == "acme"


def test_no_key_is_401_with_a_bearer_challenge(client, org_a):
    response = client.get(URL)
    body = is_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"
    assert body["type"].endswith("/api/problems/not-authenticated")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer two parts",
        "Bearer not-a-key",
        "Bearer tcp_short_secret",
        "Bearer tcp_abcdefgh_" + "x" * 42,  # one character short
        "Bearer tcp_abcd!fgh_" + "x" * 43,
    ],
)
def test_a_malformed_key_is_401_and_says_so(client, key_a, header):
    response = client.get(URL, HTTP_AUTHORIZATION=header)
    body = is_problem(response, 401)
    assert "Malformed" in body["detail"]
    assert body["type"].endswith("/api/problems/malformed-api-key")
    assert response["WWW-Authenticate"] == "Bearer"


def test_an_unknown_key_or_a_wrong_secret_is_401(client, key_a):
    api_key, plaintext = key_a
    wrong_secret = plaintext[:-4] + ("AAAA" if not plaintext.endswith("AAAA") else "BBBB")
    unknown_prefix = "tcp_ZZZZZZZZ" + plaintext[len("tcp_ZZZZZZZZ") :]

    for candidate in (wrong_secret, unknown_prefix):
        response = client.get(URL, **bearer(candidate))
        body = is_problem(response, 401)
        assert body["detail"] == "Invalid API key."
        assert body["type"].endswith("/api/problems/invalid-api-key")

    api_key.refresh_from_db()
    assert api_key.last_used_at is None  # nothing recorded for a refused key


def test_a_revoked_key_is_401_and_says_it_was_revoked(client, admin_a, key_a):
    api_key, plaintext = key_a
    api_key_revoke(api_key=api_key, revoked_by=admin_a)
    revoked_at = ApiKey.objects.get(pk=api_key.pk).revoked_at

    response = client.get(URL, **bearer(plaintext))
    body = is_problem(response, 401)
    assert "This API key was revoked" in body["detail"]
    assert body["type"].endswith("/api/problems/api-key-revoked")

    api_key.refresh_from_db()
    assert api_key.last_used_at is None
    assert api_key.revoked_at == revoked_at


def test_a_revoked_key_is_only_named_as_such_to_someone_holding_its_secret(client, admin_a, key_a):
    api_key, plaintext = key_a
    api_key_revoke(api_key=api_key, revoked_by=admin_a)
    guess = plaintext[:-4] + ("AAAA" if not plaintext.endswith("AAAA") else "BBBB")
    body = is_problem(client.get(URL, **bearer(guess)), 401)
    assert body["detail"] == "Invalid API key."


def test_the_scheme_name_is_case_insensitive(client, key_a):
    response = client.get(URL, HTTP_AUTHORIZATION=f"bearer {key_a[1]}")
    assert response.status_code == 200


def test_last_used_is_recorded_at_most_once_a_minute(client, key_a):
    api_key, plaintext = key_a
    client.get(URL, **bearer(plaintext))
    api_key.refresh_from_db()
    first = api_key.last_used_at
    assert first is not None

    client.get(URL, **bearer(plaintext))
    api_key.refresh_from_db()
    assert api_key.last_used_at == first

    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get(URL, **bearer(plaintext))
    api_key.refresh_from_db()
    assert api_key.last_used_at > first - timedelta(seconds=1)
    assert timezone.now() - api_key.last_used_at < timedelta(seconds=5)


def test_a_signed_in_member_without_a_key_is_refused(client, member_a):
    # The organisation API answers to keys only; a browser session is not one.
    client.force_login(member_a)
    is_problem(client.get(URL), 401)
