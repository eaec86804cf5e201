"""Requesting an export: bad input is refused with a clear message and no job; one export at
a time per organisation; the job goes to the "exports" queue once the request commits."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from exports.models import ExportJob
from exports.services import ExportAlreadyRunning, export_request
from trustcentre.audit.models import AuditEvent
from trustcentre.jobs.models import JobStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        ({"categories": ["leads", "payroll"]}, "categories", "Unknown category: payroll."),
        ({"categories": []}, "categories", "Choose at least one category"),
        ({"categories": "leads"}, "categories", "Choose at least one category"),
        ({"format": "pdf"}, "format", "Unknown format: pdf."),
        (
            {"date_from": datetime.date(2026, 3, 2), "date_to": datetime.date(2026, 3, 1)},
            "date_to",
            "The period ends before it starts.",
        ),
        (
            {"date_from": datetime.date(2025, 1, 1), "date_to": datetime.date(2026, 1, 2)},
            "date_to",
            "The period is 367 days long; an export covers at most 366 days.",
        ),
    ],
)
def test_bad_input_gets_a_clear_error_and_no_job(org_a, admin_a, options, field, message):
    request = {"categories": ["leads"], "format": "csv", **options}
    with pytest.raises(ValidationError) as raised:
        export_request(organisation=org_a, user=admin_a, **request)
    assert message in " ".join(raised.value.message_dict[field])
    assert not ExportJob.objects.exists()
    assert not AuditEvent.objects.filter(action="export.requested").exists()


def test_a_period_of_exactly_the_maximum_is_accepted(org_a, admin_a, settings):
    settings.EXPORT_MAX_PERIOD_DAYS = 31
    job = export_request(
        organisation=org_a,
        user=admin_a,
        categories=["leads"],
        format="json",
        date_from=datetime.date(2026, 1, 1),
        date_to=datetime.date(2026, 1, 31),
    )
    assert job.date_from == datetime.date(2026, 1, 1) and job.date_to == datetime.date(2026, 1, 31)


def test_categories_are_kept_in_the_registers_order_without_repeats(org_a, admin_a):
    job = export_request(
        organisation=org_a,
        user=admin_a,
        categories=["organisation_profiles", "leads", "leads"],
        format="xlsx",
    )
    assert job.categories == ["leads", "organisation_profiles"]


def test_the_request_is_audited_and_queued_on_the_exports_queue(
    org_a, admin_a, django_capture_on_commit_callbacks, monkeypatch
):
    from exports import tasks

    sent = []
    monkeypatch.setattr(tasks.run_export, "delay", lambda job_id: sent.append(job_id))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = export_request(organisation=org_a, user=admin_a, categories=["leads"], format="csv")
    # Nothing is sent before the transaction commits.
    assert sent == []
    for callback in callbacks:
        callback()
    assert sent == [job.pk]
    assert job.status == JobStatus.QUEUED and job.requested_by == admin_a
    event = AuditEvent.objects.get(action="export.requested")
    assert event.object_id == str(job.public_id) and event.actor == admin_a
    assert event.details == {
        "categories": ["leads"],
        "format": "csv",
        "date_from": None,
        "date_to": None,
        "via": "portal",
    }
    from celery import current_app

    assert current_app.amqp.router.route({}, "exports.tasks.run_export")["queue"].name == "exports"
    assert ExportJob.task_name == "exports.tasks.run_export" == tasks.run_export.name


def test_a_second_export_while_one_runs_is_refused_with_the_running_job(
    org_a, org_b, admin_a, admin_b
):
    first = export_request(organisation=org_a, user=admin_a, categories=["leads"], format="csv")

    with pytest.raises(ExportAlreadyRunning) as raised:
        export_request(
            organisation=org_a, user=admin_a, categories=["visitor_profiles"], format="json"
        )
    assert raised.value.job == first
    assert ExportJob.objects.filter(organisation=org_a).count() == 1

    ExportJob.objects.filter(pk=first.pk).update(status=JobStatus.RUNNING)
    with pytest.raises(ExportAlreadyRunning):
        export_request(organisation=org_a, user=admin_a, categories=["leads"], format="csv")
    # Another organisation is not held up.
    export_request(organisation=org_b, user=admin_b, categories=["leads"], format="csv")
    # Once the first is finished, the next may start.
    ExportJob.objects.filter(pk=first.pk).update(status=JobStatus.COMPLETED)
    export_request(organisation=org_a, user=admin_a, categories=["leads"], format="csv")


def test_the_database_refuses_two_active_exports_of_one_organisation(org_a, admin_a):
    from django.db import IntegrityError, transaction

    export_request(organisation=org_a, user=admin_a, categories=["leads"], format="csv")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportJob.objects.create(
            organisation=org_a, categories=["leads"], format="csv", idempotency_key="x"
        )


def test_the_same_idempotency_key_returns_the_first_job(org_a, admin_a):
    first = export_request(
        organisation=org_a, user=admin_a, categories=["leads"], format="csv", idempotency_key="abc"
    )
    again = export_request(
        organisation=org_a, user=admin_a, categories=["leads"], format="csv", idempotency_key="abc"
    )
    assert again == first
    assert AuditEvent.objects.filter(action="export.requested").count() == 1
