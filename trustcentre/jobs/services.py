"""Claiming, heartbeating and finishing background jobs; safe under concurrent workers."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from trustcentre.jobs.models import BackgroundJob, JobStatus


class JobAttemptsExhausted(Exception):
    pass


def job_claim(*, job_model: type[BackgroundJob], job_id: int) -> BackgroundJob | None:
    """Mark the job running for this worker, or return None when it is finished or already
    running with a live heartbeat. A conditional UPDATE that must touch one row is the claim."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT)
    # Queued, or running for a worker that stopped sending heartbeats (it died).
    claimable = Q(status=JobStatus.QUEUED) | Q(
        Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True), status=JobStatus.RUNNING
    )
    with transaction.atomic():
        updated = job_model.objects.filter(claimable, pk=job_id).update(
            status=JobStatus.RUNNING,
            attempts=F("attempts") + 1,
            heartbeat_at=now,
            error="",
        )
        if updated != 1:
            return None
        job = job_model.objects.get(pk=job_id)
        if job.started_at is None:
            job.started_at = now
            job.save(update_fields=["started_at"])
    if job.attempts > settings.JOB_MAX_ATTEMPTS:
        # Every earlier attempt stopped without finishing or failing (a worker died, or the job
        # made the worker die): retrying once more would only loop.
        job_fail(
            job=job,
            error=gettext(
                "Gave up after %(attempts)d attempts: each one stopped before the job finished."
            )
            % {"attempts": job.attempts - 1},
        )
        raise JobAttemptsExhausted(str(job.public_id))
    return job


def job_heartbeat(*, job: BackgroundJob, progress: float | None = None) -> None:
    job.heartbeat_at = timezone.now()
    fields = ["heartbeat_at"]
    if progress is not None:
        job.progress = max(0.0, min(1.0, progress))
        fields.append("progress")
    job.save(update_fields=fields)


def job_complete(*, job: BackgroundJob, extra_fields: tuple[str, ...] = ()) -> None:
    job.status = JobStatus.COMPLETED
    job.progress = 1.0
    job.finished_at = timezone.now()
    job.heartbeat_at = job.finished_at
    job.save(update_fields=["status", "progress", "finished_at", "heartbeat_at", *extra_fields])


def job_fail(*, job: BackgroundJob, error: str) -> None:
    job.status = JobStatus.FAILED
    job.error = error[:5000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])


def job_fail_if_still_owned(*, job: BackgroundJob, error: str, also=None) -> bool:
    """Mark the job failed unless another attempt took it over meanwhile (a worker taken for
    dead while it was only slow): that attempt's outcome is the job's. `also` (the failure's
    audit event) runs in the same transaction. True when this attempt failed the job."""
    with transaction.atomic():
        owned = (
            type(job)
            .objects.select_for_update()
            .filter(pk=job.pk, attempts=job.attempts, status=JobStatus.RUNNING)
            .exists()
        )
        if not owned:
            return False
        job_fail(job=job, error=error)
        if also is not None:
            also()
    return True


def job_retry(*, job: BackgroundJob) -> None:
    """A failed job goes back to the queue; its next claim resumes where it stopped."""
    job.status = JobStatus.QUEUED
    job.error = ""
    job.attempts = 0
    job.finished_at = None
    job.save(update_fields=["status", "error", "attempts", "finished_at"])


def concrete_job_models() -> list[type[BackgroundJob]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, BackgroundJob) and m.task_name]
