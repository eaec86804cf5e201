"""On PostgreSQL a category streams through one COPY, during which the worker's connection can
run no other query; the progress bar must still move while it runs, not jump at its end."""

import threading
import time

import pytest
from django.db import connection, connections

from exports.builtin_source import source as builtin_source
from exports.builtin_source.sample_data import generate_sample_data
from exports.models import ExportJob
from exports.services import export_request, running
from exports.services.running import export_run
from trustcentre.jobs.models import JobStatus

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

LEADS = 4000


def test_progress_moves_while_one_category_streams_through_copy(
    org_a, admin_a, export_storage, monkeypatch
):
    assert connection.vendor == "postgresql", "run with DATABASE_URL=postgres://..."
    generate_sample_data(tenant_id=org_a.tenant_id, leads=LEADS, seed=7)
    # Small blocks, each a little slow, and frequent progress writes: the COPY of the one
    # category takes about a second and a half, long enough to watch.
    monkeypatch.setattr(builtin_source, "COPY_BLOCK_ROWS", 100)
    monkeypatch.setattr(running, "BACKGROUND_PROGRESS_SECONDS", 0.05)
    real_crlf = builtin_source.crlf_records

    def slow_crlf(records):
        time.sleep(0.04)
        return real_crlf(records)

    monkeypatch.setattr(builtin_source, "crlf_records", slow_crlf)
    monkeypatch.setattr(running, "_enqueue_ready_email", lambda job: None)
    monkeypatch.setattr("exports.services.requesting.transaction.on_commit", lambda f: None)
    job = export_request(organisation=org_a, user=admin_a, categories=["leads"], format="csv")

    seen: list[tuple[str, float, int]] = []
    done = threading.Event()

    def watch():
        # What the portal's status page would read, from a connection of its own.
        try:
            while not done.is_set():
                row = ExportJob.objects.values_list("status", "progress", "rows_written").get(
                    pk=job.pk
                )
                seen.append(row)
                time.sleep(0.02)
        finally:
            connections.close_all()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        export_run(job_id=job.pk)
    finally:
        done.set()
        watcher.join()

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED and job.row_counts == {"leads": LEADS}
    during = {
        rows for status, progress, rows in seen if status == JobStatus.RUNNING and 0 < rows < LEADS
    }
    # Several distinct counts part-way through the single category, each a whole number of
    # blocks, all below the total: the bar moved during the COPY.
    assert len(during) >= 3, seen[-5:]
    assert all(rows % 100 == 0 for rows in during)
    progresses = [p for status, p, rows in seen if status == JobStatus.RUNNING and rows]
    assert progresses == sorted(progresses) and max(progresses) < 1
