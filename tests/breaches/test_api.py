"""GET /api/v1/security-notices/: the key's organisation's breach notifications, nobody else's;
errors as problem details; every response in the OpenAPI schema."""

import pytest

from dpa.breaches import services
from tests.api.conftest import bearer, is_problem
from trustcentre.accounts.api_keys import api_key_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/security-notices/"


@pytest.fixture
def key_a(org_a, admin_a):
    return api_key_create(organisation=org_a, name="SIEM", created_by=admin_a)


@pytest.fixture
def key_b(org_b, admin_b):
    return api_key_create(organisation=org_b, name="Globex SIEM", created_by=admin_b)


@pytest.fixture
def notification(incident, dpo_user, org_a, no_notice_contact):
    return services.incident_notify(
        incident=incident, organisations=[org_a], user=dpo_user
    ).notified[0]


def test_the_key_lists_its_organisations_notices(client, key_a, notification, incident):
    body = client.get(URL, **bearer(key_a[1])).json()
    (item,) = body["results"]
    assert item["id"] == str(notification.public_id)
    assert item["incident"]["reference"] == incident.reference
    assert item["incident"]["subjects_affected"] == 1200
    assert item["acknowledged"] is False
    detail = client.get(f"{URL}{notification.public_id}/", **bearer(key_a[1]))
    assert detail.json()["incident"]["contact_point"] == "DPO, dpo@provider.test"


def test_another_organisations_key_sees_nothing(client, key_b, notification):
    assert client.get(URL, **bearer(key_b[1])).json()["results"] == []
    is_problem(client.get(f"{URL}{notification.public_id}/", **bearer(key_b[1])), 404)


def test_without_a_key_is_a_problem(client, notification):
    is_problem(client.get(URL), 401)


def test_schema_documents_the_operations(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    listing = schema["paths"]["/api/v1/security-notices/"]["get"]["responses"]
    detail = schema["paths"]["/api/v1/security-notices/{public_id}/"]["get"]["responses"]
    assert {"200", "401", "403", "404", "429"} <= set(listing)
    assert {"200", "401", "403", "404"} <= set(detail)
    assert "application/problem+json" in detail["404"]["content"]
