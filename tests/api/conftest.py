"""Fixtures for the API tests: a key for each organisation, and a way to send one."""

import pytest

from trustcentre.accounts.api_keys import api_key_create


@pytest.fixture
def key_a(org_a, admin_a):
    """(ApiKey, plaintext) for org_a."""
    return api_key_create(organisation=org_a, name="CRM sync", created_by=admin_a)


@pytest.fixture
def key_b(org_b, admin_b):
    return api_key_create(organisation=org_b, name="Globex ERP", created_by=admin_b)


def bearer(plaintext: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def is_problem(response, status: int) -> dict:
    """Assert an RFC 9457 answer with this status; return its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["type"] == "about:blank" or body["type"].startswith("http")
    assert "detail" in body
    return body
