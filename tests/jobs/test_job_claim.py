"""job_claim and friends: one worker at a time, a dead worker's job is taken over, retries end."""

from datetime import timedelta

import pytest
from django.utils import timezone

from trustcentre.jobs.models import JobStatus
from trustcentre.jobs.services import (
    JobAttemptsExhausted,
    job_claim,
    job_complete,
    job_fail,
    job_heartbeat,
    job_retry,
)


def test_claim_marks_the_job_running(make_job, probe_job_model):
    job = make_job()

    claimed = job_claim(job_model=probe_job_model, job_id=job.pk)

    assert claimed.pk == job.pk
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert job.attempts == 1
    assert job.started_at is not None
    assert job.heartbeat_at is not None


def test_a_second_claim_gets_nothing(make_job, probe_job_model):
    job = make_job()

    assert job_claim(job_model=probe_job_model, job_id=job.pk) is not None
    assert job_claim(job_model=probe_job_model, job_id=job.pk) is None

    job.refresh_from_db()
    assert job.attempts == 1


def test_a_live_heartbeat_keeps_the_job(make_job, probe_job_model, settings):
    settings.JOB_HEARTBEAT_TIMEOUT = 300
    job = make_job(
        status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now() - timedelta(seconds=299)
    )

    assert job_claim(job_model=probe_job_model, job_id=job.pk) is None


def test_a_stale_heartbeat_means_the_worker_died_and_the_job_is_taken_over(
    make_job, probe_job_model, settings
):
    settings.JOB_HEARTBEAT_TIMEOUT = 300
    started = timezone.now() - timedelta(minutes=20)
    job = make_job(
        status=JobStatus.RUNNING,
        attempts=1,
        started_at=started,
        heartbeat_at=timezone.now() - timedelta(seconds=301),
        progress=0.4,
    )

    claimed = job_claim(job_model=probe_job_model, job_id=job.pk)

    assert claimed is not None
    assert claimed.attempts == 2
    assert claimed.started_at == started  # it resumes; it does not start over
    assert claimed.progress == 0.4


@pytest.mark.parametrize("status", [JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED])
def test_a_finished_job_is_never_claimed(make_job, probe_job_model, status):
    job = make_job(status=status)

    assert job_claim(job_model=probe_job_model, job_id=job.pk) is None


def test_attempts_beyond_the_maximum_fail_the_job_with_a_reason(
    make_job, probe_job_model, settings
):
    settings.JOB_MAX_ATTEMPTS = 3
    job = make_job(
        status=JobStatus.RUNNING, attempts=3, heartbeat_at=timezone.now() - timedelta(hours=1)
    )

    with pytest.raises(JobAttemptsExhausted):
        job_claim(job_model=probe_job_model, job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Gave up after 3 attempts: each one stopped before the job finished."
    assert job.finished_at is not None
    assert job_claim(job_model=probe_job_model, job_id=job.pk) is None


def test_the_last_allowed_attempt_still_runs(make_job, probe_job_model, settings):
    settings.JOB_MAX_ATTEMPTS = 3
    job = make_job(
        status=JobStatus.RUNNING, attempts=2, heartbeat_at=timezone.now() - timedelta(hours=1)
    )

    assert job_claim(job_model=probe_job_model, job_id=job.pk).attempts == 3


def test_heartbeat_records_progress_within_bounds(make_job, probe_job_model):
    job = job_claim(job_model=probe_job_model, job_id=make_job().pk)
    before = job.heartbeat_at

    job_heartbeat(job=job, progress=1.7)

    job.refresh_from_db()
    assert job.progress == 1.0
    assert job.heartbeat_at >= before


def test_complete_and_fail(make_job, probe_job_model):
    done = job_claim(job_model=probe_job_model, job_id=make_job().pk)
    broken = job_claim(job_model=probe_job_model, job_id=make_job().pk)

    job_complete(job=done)
    job_fail(job=broken, error="The source table is missing.")

    done.refresh_from_db()
    broken.refresh_from_db()
    assert (done.status, done.progress) == (JobStatus.COMPLETED, 1.0)
    assert (broken.status, broken.error) == (JobStatus.FAILED, "The source table is missing.")
    assert done.finished_at and broken.finished_at


def test_a_failed_job_can_be_retried_and_claimed_again(make_job, probe_job_model):
    job = job_claim(job_model=probe_job_model, job_id=make_job().pk)
    job_fail(job=job, error="Storage was full.")

    job_retry(job=job)
    claimed = job_claim(job_model=probe_job_model, job_id=job.pk)

    assert claimed is not None
    assert (claimed.attempts, claimed.error, claimed.finished_at) == (1, "", None)


def test_a_failure_is_recorded_only_by_the_attempt_that_owns_the_job(make_job, probe_job_model):
    from trustcentre.jobs.services import job_fail_if_still_owned

    job = make_job()
    slow = job_claim(job_model=probe_job_model, job_id=job.pk)
    # The slow attempt is taken for dead: the job is claimed again by a second attempt.
    probe_job_model.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    current = job_claim(job_model=probe_job_model, job_id=job.pk)
    assert current.attempts == 2
    audited = []

    assert not job_fail_if_still_owned(job=slow, error="late", also=lambda: audited.append(1))
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.error == "" and audited == []

    assert job_fail_if_still_owned(job=current, error="disk full", also=lambda: audited.append(2))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "disk full" and audited == [2]
