"""The erasure counts again before it certifies: a source that says "none left" while rows
remain (found by the PostgreSQL-restart drill: a batch rolled back after the built-in source's
per-process plan had counted it as done) does not get a certificate over rows still there."""

import datetime
from unittest import mock

import pytest
from django.db import OperationalError

from exports.builtin_source.source import MODELS, BuiltinSource
from exports.end_of_contract import services
from exports.end_of_contract.models import EndOfContractCase
from exports.end_of_contract.services import deletion
from tests.end_of_contract.helpers import tenant_row_counts
from trustcentre.jobs.models import JobStatus

pytestmark = pytest.mark.django_db

D = datetime.date


def open_case(organisation):
    services.cases_open_for_ended_contracts(today=D(2026, 1, 31))
    return EndOfContractCase.objects.get(organisation=organisation)


def test_rows_a_source_missed_are_erased_before_the_certificate(
    ended_org, org_b, customer_data, settings, django_capture_on_commit_callbacks, caplog
):
    settings.END_OF_CONTRACT_DELETION_BATCH_ROWS = 30
    before, other = tenant_row_counts(ended_org.tenant_id), tenant_row_counts(org_b.tenant_id)
    case = open_case(ended_org)
    real = BuiltinSource.delete_batch
    lied = []

    def none_left_too_early(self, *, category_id, **kwargs):
        if category_id == "journey_insights" and not lied:
            lied.append(category_id)  # "none left" while every event is still there
            return 0
        return real(self, category_id=category_id, **kwargs)

    with mock.patch.object(BuiltinSource, "delete_batch", none_left_too_early):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.deletion_start(case=case, today=D(2026, 4, 1))

    job.refresh_from_db()
    assert lied == ["journey_insights"]
    assert job.status == JobStatus.COMPLETED
    assert tenant_row_counts(ended_org.tenant_id) == dict.fromkeys(MODELS, 0)
    assert tenant_row_counts(org_b.tenant_id) == other
    assert job.deleted_counts == before
    facts = EndOfContractCase.objects.get(pk=case.pk).certificate.facts
    assert {c["id"]: c["rows_deleted"] for c in facts["categories"]} == before
    assert "rows left after the erasure" in caplog.text


def test_a_source_that_never_finishes_fails_the_job_instead_of_certifying(
    ended_org, customer_data, settings, django_capture_on_commit_callbacks
):
    case = open_case(ended_org)
    real = BuiltinSource.delete_batch

    def never_deletes_events(self, *, category_id, **kwargs):
        if category_id == "journey_insights":
            return 0
        return real(self, category_id=category_id, **kwargs)

    with mock.patch.object(BuiltinSource, "delete_batch", never_deletes_events):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.deletion_start(case=case, today=D(2026, 4, 1))

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "still there" in job.error
    assert not EndOfContractCase.objects.filter(pk=case.pk, certificate__isnull=False).exists()


@pytest.mark.postgresql
def test_a_batch_rolled_back_after_the_plan_counted_it_is_erased_on_resume(
    ended_org, org_b, legal_user, customer_data, settings, django_capture_on_commit_callbacks
):
    """The drill's defect itself, on PostgreSQL's block-range erasure: the database goes away
    between a batch's DELETE and its commit, and the retry runs in the same process."""
    settings.END_OF_CONTRACT_DELETION_BATCH_ROWS = 7
    before, other = tenant_row_counts(ended_org.tenant_id), tenant_row_counts(org_b.tenant_id)
    case = open_case(ended_org)
    real_record = deletion._record
    calls = {"n": 0}

    def lost_at_the_third_commit(job, **fields):
        if "deleted_counts" in fields:
            calls["n"] += 1
            if calls["n"] == 3:
                raise OperationalError("terminating connection due to administrator command")
        return real_record(job, **fields)

    with mock.patch.object(deletion, "_record", lost_at_the_third_commit):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.deletion_start(case=case, today=D(2026, 4, 1))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        services.deletion_retry(job=job, user=legal_user)
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert tenant_row_counts(ended_org.tenant_id) == dict.fromkeys(MODELS, 0)
    assert tenant_row_counts(org_b.tenant_id) == other
    assert job.deleted_counts == before
