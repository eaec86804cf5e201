"""POST /api/v1/exports/, GET /api/v1/exports/<id>/ and its key-authenticated download."""

import hashlib
import time
import types
import uuid
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.utils import timezone
from drf_spectacular.validation import validate_schema

from exports.models import ExportJob
from tests.conftest import login_with_second_factor
from trustcentre.accounts.api_keys import api_key_create
from trustcentre.accounts.models import Organisation
from trustcentre.audit.models import AuditEvent
from trustcentre.jobs.models import JobStatus

pytestmark = pytest.mark.django_db

URL = "/api/v1/exports/"


@pytest.fixture
def key_a(org_a, admin_a):
    return api_key_create(organisation=org_a, name="CRM sync", created_by=admin_a)[1]


@pytest.fixture
def key_b(org_b, admin_b):
    return api_key_create(organisation=org_b, name="ERP", created_by=admin_b)[1]


def bearer(plaintext: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def post(client, key, payload, **headers):
    return client.post(URL, payload, content_type="application/json", **bearer(key), **headers)


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_export_is_accepted_with_its_id_and_status(
    client, key_a, org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = post(
            client,
            key_a,
            {
                "categories": ["journey_insights", "leads"],
                "format": "json",
                "date_from": "2026-01-01",
                "date_to": "2026-03-31",
            },
        )

    assert response.status_code == 202, response.content
    job = ExportJob.objects.get()
    data = response.json()
    assert data["id"] == str(job.public_id)
    assert data["status"] == "queued"
    assert data["progress"] == 0.0
    assert data["categories"] == ["leads", "journey_insights"]
    assert (
        data["format"] == "json"
        and data["date_from"] == "2026-01-01"
        and data["date_to"] == "2026-03-31"
    )
    assert data["download_url"] is None and data["sha256"] is None
    assert (
        data["url"] == f"http://testserver/api/v1/exports/{job.public_id}/" == response["Location"]
    )
    assert (
        job.organisation == org_a and job.api_key.organisation == org_a and job.requested_by is None
    )


def test_the_organisation_comes_from_the_key_never_from_the_body(client, key_a, org_a, org_b):
    response = post(
        client,
        key_a,
        {"categories": ["leads"], "format": "csv", "organisation": str(org_b.public_id)},
    )
    assert response.status_code == 202
    assert ExportJob.objects.get().organisation == org_a


def test_format_defaults_to_json_as_the_api_promises(
    client, key_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = post(client, key_a, {"categories": ["leads"]})
    assert response.status_code == 202, response.content
    assert response.json()["format"] == "json"
    assert ExportJob.objects.get().format == "json"


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            {"categories": ["leads", "payroll"], "format": "csv"},
            "categories",
            "Unknown category: payroll.",
        ),
        ({"categories": [], "format": "csv"}, "categories", ""),
        ({"format": "csv"}, "categories", ""),
        ({"categories": ["leads"], "format": "pdf"}, "format", "Unknown format: pdf."),
        ({"categories": ["leads"], "format": "csv", "date_from": "yesterday"}, "date_from", ""),
        (
            {
                "categories": ["leads"],
                "format": "csv",
                "date_from": "2026-03-02",
                "date_to": "2026-03-01",
            },
            "date_to",
            "The period ends before it starts.",
        ),
        (
            {
                "categories": ["leads"],
                "format": "csv",
                "date_from": "2024-01-01",
                "date_to": "2026-01-01",
            },
            "date_to",
            "an export covers at most 366 days",
        ),
    ],
)
def test_bad_input_gets_problem_details_naming_the_field(client, key_a, payload, field, message):
    response = post(client, key_a, payload)
    error = problem(response, 400)
    assert field in error["errors"], error
    assert message in str(error["errors"][field])
    assert not ExportJob.objects.exists()


def test_a_second_export_while_one_runs_gets_409_with_the_running_job(client, key_a):
    first = post(client, key_a, {"categories": ["leads"], "format": "csv"}).json()

    response = post(client, key_a, {"categories": ["visitor_profiles"], "format": "xlsx"})

    error = problem(response, 409)
    assert error["export_id"] == first["id"]
    assert error["export_url"] == first["url"]
    assert ExportJob.objects.count() == 1


def test_a_retried_request_with_the_same_idempotency_key_returns_the_first_job(client, key_a):
    first = post(
        client,
        key_a,
        {"categories": ["leads"], "format": "csv"},
        HTTP_IDEMPOTENCY_KEY="sync-2026-11-23",
    )
    again = post(
        client,
        key_a,
        {"categories": ["leads"], "format": "csv"},
        HTTP_IDEMPOTENCY_KEY="sync-2026-11-23",
    )
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert ExportJob.objects.count() == 1


def test_without_a_key_nothing_happens(client, admin_a):
    problem(
        client.post(
            URL, {"categories": ["leads"], "format": "csv"}, content_type="application/json"
        ),
        401,
    )
    # A signed-in browser session is not an API key.
    login_with_second_factor(client, admin_a)
    problem(
        client.post(
            URL, {"categories": ["leads"], "format": "csv"}, content_type="application/json"
        ),
        401,
    )
    assert not ExportJob.objects.exists()


