"""CSV export of filtered audit events: the job, its file, its page and its signed download."""

import csv
import hashlib
import io
import time
from unittest import mock

import pytest
from django.core.files.storage import default_storage

from tests.audit.conftest import append_events
from trustcentre.audit import services
from trustcentre.audit.models import AuditEvent, AuditExportJob
from trustcentre.audit.services import audit_record
from trustcentre.audit.views import EXPORT_LINK_MAX_AGE, EXPORT_LINK_PURPOSE
from trustcentre.jobs.models import JobStatus
from trustcentre.lib.signed_links import make_signed_token

pytestmark = pytest.mark.django_db


def request_export(client, django_capture_on_commit_callbacks, **filters):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/audit/exports/", filters)
    assert response.status_code == 302
    job = AuditExportJob.objects.get()
    assert response["Location"] == f"/staff/audit/exports/{job.public_id}/"
    job.refresh_from_db()
    return job


def download_link(client, job) -> str:
    page = client.get(f"/staff/audit/exports/{job.public_id}/")
    assert page.status_code == 200
    return page.context["download_url"]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_export_writes_the_filtered_rows_with_their_sha256(
    staff_client, django_capture_on_commit_callbacks, private_storage, org_a, member_a
):
    wanted = [
        audit_record(
            action="document.downloaded",
            actor=member_a,
            organisation=org_a,
            object_id=f"doc-{n}",
            ip_address="192.0.2.7",
            details={"n": n, "note": 'é,"q"'},
        )
        for n in range(3)
    ]
    audit_record(action="mfa.verified", actor=member_a, organisation=org_a)

    job = request_export(
        staff_client, django_capture_on_commit_callbacks, action="document.", organisation="acme"
    )

    assert job.status == JobStatus.COMPLETED
    assert job.progress == 1.0
    assert job.row_count == 3
    assert job.filters == {"action": "document.", "organisation": "acme"}
    content = default_storage.open(job.file_name, "rb").read()
    assert hashlib.sha256(content).hexdigest() == job.sha256
    assert (private_storage / job.file_name).exists()
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert [int(r["seq"]) for r in rows] == [e.seq for e in wanted]
    first = rows[0]
    assert first["id"] == str(wanted[0].public_id)
    assert first["actor"] == "member@acme.test"
    assert first["organisation"] == "acme"
    assert first["object_id"] == "doc-0"
    assert first["ip_address"] == "192.0.2.7"
    assert first["details"] == '{"n":0,"note":"é,\\"q\\""}'
    assert first["hash"] == wanted[0].hash and first["previous_hash"] == wanted[0].previous_hash
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.object_id == str(job.public_id)
    assert exported.details == {"rows": 3, "sha256": job.sha256, "up_to_seq": job.up_to_seq}
    assert AuditEvent.objects.filter(
        action="audit.export_requested", object_id=str(job.public_id)
    ).exists()


def test_download_link_delivers_the_file_to_staff(
    staff_client, django_capture_on_commit_callbacks, private_storage
):
    append_events(4)
    job = request_export(staff_client, django_capture_on_commit_callbacks)

    response = staff_client.get(download_link(staff_client, job))

    assert response.status_code == 200
    assert hashlib.sha256(body(response)).hexdigest() == job.sha256
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".csv" in response["Content-Disposition"]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    delivered = AuditEvent.objects.get(action="audit.export_downloaded")
    assert delivered.details["sha256"] == job.sha256


def test_job_page_shows_progress_and_refreshes_while_running(
    staff_client, legal_user, private_storage
):
    job = services.audit_export_request(user=legal_user, filters={})  # on_commit never runs here
    job.status, job.progress = JobStatus.RUNNING, 0.4
    job.save(update_fields=["status", "progress"])

    page = staff_client.get(f"/staff/audit/exports/{job.public_id}/").content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="export-progress" class="progress" max="1" value="0.4">' in page
    assert "Download CSV" not in page


