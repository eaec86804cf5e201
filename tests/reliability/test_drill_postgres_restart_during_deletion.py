"""R5 drills: PostgreSQL is restarted (a fast shutdown: every session ended, open transactions
rolled back, then a few seconds with the port closed) while a real worker erases a leaving
customer's rows, and while the site serves pages.

The erasure must resume and complete with the counts of an uninterrupted run:
every row of the tenant gone, the certificate's "found" and "deleted" equal to the rows there
were, the other tenant untouched, one certificate, one completion event, one email.

The web: the site under gunicorn (production settings, persistent connections kept 60 s) has
served a page, so it holds a connection the restart kills; the first request after PostgreSQL
is back must not be a 5xx (settings' conn_health_checks: Django tests the connection at the
start of the request and opens a new one).

The shared PostgreSQL server is never touched: the drill copies the test database into a
throwaway cluster of its own on a free port, and the worker and this process use that one."""

import hashlib
import io
import time
from pathlib import Path

import pytest
from django.db import connection
from pypdf import PdfReader

from exports.builtin_source.source import MODELS
from exports.end_of_contract import services
from exports.end_of_contract.models import DeletionCertificate, DeletionJob
from tests.end_of_contract.helpers import tenant_row_counts
from tests.reliability.conftest import reload, wait_for, wait_until_completed
from tests.reliability.end_of_contract_setup import leaving_and_staying
from tests.reliability.servers import WebServer, django_database, wait_until_reachable
from trustcentre.accounts.models import Organisation
from trustcentre.audit.models import AuditEvent
from trustcentre.jobs.models import JobStatus
from trustcentre.notifications.models import OutboxMessage

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

LEADS = 2_500  # with profiles, events and organisations: about 20,000 rows
HEARTBEAT_TIMEOUT = 10
OUTAGE_SECONDS = 5
DATABASE = "drill"


@pytest.fixture
def drill_database(postgres_cluster, transactional_db):
    """The test database copied into the drill's own cluster; this process works there."""
    postgres_cluster.copy_database_from(connection.settings_dict, DATABASE)
    with django_database(postgres_cluster, DATABASE):
        yield postgres_cluster


@pytest.fixture
def worker_env(worker_env, drill_database):
    # The worker uses the drill's cluster; a job without heartbeat for 10 s counts as abandoned,
    # and small batches make the erasure last long enough to be interrupted.
    return {
        **worker_env,
        "DATABASE_URL": drill_database.url(DATABASE),
        "CELERY_VISIBILITY_TIMEOUT": "30",
        "JOB_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT),
        "END_OF_CONTRACT_DELETION_BATCH_ROWS": "100",
    }


@pytest.fixture
def tenants(drill_database, settings):
    settings.JOB_HEARTBEAT_TIMEOUT = HEARTBEAT_TIMEOUT  # the sweep runs in this process
    leaving, staying = leaving_and_staying(leaving_leads=LEADS, staying_leads=300)
    return (
        leaving,
        staying,
        tenant_row_counts(leaving.tenant_id),
        tenant_row_counts(staying.tenant_id),
    )


