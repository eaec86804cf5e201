"""Erasure through a real Celery worker on Redis and PostgreSQL: the job row reaches
"completed", the subject's rows are gone from every category, other subjects' are untouched,
and running the job's task again (a redelivery) changes nothing."""

import pytest
from django.db import transaction

from exports.builtin_source.models import JourneyEvent, Lead, VisitorProfile
from exports.models import SuppressionEntry
from rights_requests import services
from rights_requests.models import FulfilmentJob
from tests.reliability.conftest import wait_for
from tests.rights_requests.conftest import add_subject_rows
from trustcentre.jobs.models import JobStatus

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

SUBJECT = "erase.me@example.org"


def _totals():
    return Lead.objects.count(), VisitorProfile.objects.count(), JourneyEvent.objects.count()


def test_erasure_job_on_a_real_worker_is_complete_and_idempotent(
    org_a, admin_a, dpo_user, celery_worker, broker_delivery
):
    add_subject_rows(org_a.tenant_id, SUBJECT, profiles=3, events=4)
    add_subject_rows(org_a.tenant_id, "keep.me@example.org", profiles=2, events=2)
    rr = services.rights_request_file(
        type="erasure", jurisdiction="eu_gdpr", name="Erase Me", email=SUBJECT
    )
    from tests.rights_requests.conftest import verify_token

    rr = services.rights_request_verify(token=verify_token(SUBJECT))
    services.referral_instruct(
        referral=rr.referrals.get(), user=admin_a, instruction="handle_for_us"
    )
    rr.refresh_from_db()
    before = _totals()
    with transaction.atomic():
        job = services.fulfilment_start(rr=rr, actor=dpo_user)

    def finished():
        job.refresh_from_db()
        return job.status in (JobStatus.COMPLETED, JobStatus.FAILED)

    wait_for(finished, timeout=60, message="the erasure job to finish")
    assert job.status == JobStatus.COMPLETED, job.error
    assert job.row_counts["acme"]["leads"] == 1
    assert job.row_counts["acme"]["visitor_profiles"] == 3
    assert job.row_counts["acme"]["journey_insights"] == 12
    after = _totals()
    assert (before[0] - after[0], before[1] - after[1], before[2] - after[2]) == (1, 3, 12)
    assert Lead.objects.filter(email="keep.me@example.org").count() == 1
    entries = SuppressionEntry.objects.filter(tenant_id=org_a.tenant_id).count()

    # A redelivered task finds the job finished and does nothing more.
    assert services.fulfilment_run(job_id=job.pk) is None
    assert _totals() == after
    assert SuppressionEntry.objects.filter(tenant_id=org_a.tenant_id).count() == entries
    assert FulfilmentJob.objects.get(pk=job.pk).attempts == 1
