"""Archives are deleted after their retention by the beat task, and the jobs say so."""

import datetime

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from exports.models import ExportJob
from exports.services import export_work_folder
from exports.tasks import delete_expired_exports
from trustcentre.audit.models import AuditEvent
from trustcentre.jobs.models import JobStatus

pytestmark = pytest.mark.django_db


def test_the_beat_schedule_runs_the_retention_task():
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "exports.tasks.delete_expired_exports" in entries


def test_an_archive_past_its_retention_is_deleted_and_the_job_marked_expired(
    completed_export, export_storage, org_a
):
    job = completed_export
    assert default_storage.exists(job.archive_name)
    assert delete_expired_exports() == 0  # not due yet
    assert default_storage.exists(job.archive_name)

    ExportJob.objects.filter(pk=job.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert delete_expired_exports() == 1

    job.refresh_from_db()
    assert not default_storage.exists(job.archive_name)
    assert not (export_storage / job.archive_name).exists()
    assert job.expired_at is not None and job.display_status == "expired"
    assert job.status == JobStatus.COMPLETED and not job.is_downloadable
    event = AuditEvent.objects.get(action="export.expired")
    assert event.object_id == str(job.public_id) and event.details == {"sha256": job.sha256}
    assert event.organisation == org_a

    # Running again does nothing more.
    assert delete_expired_exports() == 0
    assert AuditEvent.objects.filter(action="export.expired").count() == 1


def test_an_archive_already_gone_is_still_marked_expired(completed_export):
    default_storage.delete(completed_export.archive_name)
    ExportJob.objects.filter(pk=completed_export.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    assert delete_expired_exports() == 1
    completed_export.refresh_from_db()
    assert completed_export.is_expired


def test_work_folders_of_long_failed_exports_are_removed(export_storage, org_a):
    old = ExportJob.objects.create(
        organisation=org_a,
        categories=["leads"],
        format="csv",
        status=JobStatus.FAILED,
        finished_at=timezone.now() - datetime.timedelta(days=30),
        idempotency_key="old",
    )
    recent = ExportJob.objects.create(
        organisation=org_a,
        categories=["leads"],
        format="csv",
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        idempotency_key="recent",
    )
    for job in (old, recent):
        export_work_folder(job).mkdir(parents=True)
        (export_work_folder(job) / "leads.csv").write_text("contact_id\r\n")

    delete_expired_exports()

    assert not export_work_folder(old).exists()
    assert export_work_folder(recent).exists()  # kept for a retry
