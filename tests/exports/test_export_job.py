"""The export job end to end (SQLite, eager Celery): files, manifest, checksums, schemas, the
"ready" email, and resuming after a crash with the same bytes as an uninterrupted run."""

import csv
import datetime
import hashlib
import io
import json
import zipfile

import jsonschema
import openpyxl
import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone

from exports import writers
from exports.builtin_source.source import BuiltinSource
from exports.models import ExportJob
from exports.register import json_schema
from exports.services import export_request, export_retry, export_work_folder
from exports.sources import get_category
from exports.sources.base import RowFilter
from exports.tasks import run_export
from trustcentre.audit.models import AuditEvent
from trustcentre.jobs.models import JobStatus
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

CATEGORIES = ["leads", "visitor_profiles", "journey_insights", "organisation_profiles"]


class WorkerKilled(BaseException):
    """Stands for kill -9: nothing in the job catches it, so the row stays "running"."""


def start_export(capture, organisation, user, *, run=True, **options) -> ExportJob:
    options.setdefault("categories", CATEGORIES)
    options.setdefault("format", "csv")
    with capture(execute=run):
        job = export_request(organisation=organisation, user=user, **options)
    job.refresh_from_db()
    return job


def stored_zip(job) -> zipfile.ZipFile:
    data = default_storage.open(job.archive_name, "rb").read()
    assert hashlib.sha256(data).hexdigest() == job.sha256
    assert len(data) == job.archive_bytes
    return zipfile.ZipFile(io.BytesIO(data))


def source_count(organisation, category_id) -> int:
    return BuiltinSource().count(
        category_id=category_id, row_filter=RowFilter(tenant_id=organisation.tenant_id)
    )


def data_file_digests(archive: zipfile.ZipFile) -> dict[str, str]:
    return {
        name: hashlib.sha256(archive.read(name)).hexdigest()
        for name in archive.namelist()
        if name != "manifest.json" and not name.startswith("schemas/")
    }


def manifest_without_job_fields(archive: zipfile.ZipFile) -> dict:
    manifest = json.loads(archive.read("manifest.json"))
    for field in ("export_id", "requested_at", "generated_at"):
        manifest.pop(field)
    return manifest


def ready_emails(job):
    return OutboxMessage.objects.filter(cause=f"export-ready:{job.public_id}")


def test_a_csv_export_holds_every_category_with_its_manifest_and_schemas(
    django_capture_on_commit_callbacks, export_storage, customer_data, org_a, admin_a
):
    job = start_export(django_capture_on_commit_callbacks, org_a, admin_a)

    assert job.status == JobStatus.COMPLETED and job.progress == 1.0
    assert job.archive_name == f"exports/{org_a.public_id}/{job.public_id}.zip"
    assert (export_storage / job.archive_name).is_file()
    archive = stored_zip(job)
    assert sorted(archive.namelist()) == sorted(
        [f"{c}.csv" for c in CATEGORIES]
        + ["manifest.json"]
        + [f"schemas/{c}.schema.json" for c in CATEGORIES]
    )
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["export_id"] == str(job.public_id)
    assert manifest["organisation_id"] == str(org_a.public_id)
    assert manifest["format"] == "csv"
    assert manifest["period"] == {"date_from": None, "date_to": None}
    assert manifest["generated_at"].endswith("Z")
    assert [c["id"] for c in manifest["categories"]] == CATEGORIES
    for entry in manifest["categories"]:
        category = get_category(entry["id"])[1]
        assert entry["rows"] == source_count(org_a, entry["id"]) == job.row_counts[entry["id"]]
        assert entry["schema_version"] == category.schema_version
        assert json.loads(archive.read(entry["schema"])) == json.loads(
            json.dumps(json_schema(category))
        )
        assert entry["files"] == [f"{entry['id']}.csv"]
    assert manifest["categories"][0]["rows"] == customer_data.leads
    for described in manifest["files"]:
        data = archive.read(described["name"])
        assert hashlib.sha256(data).hexdigest() == described["sha256"]
        assert len(data) == described["bytes"]
        records = list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), strict=True))
        assert records[0] == get_category(described["category"])[1].field_names
        assert len(records) - 1 == described["rows"]
        assert data.endswith(b"\r\n")
    # Only org_a's rows: none of org_b's contact ids appear.
    leads = archive.read("leads.csv").decode()
    other_ids = {
        str(row["contact_id"])
        for row in BuiltinSource().iter_rows(
            category_id="leads", row_filter=RowFilter(tenant_id=_org_b_tenant(org_a))
        )
    }
    assert other_ids and not any(contact_id in leads for contact_id in other_ids)

    completed = AuditEvent.objects.get(action="export.completed")
    assert completed.object_id == str(job.public_id)
    assert completed.details["sha256"] == job.sha256
    assert completed.organisation == org_a
    assert (
        AuditEvent.objects.filter(action="export.requested", object_id=str(job.public_id)).count()
        == 1
    )

    assert job.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    (message,) = ready_emails(job)
    assert message.to_email == admin_a.email
    assert f"/portal/exports/{org_a.slug}/{job.public_id}/" in message.body_text
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [admin_a.email]
    # The work folder is removed once the archive is stored.
    assert not export_work_folder(job).exists()


