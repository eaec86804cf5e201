"""POST /api/v1/rights-requests/: the public contract, refusals as problem details, and the
limit on anonymous writes per client address."""

import pytest

from rights_requests.models import RightsRequest
from tests.rights_requests.conftest import last_email

pytestmark = pytest.mark.django_db

URL = "/api/v1/rights-requests/"
BODY = {
    "type": "erasure",
    "email": "api@example.org",
    "name": "Api Person",
    "jurisdiction": "us_ccpa",
    "details": "Delete me.",
}


def test_filing_answers_201_with_reference_and_statutory_deadline(client):
    response = client.post(URL, BODY, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    rr = RightsRequest.objects.get()
    assert data["reference"] == rr.reference
    assert data["status"] == "unverified"
    assert data["due_at"] == rr.due_date.isoformat()
    assert set(data) >= {"reference", "status", "received_at", "due_at"}
    assert last_email("api@example.org") is not None


@pytest.mark.parametrize(
    "change",
    [
        {"email": "nope"},
        {"email": ""},
        {"type": "everything"},
        {"jurisdiction": "moon"},
        {"details": "x" * 10_001},
    ],
)
def test_bad_input_is_a_problem_document_and_nothing_is_stored(client, change):
    response = client.post(URL, {**BODY, **change}, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 400
    assert not RightsRequest.objects.exists()


def test_anonymous_writes_are_rate_limited_per_address(client, settings):
    settings.ANONYMOUS_WRITE_LIMIT_PER_MINUTE = 2
    for index in range(2):
        assert (
            client.post(
                URL, {**BODY, "email": f"a{index}@example.org"}, content_type="application/json"
            ).status_code
            == 201
        )
    response = client.post(
        URL, {**BODY, "email": "a9@example.org"}, content_type="application/json"
    )
    assert response.status_code == 429
    assert "Retry-After" in response
    assert RightsRequest.objects.count() == 2
