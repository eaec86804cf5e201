"""Drills R1 and R2 for exports: a real worker on Redis and PostgreSQL is killed with SIGKILL in
the middle of an export of 200,000 leads, a new worker (or the same worker's new pool process)
takes the job over, and the result is the result of an uninterrupted run: the same data files
byte for byte, the same row counts, the same manifest apart from ids and times, one "export
ready" email and one export.completed audit event.

Recovery comes from the parts production relies on: the broker redelivers an unacknowledged
task (acks_late, a short visibility timeout) and the requeue sweep (a beat task, called here at
the moment beat would) sends a job whose heartbeat stopped back to the queue."""

import datetime
import hashlib
import json
import os
import random
import re
import signal
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from django.db import connection

from exports.builtin_source.models import SUBJECT_FLAGS, Lead
from exports.models import ExportJob
from exports.services import export_request, export_work_folder
from tests.conftest import make_organisation, make_user
from tests.reliability.conftest import wait_for
from trustcentre.accounts.models import Membership
from trustcentre.audit.models import AuditEvent
from trustcentre.jobs.models import JobStatus
from trustcentre.jobs.tasks import requeue_stalled_jobs
from trustcentre.notifications.models import OutboxMessage

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

LEADS = 200_000
HEARTBEAT_TIMEOUT = 20
# Fields of the manifest that name the job or the time it ran; everything else must be equal.
PER_JOB_MANIFEST_FIELDS = {"export_id", "requested_at", "generated_at"}


@pytest.fixture
def worker_env(worker_env):
    # A task whose worker died comes back after 30 s instead of an hour, and a job without a
    # heartbeat for 20 s counts as abandoned (defaults: 3600 s and 300 s).
    return {
        **worker_env,
        "CELERY_VISIBILITY_TIMEOUT": "30",
        "JOB_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT),
    }


@pytest.fixture
def tenant(settings):
    settings.JOB_HEARTBEAT_TIMEOUT = HEARTBEAT_TIMEOUT  # the sweep runs in this process
    organisation = make_organisation("drill-customer")
    admin = make_user("exporter@drill-customer.test", full_name="Eve Exporter")
    Membership.objects.create(user=admin, organisation=organisation, role=Membership.Role.ADMIN)
    started = time.monotonic()
    write_leads(organisation.tenant_id, LEADS)
    assert Lead.objects.filter(tenant_id=organisation.tenant_id).count() == LEADS
    print(f"{LEADS} leads written in {time.monotonic() - started:.1f} s")
    return organisation, admin


# Data ------------------------------------------------------------------------------------------