def test_postgres_restarted_mid_erasure_completes_with_the_right_counts(
    drill_database, tenants, empty_queues, start_worker, smtp_sink, settings
):
    leaving, staying, before, staying_before = tenants
    worker = start_worker()
    case = services.case_open_for_contract_end(organisation=leaving)
    job = services.deletion_start(case=case, today=case.deletion_due_on)

    def mid_erasure():
        reload(job)
        if job.status == JobStatus.FAILED:
            pytest.fail(f"the erasure failed: {job.error}")
        return 0.1 <= job.progress <= 0.6 and job.status == JobStatus.RUNNING

    wait_for(mid_erasure, timeout=90, interval=0.02, message="the erasure to be 10-60 % done")

    connection.close()
    drill_database.stop(mode="fast")
    stopped_at = time.monotonic()
    time.sleep(OUTAGE_SECONDS)
    drill_database.start()
    wait_until_reachable()
    print(f"PostgreSQL was down for {time.monotonic() - stopped_at:.1f} s")

    reload(job)
    print(f"after the restart: {job.status}, {job.progress:.2f}, deleted {job.deleted_counts}")
    left = tenant_row_counts(leaving.tenant_id)
    # Each batch's DELETE and its count committed together: nothing is lost from the tally.
    for category, rows in before.items():
        assert left[category] + job.deleted_counts.get(category, 0) == rows, category
    assert 0 < sum(left.values()) < sum(before.values()), "the restart missed the erasure"

    wait_until_completed(job, timeout=90, interval=1)

    assert tenant_row_counts(leaving.tenant_id) == dict.fromkeys(MODELS, 0)
    assert tenant_row_counts(staying.tenant_id) == staying_before
    assert job.expected_counts == before
    assert job.deleted_counts == before
    assert job.attempts <= 2

    certificate = DeletionCertificate.objects.get(case=case)
    assert DeletionJob.objects.filter(case=case).count() == 1
    assert {c["id"]: c["rows_found"] for c in certificate.facts["categories"]} == before
    assert {c["id"]: c["rows_deleted"] for c in certificate.facts["categories"]} == before
    content = (Path(settings.PRIVATE_FILES_ROOT) / certificate.file_name).read_bytes()
    assert hashlib.sha256(content).hexdigest() == certificate.sha256
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    for category, rows in before.items():
        assert f"{rows} {rows}" in text.replace("\n", " "), category  # found, then deleted

    case.refresh_from_db()
    leaving.refresh_from_db()
    assert case.status == "deleted"
    assert leaving.kind == Organisation.Kind.FORMER_CUSTOMER
    completed = AuditEvent.objects.filter(
        action="end_of_contract.deletion_completed", object_id=str(job.public_id)
    )
    assert completed.count() == 1
    assert not AuditEvent.objects.filter(action="end_of_contract.deletion_failed").exists()
    (email,) = OutboxMessage.objects.filter(cause=f"eoc-deleted:{case.public_id}")
    wait_for(
        lambda: email.message_id in smtp_sink.message_ids(),
        timeout=60,
        message="the 'data erased' email",
    )
    time.sleep(1)
    assert smtp_sink.message_ids().count(email.message_id) == 1
    assert worker.process.poll() is None, "the worker died with the database"


@pytest.fixture
def web_server(worker_env, tmp_path):
    """The site on the drill's cluster, with the same environment as the worker."""
    # 60 s is the settings' default; named here so the drill keeps meaning it.
    server = WebServer({**worker_env, "DATABASE_CONN_MAX_AGE": "60"}, tmp_path)
    server.start()
    yield server
    server.stop()


def web_connections(cluster) -> int:
    """Sessions on the drill's database but psql's own (this process closes its one first)."""
    return int(
        cluster.psql(
            DATABASE,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
        )
    )


def test_first_web_request_after_a_postgres_restart_is_not_an_error(drill_database, web_server):
    for path in ("/subprocessors/", "/healthz"):
        response = web_server.get(path)
        assert response.status_code == 200, (path, response.text[:1000])
    connection.close()
    assert web_connections(drill_database) == 1, "the web process keeps no connection open"

    drill_database.stop(mode="fast")
    time.sleep(OUTAGE_SECONDS)
    drill_database.start()
    assert web_connections(drill_database) == 0  # the one it kept died with the server

    response = web_server.get("/subprocessors/")  # the first request after the restart
    assert response.status_code < 500, f"{response.status_code}:\n{web_server.log_text()[-4000:]}"
    assert response.status_code == 200
    assert b"<html" in response.content.lower()
    health = web_server.get("/healthz")
    assert health.status_code == 200, health.text
    assert health.json()["checks"]["database"] == "ok"
    assert web_server.process.poll() is None
