"""A whole case with time travel, from the customer's choice to the countersigned certificate:
every category erased except the one on hold, the other tenant untouched, the certificate's
text (read with pypdf) listing the counts and the hold, its SHA-256 recorded."""

import datetime
import hashlib
import io
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from exports.builtin_source.source import MODELS, BuiltinSource
from exports.end_of_contract import services
from exports.end_of_contract.models import CaseStatus, DeletionJob, EndOfContractCase
from tests.end_of_contract.helpers import tenant_row_counts
from trustcentre.accounts.models import Organisation
from trustcentre.audit.models import AuditEvent
from trustcentre.jobs.models import JobStatus
from trustcentre.lib.moments import format_day
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

D = datetime.date


def pdf_text(name: str) -> str:
    with default_storage.open(name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_whole_case_from_choice_to_certificate(
    ended_org,
    admin_a,
    org_b,
    legal_user,
    customer_data,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.END_OF_CONTRACT_DELETION_BATCH_ROWS = 25  # many batches
    settings.END_OF_CONTRACT_BACKUP_RETENTION_DAYS = 35
    before_a, before_b = tenant_row_counts(ended_org.tenant_id), tenant_row_counts(org_b.tenant_id)
    assert all(before_a.values()) and all(before_b.values())

    # 31 January: the beat opens the case; 2 February: the admin chooses.
    services.cases_open_for_ended_contracts(today=D(2026, 1, 31))
    case = EndOfContractCase.objects.get(organisation=ended_org)
    services.case_choose(case=case, user=admin_a, choice="return_then_delete", today=D(2026, 2, 2))
    hold = services.hold_place(
        case=case,
        user=legal_user,
        category="organisation_profiles",
        reason="Dispute 2026-114 pending",
    )

    # 2 March: the transition ends; retrieval starts with an email saying how to export.
    assert services.cases_advance(today=D(2026, 3, 1)) == 0
    assert services.cases_advance(today=D(2026, 3, 2)) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.RETRIEVAL
    retrieval_mail = OutboxMessage.objects.get(cause=f"eoc-retrieval:{case.public_id}")
    assert "/portal/exports/acme/" in retrieval_mail.body_text

    # Reminders 7 days and 1 day before the erasure on 1 April, once each.
    for day in (D(2026, 3, 24), D(2026, 3, 25), D(2026, 3, 26), D(2026, 3, 31), D(2026, 3, 31)):
        services.reminders_send(today=day)
    reminders = OutboxMessage.objects.filter(cause__startswith="eoc-reminder").order_by("cause")
    assert [m.subject for m in reminders] == [
        "The data of Acme is erased in 1 day",
        "The data of Acme is erased in 7 days",
    ]

    # 31 March: not due yet. 1 April: the erasure runs (eager Celery, after commit).
    assert services.deletions_start_due(today=D(2026, 3, 31)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deletions_start_due(today=D(2026, 4, 1)) == 1
    job = DeletionJob.objects.get(case=case)
    assert job.status == JobStatus.COMPLETED, job.error

    after_a = tenant_row_counts(ended_org.tenant_id)
    assert after_a == {
        **dict.fromkeys(MODELS, 0),
        "organisation_profiles": before_a["organisation_profiles"],
    }
    assert tenant_row_counts(org_b.tenant_id) == before_b
    assert job.deleted_counts == {k: v for k, v in before_a.items() if k != "organisation_profiles"}
    assert job.held_categories == ["organisation_profiles"]

    case.refresh_from_db()
    ended_org.refresh_from_db()
    assert case.status == CaseStatus.DELETED
    assert ended_org.kind == Organisation.Kind.FORMER_CUSTOMER
    certificate = case.certificate
    with default_storage.open(certificate.file_name, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == certificate.sha256
    text = pdf_text(certificate.file_name)
    assert "Deletion certificate" in text and "Acme" in text
    for category, rows in before_a.items():
        assert str(rows) in text, category
    assert "Dispute 2026-114 pending" in text
    assert certificate.content_sha256 in text.replace("\n", "")
    assert (
        certificate.backups_overwritten_by
        == certificate.rendered_at.date() + datetime.timedelta(days=35)
    )
    assert format_day(certificate.backups_overwritten_by) in text

    done = OutboxMessage.objects.get(cause=f"eoc-deleted:{case.public_id}")
    assert certificate.sha256 in done.body_text and "Dispute 2026-114 pending" in done.body_text
    actions = set(
        AuditEvent.objects.filter(organisation=ended_org).values_list("action", flat=True)
    )
    assert {
        "end_of_contract.opened",
        "end_of_contract.choice_recorded",
        "end_of_contract.hold_placed",
        "end_of_contract.retrieval_started",
        "end_of_contract.deletion_started",
        "end_of_contract.deletion_completed",
        "organisation.kind_changed",
    } <= actions

    # Legal countersigns; running the job again changes nothing and renders nothing.
    services.certificate_countersign(certificate=certificate, user=legal_user)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    with mock.patch("exports.end_of_contract.services.deletion.render_certificate_pdf") as render:
        assert services.deletion_run(job_id=job.pk) is None
    render.assert_not_called()
    assert hold.case_id == case.pk


def test_a_failed_erasure_resumes_from_the_recorded_counts(
    ended_org, legal_user, customer_data, settings, django_capture_on_commit_callbacks
):
    settings.END_OF_CONTRACT_DELETION_BATCH_ROWS = 30
    before = tenant_row_counts(ended_org.tenant_id)
    services.cases_open_for_ended_contracts(today=D(2026, 1, 31))
    case = EndOfContractCase.objects.get(organisation=ended_org)

    real = BuiltinSource.delete_batch
    calls = {"n": 0}

    def crash_on_the_fourth(self, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise ConnectionError("database went away")
        return real(self, **kwargs)

    with mock.patch.object(BuiltinSource, "delete_batch", crash_on_the_fourth):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.deletion_start(case=case, today=D(2026, 4, 1))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "database went away" in job.error
    left = sum(tenant_row_counts(ended_org.tenant_id).values())
    assert 0 < job.rows_deleted == sum(before.values()) - left

    with django_capture_on_commit_callbacks(execute=True):
        services.deletion_retry(job=job, user=legal_user)
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert job.deleted_counts == before
    assert tenant_row_counts(ended_org.tenant_id) == dict.fromkeys(MODELS, 0)
    assert (
        case.__class__.objects.get(pk=case.pk).certificate.facts["categories"][0]["rows_deleted"]
        == before["organisation_profiles"]
    )
