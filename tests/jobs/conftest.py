"""A concrete job of the tests' own, so the job core is tested without any domain's rules.

The model lives in an isolated app registry (no migration, invisible to the rest of the suite)
and its table exists only during the test; creating a table needs a test outside a transaction
(SQLite's schema editor refuses inside one), hence `transactional_db`."""

import pytest
from celery import shared_task
from django.db import connection, models
from django.test.utils import isolate_apps

from trustcentre.jobs.models import BackgroundJob

# Job ids the probe task was asked to run, in order.
PROBE_RUNS: list[int] = []


@shared_task(name="tests.jobs.run_probe_job")
def run_probe_job(job_id: int) -> None:
    PROBE_RUNS.append(job_id)


with isolate_apps("trustcentre.jobs"):

    class ProbeJob(BackgroundJob):
        task_name = "tests.jobs.run_probe_job"
        label = models.CharField(max_length=50, blank=True)

        class Meta(BackgroundJob.Meta):
            app_label = "jobs"
            db_table = "tests_jobs_probe_job"


@pytest.fixture
def probe_job_model(transactional_db):
    with connection.schema_editor() as editor:
        editor.create_model(ProbeJob)
    PROBE_RUNS.clear()
    yield ProbeJob
    PROBE_RUNS.clear()
    with connection.schema_editor() as editor:
        editor.delete_model(ProbeJob)


@pytest.fixture
def make_job(probe_job_model):
    counter = iter(range(1, 10_000))

    def make(**fields):
        return probe_job_model.objects.create(idempotency_key=f"probe:{next(counter)}", **fields)

    return make