def test_a_prospects_key_cannot_export(client, prospect_org, db):
    _key, plaintext = api_key_create(organisation=prospect_org, name="trial")
    problem(post(client, plaintext, {"categories": ["leads"], "format": "csv"}), 403)


def test_an_export_of_another_organisation_is_not_found(client, key_a, key_b):
    job_id = post(client, key_a, {"categories": ["leads"], "format": "csv"}).json()["id"]
    problem(client.get(f"{URL}{job_id}/", **bearer(key_b)), 404)
    problem(client.get(f"{URL}{uuid.uuid4()}/", **bearer(key_a)), 404)
    assert client.get(f"{URL}{job_id}/", **bearer(key_a)).status_code == 200


def test_a_completed_export_has_its_counts_checksum_and_a_download_link(
    client, key_a, org_a, customer_data, export_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = post(
            client, key_a, {"categories": ["leads", "organisation_profiles"], "format": "csv"}
        ).json()["id"]
    job = ExportJob.objects.get(public_id=job_id)

    data = client.get(f"{URL}{job_id}/", **bearer(key_a)).json()

    assert data["status"] == "completed" and data["progress"] == 1.0
    assert (
        data["row_counts"]
        == job.row_counts
        == {
            "leads": customer_data.leads,
            "organisation_profiles": customer_data.organisation_profiles,
        }
    )
    assert data["sha256"] == job.sha256 and data["size"] == job.archive_bytes
    assert [f["name"] for f in data["files"]] == ["leads.csv", "organisation_profiles.csv"]
    link = urlsplit(data["download_url"])
    assert link.scheme == "http" and link.netloc == "testserver"
    assert link.path == f"{URL}{job_id}/download/" and link.query.startswith("token=")

    response = client.get(
        f"{link.path}?{link.query}", **bearer(key_a), HTTP_ACCEPT="application/zip"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="acme-export-')
    assert (
        "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    )
    assert hashlib.sha256(body(response)).hexdigest() == job.sha256
    event = AuditEvent.objects.get(action="export.downloaded")
    assert event.details["via"] == "api" and event.details["sha256"] == job.sha256
    assert event.actor_label.startswith("api-key:") and event.organisation == org_a


def test_the_download_refuses_other_keys_and_bad_or_old_tokens(
    client,
    key_a,
    key_b,
    customer_data,
    export_storage,
    django_capture_on_commit_callbacks,
    monkeypatch,
    settings,
):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = post(
            client, key_a, {"categories": ["organisation_profiles"], "format": "json"}
        ).json()["id"]
    link = urlsplit(client.get(f"{URL}{job_id}/", **bearer(key_a)).json()["download_url"])
    url = f"{link.path}?{link.query}"

    problem(client.get(url), 401)
    problem(client.get(url, **bearer(key_b)), 404)
    problem(client.get(url[:-1] + ("A" if url[-1] != "A" else "B"), **bearer(key_a)), 404)
    problem(client.get(link.path, **bearer(key_a)), 404)
    # A good token for another export does not open this one.
    other_job = ExportJob.objects.create(
        organisation=ExportJob.objects.get().organisation,
        categories=["leads"],
        format="csv",
        status=JobStatus.FAILED,
        idempotency_key="other",
    )
    problem(client.get(f"{URL}{other_job.public_id}/download/?{link.query}", **bearer(key_a)), 404)

    later = time.time() + settings.EXPORT_LINK_MAX_AGE + 1
    monkeypatch.setattr(signing, "time", types.SimpleNamespace(time=lambda: later))
    problem(client.get(url, **bearer(key_a)), 410)
    monkeypatch.undo()

    ExportJob.objects.filter(public_id=job_id).update(expired_at=timezone.now())
    problem(client.get(url, **bearer(key_a)), 410)
    assert client.get(f"{URL}{job_id}/", **bearer(key_a)).json()["status"] == "expired"
    assert not AuditEvent.objects.filter(action="export.downloaded").exists()


def test_a_key_of_an_organisation_that_became_a_prospect_is_refused(client, key_a, org_a):
    job_id = post(client, key_a, {"categories": ["leads"], "format": "csv"}).json()["id"]
    Organisation.objects.filter(pk=org_a.pk).update(kind=Organisation.Kind.PROSPECT)
    problem(client.get(f"{URL}{job_id}/", **bearer(key_a)), 403)


def test_the_schema_documents_the_exports_api(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    validate_schema(schema)
    create = schema["paths"]["/api/v1/exports/"]["post"]
    assert create["security"] == [{"apiKey": []}, {"oauth2": ["export"]}]
    assert {"202", "400", "401", "403", "409", "429"} <= set(create["responses"])
    assert "application/problem+json" in create["responses"]["409"]["content"]
    request_schema = schema["components"]["schemas"]["ExportRequestRequest"]
    assert set(request_schema["required"]) == {"categories"}  # format defaults to json
    detail = schema["paths"]["/api/v1/exports/{public_id}/"]["get"]
    assert {"200", "404"} <= set(detail["responses"])
    job = schema["components"]["schemas"]["ExportJob"]["properties"]
    assert {"id", "status", "progress", "row_counts", "sha256", "download_url"} <= set(job)
    download = schema["paths"]["/api/v1/exports/{public_id}/download/"]["get"]
    assert "application/zip" in download["responses"]["200"]["content"]
    assert "410" in download["responses"]
