"""On PostgreSQL, workers racing for the same job: exactly one claim succeeds."""

import threading

import pytest
from django.db import connection

from trustcentre.jobs.services import job_claim

pytestmark = pytest.mark.postgresql

NEEDS_POSTGRESQL = (
    "this race needs PostgreSQL: set DATABASE_URL=postgres://... (see .ci/run), "
    "or deselect it with -m 'not postgresql'"
)


def race(count, action):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(action())
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return results


def test_eight_workers_one_claim(make_job, probe_job_model):
    assert connection.vendor == "postgresql", NEEDS_POSTGRESQL
    job = make_job()

    results = race(8, lambda: job_claim(job_model=probe_job_model, job_id=job.pk))

    assert len(results) == 8
    assert sum(result is not None for result in results) == 1
    job.refresh_from_db()
    assert job.attempts == 1