FIRST = ["Anna", "Zoë", "Łukasz", "Søren", "François", "Ana María", "Jürgen", "Niamh"]
LAST = ["O'Brien", "Müller", "van der Berg", "Ó Súilleabháin", 'Smith "Smithy"', "Nowak"]
COMPANIES = ["Nordlicht GmbH", "Blue Harbour, Ltd", 'Cedar "&" Partner', "Łódź Tech Sp. z o.o."]
TITLES = ["CTO", "Head of\nMarketing", 'IT Lead, "Cloud"', "=1+1", None]
PLACES = [("DE", "Berlin", "Berlin"), ("FR", "Paris", "Île-de-France"), ("PL", "Kraków", None)]
ANCHOR = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def write_leads(tenant_id, count: int, seed: int = 1) -> None:
    """`count` leads of one tenant, the same for the same seed, with the text real data holds
    (commas, quotes, line breaks, non-ASCII letters, empty values). COPY FROM: seconds, not
    minutes (the drills run on PostgreSQL only)."""
    rng = random.Random(seed)
    # The data subject's flags (restriction, objection, suppression) keep their database
    # default, false, as imported data has them.
    flags = set(SUBJECT_FLAGS)
    columns = [field.column for field in Lead._meta.concrete_fields if field.column not in flags]
    table = connection.ops.quote_name(Lead._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for number in range(count):
            created = ANCHOR - datetime.timedelta(seconds=rng.randrange(365 * 86400))
            country, city, region = rng.choice(PLACES)
            first, last = rng.choice(FIRST), rng.choice(LAST)
            row = {
                "contact_id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "tenant_id": tenant_id,
                "first_name": first,
                "last_name": last,
                "email": f"lead{number}@example.com" if rng.random() < 0.95 else None,
                "phone": f"+49{rng.randrange(10**9, 10**10)}" if rng.random() < 0.7 else None,
                "company": rng.choice(COMPANIES),
                "job_title": rng.choice(TITLES),
                "country": country,
                "ip_network": f"198.18.{rng.randrange(256)}.0/24",
                "city": city,
                "region": region,
                "consent_marketing": rng.random() < 0.4,
                "consent_recorded_at": created + datetime.timedelta(hours=1)
                if rng.random() < 0.5
                else None,
                "lead_score": rng.randrange(101),
                "page_views": rng.randrange(1, 250),
                "last_seen_at": created + datetime.timedelta(days=rng.randrange(60)),
                "created_at": created,
                "updated_at": created + datetime.timedelta(microseconds=rng.randrange(10**6)),
            }
            copy.write_row([row[column] for column in columns])


# Steps -----------------------------------------------------------------------------------------


def start_export(organisation, admin, format: str) -> ExportJob:
    # export_request commits and sends run_export through Redis (broker_delivery) on commit.
    return export_request(
        organisation=organisation, user=admin, categories=["leads"], format=format
    )


def reload(job: ExportJob) -> ExportJob:
    job.refresh_from_db()
    return job


def wait_until_completed(job: ExportJob, *, timeout: float) -> ExportJob:
    def finished():
        reload(job)
        if job.status == JobStatus.FAILED:
            pytest.fail(f"the export failed: {job.error}")
        return job.status == JobStatus.COMPLETED

    wait_for(finished, timeout=timeout, interval=0.5, message="the export to complete")
    return job


def wait_until_mid_export(job: ExportJob, clean_job: ExportJob) -> str:
    """Poll until the export is between 20 % and 80 % done: by the job's progress, or by the
    size of its file in the work folder against the clean run's file. A writer that streams a
    COPY reports progress only at the end of the file; the file's size shows it is under way."""
    clean_bytes = clean_job.files[0]["stored_bytes"]
    work_file = export_work_folder(job) / clean_job.files[0]["stored_as"]

    def where():
        reload(job)
        if job.status != JobStatus.RUNNING:
            return None
        try:
            written = work_file.stat().st_size / clean_bytes
        except FileNotFoundError:
            written = 0.0
        fraction = max(job.progress, written)
        return f"{fraction:.2f}" if 0.2 <= fraction <= 0.8 else None

    return wait_for(where, timeout=60, interval=0.02, message="the export to be 20-80 % done")


def sweep_until_completed(job: ExportJob, *, timeout: float) -> None:
    """What beat does every two minutes, done every few seconds: once the dead attempt's
    heartbeat is older than the timeout, the job goes back to the queue."""
    deadline = time.monotonic() + timeout
    while reload(job).status != JobStatus.COMPLETED:
        if job.status == JobStatus.FAILED:
            pytest.fail(f"the export failed after the crash: {job.error}")
        if time.monotonic() > deadline:
            pytest.fail(
                f"the export did not complete within {timeout} s of the crash ({job.status})"
            )
        requeue_stalled_jobs()
        time.sleep(2)


def pool_children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(child) for child in (task / "children").read_text().split()]
    return children


def archive_of(job: ExportJob, settings) -> tuple[dict, dict[str, str]]:
    """The delivered zip's manifest, and the SHA-256 of each data file as read from the zip."""
    path = Path(settings.PRIVATE_FILES_ROOT) / job.archive_name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == job.sha256
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        digests = {
            entry["name"]: hashlib.sha256(archive.read(entry["name"])).hexdigest()
            for entry in manifest["files"]
        }
    return manifest, digests