def test_tampered_token_is_404(staff_client, django_capture_on_commit_callbacks, private_storage):
    append_events(2)
    job = request_export(staff_client, django_capture_on_commit_callbacks)
    link = download_link(staff_client, job)

    tampered = link[:-3] + ("AAA" if not link.endswith("AAA/") else "BBB") + "/"
    assert staff_client.get(tampered).status_code == 404
    # A token signed for another purpose names the same job but does not open it.
    other = make_signed_token("document-download", str(job.public_id))
    assert staff_client.get(f"/staff/audit/exports/download/{other}/").status_code == 404
    assert not AuditEvent.objects.filter(action="audit.export_downloaded").exists()


def test_expired_token_is_refused(
    staff_client, django_capture_on_commit_callbacks, private_storage
):
    append_events(2)
    job = request_export(staff_client, django_capture_on_commit_callbacks)
    with mock.patch(
        "django.core.signing.time.time", return_value=time.time() - EXPORT_LINK_MAX_AGE - 5
    ):
        old = make_signed_token(EXPORT_LINK_PURPOSE, str(job.public_id))

    response = staff_client.get(f"/staff/audit/exports/download/{old}/")

    assert response.status_code == 410
    assert "This download link has expired" in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit.export_downloaded").exists()


def test_a_valid_link_does_not_open_for_someone_without_the_right(
    client, staff_client, django_capture_on_commit_callbacks, private_storage, member_a
):
    append_events(2)
    job = request_export(staff_client, django_capture_on_commit_callbacks)
    link = download_link(staff_client, job)

    client.force_login(member_a)
    assert client.get(link).status_code == 403
    client.logout()
    anonymous = client.get(link)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert client.get(f"/staff/audit/exports/{job.public_id}/").status_code == 302
    assert not AuditEvent.objects.filter(action="audit.export_downloaded").exists()


def test_non_staff_cannot_request_an_export(client, member_a, django_capture_on_commit_callbacks):
    client.force_login(member_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/staff/audit/exports/", {}).status_code == 403
    assert not AuditExportJob.objects.exists()


def test_export_is_post_only(staff_client):
    assert staff_client.get("/staff/audit/exports/").status_code == 405


def test_failed_export_says_why_and_can_be_retried(
    settings, tmp_path, staff_client, django_capture_on_commit_callbacks, private_storage
):
    append_events(3)
    # A storage location that is a file, not a folder: saving fails as a full disk would.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    good_storages = settings.STORAGES
    settings.STORAGES = {
        **good_storages,
        "default": {**good_storages["default"], "OPTIONS": {"location": str(blocked)}},
    }

    job = request_export(staff_client, django_capture_on_commit_callbacks)

    assert job.status == JobStatus.FAILED
    page = staff_client.get(f"/staff/audit/exports/{job.public_id}/").content.decode()
    assert "The export failed:" in page and "could not be written" in page
    assert "Retry" in page
    assert "refresh" not in page

    settings.STORAGES = good_storages
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/staff/audit/exports/{job.public_id}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert job.row_count == 3
    assert AuditEvent.objects.filter(action="audit.export_retried").count() == 1


def test_only_a_failed_export_can_be_retried(
    staff_client, django_capture_on_commit_callbacks, private_storage
):
    job = request_export(staff_client, django_capture_on_commit_callbacks)
    response = staff_client.post(f"/staff/audit/exports/{job.public_id}/retry/", follow=True)
    assert "Only a failed export can be retried." in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit.export_retried").exists()


def test_rerun_after_a_dead_worker_writes_the_same_file(legal_user, private_storage):
    append_events(5)
    job = services.audit_export_request(user=legal_user, filters={})
    services.audit_export_run(job_id=job.pk)
    job.refresh_from_db()
    first_sha = job.sha256
    append_events(3)  # events after the request are not part of it

    # A re-delivered task: the row says running with no heartbeat, and a file is already there.
    AuditExportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=None, sha256="", row_count=None
    )
    services.audit_export_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert job.sha256 == first_sha
    assert job.row_count == 5  # the head was fixed before the request's own event
    assert job.file_name == f"audit-exports/{job.public_id}.csv"


def test_running_a_finished_job_again_does_nothing(legal_user, private_storage):
    append_events(2)
    job = services.audit_export_request(user=legal_user, filters={})
    services.audit_export_run(job_id=job.pk)
    exported = AuditEvent.objects.filter(action="audit.exported").count()

    assert services.audit_export_run(job_id=job.pk) is None
    assert AuditEvent.objects.filter(action="audit.exported").count() == exported == 1
