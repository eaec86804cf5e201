"""Drill for end-of-contract erasure: a real worker on Redis and PostgreSQL is killed with
SIGKILL in the middle of deleting a tenant's 200,000 rows; a new worker takes the job over
(the requeue sweep, as beat runs it) and the result is that of an uninterrupted run: every
row of the tenant gone, the counts on the certificate equal to the rows there were, the
other tenant untouched, one certificate, one "deleted" email, one completion event.

The counts are right because each batch's DELETE and the count it adds commit together: at
the moment of the kill, what the job row says is deleted is exactly what is gone."""

import hashlib
import io
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from exports.builtin_source.source import MODELS
from exports.end_of_contract import services
from exports.end_of_contract.models import DeletionCertificate, DeletionJob
from tests.end_of_contract.helpers import tenant_row_counts
from tests.reliability.conftest import reload, wait_for, wait_until_completed
from tests.reliability.end_of_contract_setup import leaving_and_staying
from trustcentre.accounts.models import Organisation
from trustcentre.audit.models import AuditEvent
from trustcentre.jobs.models import JobStatus
from trustcentre.notifications.models import OutboxMessage

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

LEADS = 23_400  # with their profiles, events and organisations: about 200,000 rows
HEARTBEAT_TIMEOUT = 20


@pytest.fixture
def worker_env(worker_env):
    # A lost task comes back after 30 s, a job without heartbeat for 20 s is abandoned, and
    # small batches make the erasure last long enough to be interrupted.
    return {
        **worker_env,
        "CELERY_VISIBILITY_TIMEOUT": "30",
        "JOB_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT),
        "END_OF_CONTRACT_DELETION_BATCH_ROWS": "400",
    }


@pytest.fixture
def tenants(settings):
    settings.JOB_HEARTBEAT_TIMEOUT = HEARTBEAT_TIMEOUT  # the sweep runs in this process
    started = time.monotonic()
    leaving, staying = leaving_and_staying(leaving_leads=LEADS, staying_leads=600)
    before = tenant_row_counts(leaving.tenant_id)
    print(f"{sum(before.values())} rows written in {time.monotonic() - started:.1f} s: {before}")
    assert sum(before.values()) >= 200_000
    return leaving, staying, before


def test_worker_killed_mid_erasure_finishes_with_the_right_certificate(
    tenants, start_worker, broker_delivery, smtp_sink, settings
):
    leaving, staying, before = tenants
    staying_before = tenant_row_counts(staying.tenant_id)
    worker = start_worker()
    case = services.case_open_for_contract_end(organisation=leaving)
    # deletion_start commits and sends run_deletion through Redis on commit.
    job = services.deletion_start(case=case, today=case.deletion_due_on)

    def mid_erasure():
        reload(job)
        if job.status == JobStatus.FAILED:
            pytest.fail(f"the erasure failed: {job.error}")
        return 0.15 <= job.progress <= 0.8 and job.status == JobStatus.RUNNING

    wait_for(mid_erasure, timeout=120, interval=0.02, message="the erasure to be 15-80 % done")
    worker.kill()
    reload(job)
    now = tenant_row_counts(leaving.tenant_id)
    print(f"killed at {job.progress:.2f}: deleted {job.deleted_counts}, left {now}")
    assert job.status == JobStatus.RUNNING  # left claimed, as a crash leaves it
    # What the job row says is gone is exactly what is gone, category by category.
    for category, rows in before.items():
        assert now[category] + job.deleted_counts.get(category, 0) == rows, category
    assert 0 < sum(now.values()) < sum(before.values())

    start_worker()
    wait_until_completed(job, timeout=180, interval=2)

    assert 2 <= job.attempts <= 3
    assert tenant_row_counts(leaving.tenant_id) == dict.fromkeys(MODELS, 0)
    assert tenant_row_counts(staying.tenant_id) == staying_before
    assert job.deleted_counts == before
    assert job.expected_counts == before

    certificate = DeletionCertificate.objects.get(case=case)
    assert DeletionJob.objects.filter(case=case).count() == 1
    path = Path(settings.PRIVATE_FILES_ROOT) / certificate.file_name
    content = path.read_bytes()
    assert hashlib.sha256(content).hexdigest() == certificate.sha256
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    for category, rows in before.items():
        assert f"{rows} {rows}" in text.replace("\n", " "), category  # found, then deleted
    assert {c["id"]: c["rows_deleted"] for c in certificate.facts["categories"]} == before

    leaving.refresh_from_db()
    assert leaving.kind == Organisation.Kind.FORMER_CUSTOMER
    assert (
        AuditEvent.objects.filter(
            action="end_of_contract.deletion_completed", object_id=str(job.public_id)
        ).count()
        == 1
    )
    assert OutboxMessage.objects.filter(cause=f"eoc-deleted:{case.public_id}").count() == 1
    wait_for(
        lambda: any(certificate.sha256.encode() in m.raw for m in smtp_sink.received),
        timeout=60,
        message="the 'data erased' email with the certificate's SHA-256",
    )
