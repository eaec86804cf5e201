"""Drill: the broker (Redis) is down at the moment a job is queued, for each kind of job that
used to answer 500 then: an audit export, a rights-request fulfilment, an end-of-contract
erasure. The request that recorded the job still succeeds (the job row is committed in
PostgreSQL); the failed send is a warning in the log; once Redis is back, the requeue sweep
(what beat runs) hands the job to a real worker, which completes it once."""

import logging

import pytest
from django.db import transaction

from exports.end_of_contract import services as end_of_contract
from rights_requests import services as rights_requests
from tests.reliability.conftest import reload, wait_until_completed
from tests.reliability.end_of_contract_setup import leaving_and_staying
from tests.rights_requests.conftest import add_subject_rows, verify_token
from trustcentre.audit.models import AuditExportJob
from trustcentre.jobs.models import JobStatus

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

HEARTBEAT_TIMEOUT = 3


@pytest.fixture
def worker_env(worker_env):
    return {**worker_env, "JOB_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT)}


@pytest.fixture
def broker_down(own_broker, redis_server, settings, caplog):
    """Redis stopped; the sweep in this process treats a job queued 3 s ago as never sent."""
    settings.JOB_HEARTBEAT_TIMEOUT = HEARTBEAT_TIMEOUT
    redis_server.stop(save=False)
    caplog.set_level(logging.WARNING, logger="trustcentre.jobs.queueing")
    return redis_server


def assert_send_failure_was_logged(caplog, description):
    warnings = [r.getMessage() for r in caplog.records if r.name == "trustcentre.jobs.queueing"]
    assert any(description in w and "waits for its sweep" in w for w in warnings), warnings


def finish_after_the_broker_is_back(job, redis_server, start_worker):
    assert reload(job).status == JobStatus.QUEUED
    redis_server.start()
    start_worker()
    wait_until_completed(job, timeout=120, interval=1)
    assert reload(job).attempts == 1


def test_an_audit_export_requested_while_the_broker_is_down(
    broker_down, staff_client, start_worker, caplog
):
    response = staff_client.post("/staff/audit/exports/", {})
    assert response.status_code == 302, response.content[:500]
    job = AuditExportJob.objects.get()
    assert response["Location"] == f"/staff/audit/exports/{job.public_id}/"
    assert_send_failure_was_logged(caplog, f"audit export {job.public_id}")
    finish_after_the_broker_is_back(job, broker_down, start_worker)


def test_a_fulfilment_started_while_the_broker_is_down(
    broker_down, org_a, admin_a, dpo_user, start_worker, caplog
):
    email = "erase.me@example.org"
    add_subject_rows(org_a.tenant_id, email, profiles=1, events=1)
    rights_requests.rights_request_file(
        type="erasure", jurisdiction="eu_gdpr", name="Erase Me", email=email
    )
    rr = rights_requests.rights_request_verify(token=verify_token(email))
    rights_requests.referral_instruct(
        referral=rr.referrals.get(), user=admin_a, instruction="handle_for_us"
    )
    rr.refresh_from_db()
    with transaction.atomic():
        job = rights_requests.fulfilment_start(rr=rr, actor=dpo_user)
    assert_send_failure_was_logged(caplog, f"fulfilment {job.public_id}")
    finish_after_the_broker_is_back(job, broker_down, start_worker)


def test_an_erasure_started_while_the_broker_is_down(broker_down, start_worker, caplog):
    leaving, _staying = leaving_and_staying(leaving_leads=50, staying_leads=10)
    case = end_of_contract.case_open_for_contract_end(organisation=leaving)
    job = end_of_contract.deletion_start(case=case, today=case.deletion_due_on)
    assert_send_failure_was_logged(caplog, f"deletion {job.public_id}")
    finish_after_the_broker_is_back(job, broker_down, start_worker)
