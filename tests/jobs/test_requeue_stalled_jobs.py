"""requeue_stalled_jobs: the beat task that sends jobs of dead workers to the queue again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.jobs.conftest import PROBE_RUNS
from trustcentre.jobs import tasks
from trustcentre.jobs.models import JobStatus
from trustcentre.jobs.services import concrete_job_models, job_claim


@pytest.fixture
def only_probe_jobs(monkeypatch, probe_job_model):
    """The probe model lives outside the app registry, so discovery is pointed at it."""
    monkeypatch.setattr(tasks, "concrete_job_models", lambda: [probe_job_model])


def test_resends_stalled_jobs_and_only_those(make_job, only_probe_jobs, settings):
    settings.JOB_HEARTBEAT_TIMEOUT = 300
    long_ago = timezone.now() - timedelta(minutes=10)
    dead_worker = make_job(status=JobStatus.RUNNING, attempts=1, heartbeat_at=long_ago)
    never_picked_up = make_job(created_at=long_ago)
    make_job(status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now())  # alive
    make_job()  # just queued
    make_job(status=JobStatus.COMPLETED, created_at=long_ago)
    make_job(status=JobStatus.FAILED, created_at=long_ago)

    assert tasks.requeue_stalled_jobs() == 2

    assert sorted(PROBE_RUNS) == sorted([dead_worker.pk, never_picked_up.pk])


def test_a_requeued_job_is_taken_over_once(make_job, only_probe_jobs, probe_job_model, settings):
    settings.JOB_HEARTBEAT_TIMEOUT = 300
    job = make_job(
        status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now() - timedelta(minutes=10)
    )

    tasks.requeue_stalled_jobs()
    tasks.requeue_stalled_jobs()  # beat fired again before a worker took it

    assert PROBE_RUNS == [job.pk, job.pk]
    assert job_claim(job_model=probe_job_model, job_id=job.pk) is not None
    assert job_claim(job_model=probe_job_model, job_id=job.pk) is None


def test_every_concrete_job_names_a_registered_task():
    """A job whose task does not exist could never be resumed after a crash."""
    from trustcentre.celery import app

    app.loader.import_default_modules()
    for job_model in concrete_job_models():
        assert job_model.task_name in app.tasks, job_model._meta.label