def _org_b_tenant(org_a):
    from trustcentre.accounts.models import Organisation

    return Organisation.objects.exclude(pk=org_a.pk).get(slug="globex").tenant_id


def test_every_json_row_validates_against_the_registers_schema(
    django_capture_on_commit_callbacks, export_storage, customer_data, org_a, member_a
):
    job = start_export(django_capture_on_commit_callbacks, org_a, member_a, format="json")

    archive = stored_zip(job)
    manifest = json.loads(archive.read("manifest.json"))
    for entry in manifest["categories"]:
        schema = json.loads(archive.read(entry["schema"]))
        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        (name,) = entry["files"]
        rows = json.loads(archive.read(name))
        assert len(rows) == entry["rows"] == source_count(org_a, entry["id"])
        for row in rows:
            validator.validate(row)


def test_an_xlsx_export_is_one_workbook_with_a_sheet_per_category(
    django_capture_on_commit_callbacks, export_storage, customer_data, org_a, admin_a
):
    job = start_export(django_capture_on_commit_callbacks, org_a, admin_a, format="xlsx")

    archive = stored_zip(job)
    assert sorted(n for n in archive.namelist() if not n.startswith("schemas/")) == [
        "data.xlsx",
        "manifest.json",
    ]
    manifest = json.loads(archive.read("manifest.json"))
    workbook = openpyxl.load_workbook(io.BytesIO(archive.read("data.xlsx")))
    assert workbook.sheetnames == CATEGORIES
    for entry in manifest["categories"]:
        sheet = workbook[entry["id"]]
        assert sheet.max_row - 1 == entry["rows"] == source_count(org_a, entry["id"])
        assert entry["files"] == ["data.xlsx"]
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    (described,) = manifest["files"]
    assert described["sha256"] == hashlib.sha256(archive.read("data.xlsx")).hexdigest()
    assert [s["rows"] for s in described["sheets"]] == [
        entry["rows"] for entry in manifest["categories"]
    ]


def test_a_period_exports_only_the_rows_of_those_days(
    django_capture_on_commit_callbacks, export_storage, customer_data, org_a, admin_a
):
    day_from, day_to = datetime.date(2025, 6, 1), datetime.date(2025, 9, 30)
    job = start_export(
        django_capture_on_commit_callbacks,
        org_a,
        admin_a,
        categories=["leads"],
        date_from=day_from,
        date_to=day_to,
    )

    expected = BuiltinSource().count(
        category_id="leads",
        row_filter=RowFilter(tenant_id=org_a.tenant_id, date_from=day_from, date_to=day_to),
    )
    assert 0 < expected < customer_data.leads
    manifest = json.loads(stored_zip(job).read("manifest.json"))
    assert manifest["period"] == {"date_from": "2025-06-01", "date_to": "2025-09-30"}
    assert manifest["categories"][0]["rows"] == expected == job.row_counts["leads"]


