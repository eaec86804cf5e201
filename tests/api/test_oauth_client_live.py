"""An integrator's OAuth 2.0 client, as it runs outside the portal: requests-oauthlib fetches a
token from a live server with the client-credentials grant, exports the organisation's data with
it and downloads the zip; once an admin revokes the client, it gets neither data nor a token."""

import hashlib
import io
import json
import zipfile

import pytest
import requests
from oauthlib.oauth2 import BackendApplicationClient
from oauthlib.oauth2.rfc6749.errors import InvalidClientError
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

from exports.builtin_source.sample_data import generate_sample_data
from exports.models import ExportJob
from trustcentre.accounts.api_clients import api_client_register, api_client_revoke
from trustcentre.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def export_storage(settings, tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private), "base_url": None},
        },
    }
    settings.EXPORT_WORK_DIR = tmp_path / "export-work"


@pytest.fixture
def integrator(org_a, admin_a, monkeypatch):
    # The live server speaks plain HTTP on loopback; oauthlib refuses that unless told.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    generate_sample_data(tenant_id=org_a.tenant_id, leads=12, seed=5, site="www.acme.example")
    return api_client_register(
        organisation=org_a, name="Warehouse", scopes=["read", "export"], created_by=admin_a
    )


def fetch_token(live_server, api_client, secret) -> OAuth2Session:
    session = OAuth2Session(client=BackendApplicationClient(client_id=api_client.client_id))
    session.fetch_token(
        token_url=f"{live_server.url}/oauth/token/",
        auth=HTTPBasicAuth(api_client.client_id, secret),
    )
    return session


def test_an_oauth_client_exports_with_its_token_and_a_revoked_one_cannot(
    live_server, integrator, export_storage, org_a, admin_a
):
    api_client, secret = integrator

    session = fetch_token(live_server, api_client, secret)
    assert session.token["token_type"] == "Bearer"
    assert session.token["expires_in"] == 600
    assert session.token["scope"] == ["read", "export"]

    created = session.post(
        f"{live_server.url}/api/v1/exports/", json={"categories": ["leads"], "format": "json"}
    )
    assert created.status_code == 202, created.text
    # Jobs run in-process in tests (CELERY_TASK_ALWAYS_EAGER): done by the time it answers.
    job_url = created.json()["url"]
    job = session.get(job_url).json()
    assert job["status"] == "completed", job
    assert job["row_counts"] == {"leads": 12}

    download = session.get(job["download_url"])
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/zip"
    assert hashlib.sha256(download.content).hexdigest() == job["sha256"]
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        names = archive.namelist()
        leads_file = next(name for name in names if "leads" in name)
        rows = json.loads(archive.read(leads_file))
    assert len(rows) == 12
    assert ExportJob.objects.get().organisation == org_a
    label = f"api-client:{api_client.client_id}"
    assert AuditEvent.objects.filter(action="export.requested", actor_label=label).exists()

    api_client_revoke(api_client=api_client, revoked_by=admin_a)

    refused = session.get(job_url)
    assert refused.status_code == 401
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert "revoked" in refused.json()["detail"]
    again = session.post(
        f"{live_server.url}/api/v1/exports/", json={"categories": ["leads"], "format": "json"}
    )
    assert again.status_code == 401
    with pytest.raises(InvalidClientError, match="revoked"):
        fetch_token(live_server, api_client, secret)
    assert ExportJob.objects.count() == 1
    # The same answer to a plain client that knows nothing of OAuth libraries.
    plain = requests.post(
        f"{live_server.url}/oauth/token/",
        data={"grant_type": "client_credentials"},
        auth=(api_client.client_id, secret),
        timeout=10,
    )
    assert plain.status_code == 401 and plain.json()["error"] == "invalid_client"
