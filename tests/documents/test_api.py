"""GET /api/v1/documents/: anyone may list; a download link only where the caller may download;
private documents only for staff."""

import pytest

from tests.documents.conftest import accept_nda, grant_access

pytestmark = pytest.mark.django_db


def by_title(response):
    assert response.status_code == 200
    return {item["title"]: item for item in response.json()["results"]}


def test_anonymous_callers_get_links_to_public_documents_only(client, documents):
    items = by_title(client.get("/api/v1/documents/"))
    assert set(items) == {"public document", "registered document", "nda document"}
    assert items["public document"]["download_url"].startswith("http")
    assert items["registered document"]["download_url"] is None
    assert items["nda document"]["download_url"] is None
    nda = items["nda document"]
    assert nda["access_level"] == "nda"
    assert nda["id"] == str(documents["nda"].public_id)
    assert nda["current_version"]["sha256"] == documents["nda"].current_version.sha256


def test_a_prospect_with_grant_and_nda_gets_a_working_link(
    client, documents, prospect, legal_user, nda_version
):
    client.force_login(prospect)
    assert by_title(client.get("/api/v1/documents/"))["nda document"]["download_url"] is None
    grant_access(prospect, [documents["nda"]], legal_user)
    assert by_title(client.get("/api/v1/documents/"))["nda document"]["download_url"] is None
    accept_nda(prospect, nda_version)
    link = by_title(client.get("/api/v1/documents/"))["nda document"]["download_url"]
    response = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_an_api_key_is_not_a_person_who_signed_the_nda(client, documents, org_a):
    from trustcentre.accounts.api_keys import api_key_create

    _key, secret = api_key_create(organisation=org_a, name="ci")
    items = by_title(
        client.get("/api/v1/documents/", HTTP_AUTHORIZATION=f"Bearer {secret}", secure=True)
    )
    assert items["nda document"]["download_url"] is None
    assert "private document" not in items