def test_running_a_completed_job_again_changes_nothing(
    django_capture_on_commit_callbacks, export_storage, customer_data, org_a, admin_a
):
    job = start_export(django_capture_on_commit_callbacks, org_a, admin_a)
    before = ExportJob.objects.values().get(pk=job.pk)
    events = AuditEvent.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        run_export(job.pk)

    assert ExportJob.objects.values().get(pk=job.pk) == before
    assert AuditEvent.objects.count() == events
    assert ready_emails(job).count() == 1 and len(mail.outbox) == 1
    stored_zip(job)


def test_an_interrupted_job_resumes_to_the_same_files_and_one_email(
    django_capture_on_commit_callbacks, export_storage, customer_data, org_a, admin_a, monkeypatch
):
    clean = start_export(django_capture_on_commit_callbacks, org_a, admin_a)
    clean_digests = data_file_digests(stored_zip(clean))

    job = start_export(django_capture_on_commit_callbacks, org_a, admin_a, run=False)
    assert job.status == JobStatus.QUEUED
    # The worker dies in the middle of the third category (journey_insights).
    rows_before_crash = source_count(org_a, "leads") + source_count(org_a, "visitor_profiles") + 150
    written = {"rows": 0}
    real_write_records = writers.text.PartedFile.write_records

    def dying_write_records(self, records):
        written["rows"] += len(records)
        if written["rows"] > rows_before_crash:
            raise WorkerKilled
        return real_write_records(self, records)

    monkeypatch.setattr(writers.text.PartedFile, "write_records", dying_write_records)
    monkeypatch.setattr(writers.base, "CHUNK_ROWS", 50)
    # The crash happens in the generic writer (on PostgreSQL the resumed run then uses COPY,
    # which must give the same bytes).
    real_copy = BuiltinSource.copy_csv_to
    monkeypatch.setattr(BuiltinSource, "copy_csv_to", lambda self, **kwargs: None)
    with pytest.raises(WorkerKilled), django_capture_on_commit_callbacks(execute=True):
        run_export(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1
    assert [f["name"] for f in job.files] == ["leads.csv", "visitor_profiles.csv"]
    assert 0 < job.progress < 1 and job.rows_written >= rows_before_crash - 50
    folder = export_work_folder(job)
    # A real kill leaves a half-written file behind; the re-run must not trust it.
    (folder / "journey_insights.csv").write_bytes(b"contact_id,half a row")

    # The worker is gone: its heartbeat stops, and the stalled-job sweep sends the task again.
    monkeypatch.setattr(writers.text.PartedFile, "write_records", real_write_records)
    monkeypatch.setattr(BuiltinSource, "copy_csv_to", real_copy)
    ExportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )
    written_units = []
    real_write_unit = writers.CsvWriter.write_unit

    def spying_write_unit(self, **kwargs):
        written_units.append(kwargs["unit"])
        return real_write_unit(self, **kwargs)

    monkeypatch.setattr(writers.CsvWriter, "write_unit", spying_write_unit)
    with django_capture_on_commit_callbacks(execute=True):
        run_export(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED and job.attempts == 2
    assert written_units == ["journey_insights", "organisation_profiles"]
    assert data_file_digests(stored_zip(job)) == clean_digests
    assert {f["name"]: f["sha256"] for f in job.files} == clean_digests
    assert job.row_counts == clean.row_counts
    assert ready_emails(job).count() == 1
    assert (
        AuditEvent.objects.filter(action="export.completed", object_id=str(job.public_id)).count()
        == 1
    )
    assert manifest_without_job_fields(stored_zip(job)) == manifest_without_job_fields(
        stored_zip(clean)
    )


def test_a_kept_file_that_no_longer_matches_its_checksum_is_written_again(
    django_capture_on_commit_callbacks, export_storage, customer_data, org_a, admin_a, monkeypatch
):
    clean = start_export(django_capture_on_commit_callbacks, org_a, admin_a, format="json")
    clean_digests = data_file_digests(stored_zip(clean))
    job = start_export(django_capture_on_commit_callbacks, org_a, admin_a, format="json", run=False)

    real_write_unit = writers.JsonWriter.write_unit

    def dying_write_unit(self, **kwargs):
        if kwargs["unit"] == "visitor_profiles":
            raise WorkerKilled
        return real_write_unit(self, **kwargs)

    monkeypatch.setattr(writers.JsonWriter, "write_unit", dying_write_unit)
    with pytest.raises(WorkerKilled):
        run_export(job.pk)
    leads = export_work_folder(job) / "leads.json.deflated"
    damaged = bytearray(leads.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF  # a disk that lied
    leads.write_bytes(bytes(damaged))

    monkeypatch.setattr(writers.JsonWriter, "write_unit", real_write_unit)
    ExportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_export(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert data_file_digests(stored_zip(job)) == clean_digests
    assert manifest_without_job_fields(stored_zip(job)) == manifest_without_job_fields(
        stored_zip(clean)
    )


def test_a_job_running_elsewhere_with_a_live_heartbeat_is_left_alone(
    django_capture_on_commit_callbacks, export_storage, customer_data, org_a, admin_a
):
    job = start_export(django_capture_on_commit_callbacks, org_a, admin_a, run=False)
    ExportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )

    run_export(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1 and job.files == []


def test_a_failed_job_says_why_and_a_retry_keeps_the_finished_files(
    django_capture_on_commit_callbacks, export_storage, customer_data, org_a, admin_a, monkeypatch
):
    real_iter_rows = BuiltinSource.iter_rows

    def broken_iter_rows(self, *, category_id, row_filter, chunk_size=2000):
        if category_id == "journey_insights":
            raise ValueError("the events table is being migrated")
        return real_iter_rows(
            self, category_id=category_id, row_filter=row_filter, chunk_size=chunk_size
        )

    monkeypatch.setattr(BuiltinSource, "iter_rows", broken_iter_rows)
    # On PostgreSQL the JSON fast path would bypass iter_rows; the failure must come from it.
    monkeypatch.setattr(BuiltinSource, "copy_json_to", lambda self, **kwargs: None)
    job = start_export(django_capture_on_commit_callbacks, org_a, admin_a, format="json")

    assert job.status == JobStatus.FAILED
    assert "the events table is being migrated" in job.error
    assert [f["name"] for f in job.files] == ["leads.json", "visitor_profiles.json"]
    assert AuditEvent.objects.filter(action="export.failed", object_id=str(job.public_id)).exists()
    assert not ready_emails(job).exists()

    monkeypatch.setattr(BuiltinSource, "iter_rows", real_iter_rows)
    with django_capture_on_commit_callbacks(execute=True):
        export_retry(job=job, user=admin_a)
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert [c["rows"] for c in json.loads(stored_zip(job).read("manifest.json"))["categories"]] == [
        source_count(org_a, c) for c in CATEGORIES
    ]
    assert (
        AuditEvent.objects.filter(action="export.retried", object_id=str(job.public_id)).count()
        == 1
    )
    assert ready_emails(job).count() == 1


def test_an_export_requested_by_api_key_emails_the_organisations_admins(
    django_capture_on_commit_callbacks, export_storage, customer_data, org_a, admin_a, member_a
):
    from trustcentre.accounts.api_auth import ApiClient
    from trustcentre.accounts.api_keys import api_key_create

    api_key, _plaintext = api_key_create(organisation=org_a, name="CRM", created_by=admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(
            organisation=org_a,
            api_client=ApiClient(api_key),
            categories=["organisation_profiles"],
            format="json",
        )
    job.refresh_from_db()

    assert job.status == JobStatus.COMPLETED and job.api_key == api_key and job.requested_by is None
    assert [m.to_email for m in ready_emails(job)] == [admin_a.email]
    requested = AuditEvent.objects.get(action="export.requested")
    assert requested.actor_label == f"api-key:{api_key.prefix}"
    assert requested.details["via"] == "api"


@pytest.mark.postgresql
def test_on_postgresql_csv_comes_from_copy_with_the_same_bytes_as_the_generic_writer(
    django_capture_on_commit_callbacks, export_storage, customer_data, org_a, admin_a, monkeypatch
):
    real_copy = BuiltinSource.copy_csv_to
    copied = []

    def counting_copy(self, **kwargs):
        rows = real_copy(self, **kwargs)
        copied.append((kwargs["category_id"], rows))
        return rows

    monkeypatch.setattr(BuiltinSource, "copy_csv_to", counting_copy)
    fast = start_export(django_capture_on_commit_callbacks, org_a, admin_a)
    assert [category for category, rows in copied] == CATEGORIES
    assert all(rows is not None for _category, rows in copied)

    monkeypatch.setattr(BuiltinSource, "copy_csv_to", lambda self, **kwargs: None)
    generic = start_export(django_capture_on_commit_callbacks, org_a, admin_a)

    assert data_file_digests(stored_zip(fast)) == data_file_digests(stored_zip(generic))
    assert fast.row_counts == generic.row_counts


@pytest.mark.postgresql
def test_on_postgresql_a_csv_too_large_for_one_file_is_split_like_the_generic_writer(
    django_capture_on_commit_callbacks,
    export_storage,
    customer_data,
    org_a,
    admin_a,
    monkeypatch,
    settings,
):
    settings.EXPORT_MAX_FILE_BYTES = 4000
    split = start_export(django_capture_on_commit_callbacks, org_a, admin_a, categories=["leads"])
    names = [f["name"] for f in split.files]
    assert len(names) > 2 and names[:2] == ["leads.csv", "leads.part2.csv"]

    monkeypatch.setattr(BuiltinSource, "copy_csv_to", lambda self, **kwargs: None)
    generic = start_export(django_capture_on_commit_callbacks, org_a, admin_a, categories=["leads"])
    assert data_file_digests(stored_zip(split)) == data_file_digests(stored_zip(generic))


def test_a_resumed_export_of_empty_categories_counts_zero_rows(
    django_capture_on_commit_callbacks, export_storage, monkeypatch
):
    from tests.conftest import add_member, make_organisation, make_user

    organisation = make_organisation("empty-co")
    admin = make_user("admin@empty-co.test")
    add_member(admin, organisation, "admin")
    job = start_export(
        django_capture_on_commit_callbacks, organisation, admin, format="json", run=False
    )
    real_write_unit = writers.JsonWriter.write_unit

    def dying_write_unit(self, **kwargs):
        if kwargs["unit"] == "journey_insights":
            raise WorkerKilled
        return real_write_unit(self, **kwargs)

    monkeypatch.setattr(writers.JsonWriter, "write_unit", dying_write_unit)
    with pytest.raises(WorkerKilled):
        run_export(job.pk)
    monkeypatch.setattr(writers.JsonWriter, "write_unit", real_write_unit)
    ExportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_export(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert job.row_counts == dict.fromkeys(CATEGORIES, 0)
    archive = stored_zip(job)
    manifest = json.loads(archive.read("manifest.json"))
    assert [entry["rows"] for entry in manifest["categories"]] == [0, 0, 0, 0]
    assert [f["name"] for f in manifest["files"]] == [f"{c}.json" for c in CATEGORIES]
    assert json.loads(archive.read("leads.json")) == []
