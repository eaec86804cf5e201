"""After an export: recording each download, and deleting archives past their retention."""

import datetime
import shutil

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from exports.models import ExportJob
from exports.services.running import export_work_folder
from trustcentre.audit.services import audit_record
from trustcentre.jobs.models import JobStatus


def export_delivered(*, job: ExportJob, user=None, api_client=None, request=None, via: str) -> None:
    """Record a download of the archive, with the SHA-256 of what was delivered."""
    audit_record(
        action="export.downloaded",
        actor=api_client or user,
        obj=job,
        organisation=job.organisation,
        request=request,
        details={"sha256": job.sha256, "bytes": job.archive_bytes, "via": via},
    )


def export_delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the archives whose retention has ended and mark their jobs expired; safe to run
    at any time and twice (a missing file is simply gone already)."""
    now = now or timezone.now()
    expired = 0
    due = ExportJob.objects.filter(
        status=JobStatus.COMPLETED, expired_at__isnull=True, expires_at__lte=now
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            job = (
                ExportJob.objects.select_for_update()
                .select_related("organisation")
                .filter(pk=pk, expired_at__isnull=True)
                .first()
            )
            if job is None:
                continue
            if job.archive_name and default_storage.exists(job.archive_name):
                default_storage.delete(job.archive_name)
            job.expired_at = now
            job.save(update_fields=["expired_at"])
            audit_record(
                action="export.expired",
                actor_label="system",
                obj=job,
                organisation=job.organisation,
                details={"sha256": job.sha256},
            )
            expired += 1
    _delete_stale_work_folders(now=now)
    return expired


def _delete_stale_work_folders(*, now: datetime.datetime) -> None:
    """Work folders of exports that failed long ago and were never retried (this machine's
    only: each worker keeps its own)."""
    cutoff = now - datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    stale = ExportJob.objects.filter(status=JobStatus.FAILED, finished_at__lt=cutoff)
    for job in stale.only("public_id").iterator():
        folder = export_work_folder(job)
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
