"""Superusers can look at export jobs and the suppression list in the admin, never change them."""

import uuid

import pytest

from exports.models import ExportJob, SuppressionEntry
from tests.conftest import login_with_second_factor, make_user


@pytest.fixture
def superuser_client(client):
    superuser = make_user("root@provider.test", is_staff=True, is_superuser=True)
    login_with_second_factor(client, superuser)
    return client


@pytest.fixture
def job(org_a, admin_a):
    return ExportJob.objects.create(
        organisation=org_a,
        requested_by=admin_a,
        categories=["organisation_profiles"],
        format="csv",
        idempotency_key="admin-view",
    )


@pytest.fixture
def entry():
    return SuppressionEntry.objects.create(
        tenant_id=uuid.uuid4(),
        kind=SuppressionEntry.Kind.choices[0][0],
        identifier_hash="0" * 64,
        reason="Erased on request.",
    )


@pytest.mark.django_db
def test_superuser_sees_export_jobs_read_only(superuser_client):
    assert superuser_client.get("/admin/exports/exportjob/").status_code == 200
    assert superuser_client.get("/admin/exports/suppressionentry/").status_code == 200
    assert superuser_client.get("/admin/exports/exportjob/add/").status_code == 403
    assert superuser_client.get("/admin/exports/suppressionentry/add/").status_code == 403


@pytest.mark.django_db
def test_superuser_cannot_change_an_export_job(superuser_client, job):
    page = superuser_client.get(f"/admin/exports/exportjob/{job.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = superuser_client.post(
        f"/admin/exports/exportjob/{job.pk}/change/", {"status": "completed", "progress": 100}
    )
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.status == "queued" and job.progress == 0


@pytest.mark.django_db
def test_superuser_cannot_delete_an_export_job(superuser_client, job):
    assert superuser_client.get(f"/admin/exports/exportjob/{job.pk}/delete/").status_code == 403
    response = superuser_client.post(f"/admin/exports/exportjob/{job.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    listing = superuser_client.post(
        "/admin/exports/exportjob/",
        {"action": "delete_selected", "_selected_action": [job.pk], "post": "yes"},
    )
    assert listing.status_code in {200, 302}
    assert ExportJob.objects.filter(pk=job.pk).exists()


@pytest.mark.django_db
def test_superuser_cannot_change_or_delete_a_suppression_entry(superuser_client, entry):
    url = f"/admin/exports/suppressionentry/{entry.pk}/"
    response = superuser_client.post(f"{url}change/", {"reason": "Tampered."})
    assert response.status_code == 403
    assert superuser_client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.reason == "Erased on request."