def assert_same_result(job: ExportJob, clean_job: ExportJob, settings) -> None:
    assert job.row_counts == clean_job.row_counts == {"leads": LEADS}
    assert job.rows_written == LEADS
    assert [(f["name"], f["rows"], f["bytes"], f["sha256"]) for f in job.files] == [
        (f["name"], f["rows"], f["bytes"], f["sha256"]) for f in clean_job.files
    ]
    manifest, digests = archive_of(job, settings)
    clean_manifest, clean_digests = archive_of(clean_job, settings)
    assert digests == clean_digests
    assert digests == {f["name"]: f["sha256"] for f in manifest["files"]}
    assert {k: v for k, v in manifest.items() if k not in PER_JOB_MANIFEST_FIELDS} == {
        k: v for k, v in clean_manifest.items() if k not in PER_JOB_MANIFEST_FIELDS
    }
    assert 2 <= job.attempts <= 3
    completed = AuditEvent.objects.filter(action="export.completed", object_id=str(job.public_id))
    assert completed.count() == 1


def assert_one_ready_email(job: ExportJob, admin, smtp_sink) -> None:
    outbox = OutboxMessage.objects.filter(cause=f"export-ready:{job.public_id}")
    assert outbox.count() == 1
    message = outbox.get()
    assert message.to_email == admin.email
    wait_for(
        lambda: reload(message).status == OutboxMessage.Status.SENT,
        timeout=60,
        message="the ready email to be sent",
    )
    about_this_job = [
        received.message_id
        for received in smtp_sink.received
        if str(job.public_id).encode() in received.raw
    ]
    assert about_this_job == [message.message_id]


# Drills ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["json", "csv"])
def test_worker_killed_mid_export_finishes_like_an_uninterrupted_run(
    format, tenant, start_worker, broker_delivery, smtp_sink, settings
):
    """R1: kill -9 of the whole worker (main process and pool) half-way through the file."""
    organisation, admin = tenant
    worker = start_worker()
    clean_job = wait_until_completed(start_export(organisation, admin, format), timeout=120)
    assert clean_job.attempts == 1

    job = start_export(organisation, admin, format)
    reached = wait_until_mid_export(job, clean_job)
    worker.kill()
    reload(job)
    print(f"killed the worker at {reached} of the file; job {job.status}, attempt {job.attempts}")
    assert job.status == JobStatus.RUNNING  # the crash left it claimed, as a crash does
    assert job.files == []  # the only unit was not finished

    start_worker()
    sweep_until_completed(job, timeout=120)

    assert_same_result(job, clean_job, settings)
    assert_one_ready_email(job, admin, smtp_sink)
    assert not export_work_folder(job).exists()  # the resumed attempt cleaned up after itself


def test_pool_process_killed_mid_export_is_taken_over(
    tenant, start_worker, broker_delivery, smtp_sink, settings
):
    """R2: SIGKILL of the pool process running the task; the worker itself lives on. The task
    is handed back to the broker at once (task_reject_on_worker_lost) and the job resumes."""
    organisation, admin = tenant
    worker = start_worker()
    clean_job = wait_until_completed(start_export(organisation, admin, "json"), timeout=120)

    job = start_export(organisation, admin, "json")
    wait_until_mid_export(job, clean_job)
    (child,) = pool_children(worker.process.pid)
    os.kill(child, signal.SIGKILL)

    sweep_until_completed(job, timeout=120)
    log = worker.log_text()
    assert "signal 9 (SIGKILL)" in log
    assert worker.process.poll() is None  # the same worker, with a new pool process
    # The lost task went straight back to the queue and was received a second time. (That
    # second delivery finds the job's heartbeat still fresh and leaves it: the job resumes
    # once the sweep sees the heartbeat stop, JOB_HEARTBEAT_TIMEOUT later.)
    received = re.findall(r"Task exports\.tasks\.run_export\[([0-9a-f-]+)\] received", log)
    assert len(received) > len(set(received))
    assert_same_result(job, clean_job, settings)
    assert_one_ready_email(job, admin, smtp_sink)
