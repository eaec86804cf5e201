"""Running an export job: the data files (kept between attempts), the archive with its
manifest and schemas, completion, its audit event and the "ready" email. Safe to run again."""

import datetime
import hashlib
import logging
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

from django import db
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exports import archive
from exports.models import ExportFormat, ExportJob
from exports.register import json_schema
from exports.sources import exportable_categories, get_category
from exports.sources.base import Category, RowFilter
from exports.writers import DataFile, ExportWriter, get_writer
from trustcentre.accounts.models import Membership
from trustcentre.audit.services import audit_record
from trustcentre.jobs.models import JobStatus
from trustcentre.jobs.services import (
    JobAttemptsExhausted,
    job_claim,
    job_complete,
    job_fail_if_still_owned,
)
from trustcentre.notifications.services import email_enqueue

logger = logging.getLogger(__name__)

ARCHIVE_FOLDER = "exports"
READY_EMAIL_TEMPLATE = "export_ready"


class _ClaimLost(Exception):
    """Another attempt claimed the job (this worker was taken for dead): stop quietly."""


def export_work_folder(job: ExportJob) -> Path:
    """Where the worker writes the job's data files; kept between attempts on this machine."""
    return Path(settings.EXPORT_WORK_DIR) / str(job.public_id)


def export_archive_name(job: ExportJob) -> str:
    return f"{ARCHIVE_FOLDER}/{job.organisation.public_id}/{job.public_id}.zip"


class SourceRowReader:
    """Rows of the job's tenant and period, from whichever source provides each category."""

    def __init__(self, row_filter: RowFilter):
        self.row_filter = row_filter

    def rows(self, category: Category):
        source, _category = get_category(category.id)
        return source.iter_rows(category_id=category.id, row_filter=self.row_filter)

    def copy_csv(self, category: Category, stream, on_rows=None) -> int | None:
        source, _category = get_category(category.id)
        return source.copy_csv_to(
            category_id=category.id, row_filter=self.row_filter, stream=stream, on_rows=on_rows
        )

    def copy_json(self, category: Category, stream, on_rows=None) -> int | None:
        source, _category = get_category(category.id)
        return source.copy_json_to(
            category_id=category.id, row_filter=self.row_filter, stream=stream, on_rows=on_rows
        )

    def copy_xlsx(self, category: Category, sink, on_rows=None) -> int | None:
        source, _category = get_category(category.id)
        return source.copy_xlsx_to(
            category_id=category.id, row_filter=self.row_filter, sink=sink, on_rows=on_rows
        )

    def count(self, category: Category) -> int:
        source, _category = get_category(category.id)
        return source.count(category_id=category.id, row_filter=self.row_filter)


def export_row_filter(job: ExportJob) -> RowFilter:
    return RowFilter(
        tenant_id=job.organisation.tenant_id, date_from=job.date_from, date_to=job.date_to
    )


def export_writer(job: ExportJob) -> ExportWriter:
    options = {"max_file_bytes": settings.EXPORT_MAX_FILE_BYTES}
    if job.format == ExportFormat.XLSX:
        # The workbook's "created" property is the request time, so every attempt of this
        # job writes the same bytes.
        options["created"] = job.created_at.replace(microsecond=0)
    return get_writer(job.format, **options)


def _record(job: ExportJob, **fields) -> None:
    """Save progress only while this attempt still owns the job (its attempt number is
    unchanged): a worker taken for dead must not overwrite the one that took over."""
    fields["heartbeat_at"] = timezone.now()
    updated = ExportJob.objects.filter(
        pk=job.pk, attempts=job.attempts, status=JobStatus.RUNNING
    ).update(**fields)
    if updated != 1:
        raise _ClaimLost(str(job.public_id))
    for name, value in fields.items():
        setattr(job, name, value)


def _unit_files_intact(folder: Path, recorded: list[dict]) -> bool:
    """Whether every file a unit recorded is still in the work folder, byte for byte."""
    for f in recorded:
        if not f.get("stored_as"):
            return False
        path = folder / f["stored_as"]
        if not path.is_file() or path.stat().st_size != f["stored_bytes"]:
            return False
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while block := handle.read(1024 * 1024):
                digest.update(block)
        if digest.hexdigest() != f["stored_sha256"]:
            return False
    return True


def _category_rows(files: list[dict], category_id: str) -> int:
    rows = 0
    for f in files:
        if f.get("category") == category_id:
            rows += f["rows"]
        rows += sum(s["rows"] for s in f.get("sheets", ()) if s["category"] == category_id)
    return rows


def _write_data_files(job: ExportJob, *, reader, writer: ExportWriter, folder: Path) -> None:
    """Write every unit that a previous attempt did not finish. A finished unit is kept only
    if its files are still here with the recorded SHA-256; any other is written from scratch,
    and the writers' output depends only on the data, so a resumed job ends with the same
    files as an uninterrupted one."""
    categories = [get_category(category_id)[1] for category_id in job.categories]
    units = writer.units(categories)
    done: dict[str, list[dict]] = {}
    for unit, _unit_categories in units:
        recorded = [f for f in job.files if f.get("unit") == unit]
        if recorded and _unit_files_intact(folder, recorded):
            done[unit] = recorded

    def files_in_order() -> list[dict]:
        # Unit order, whichever attempt wrote each: the manifest lists them as a clean run would.
        return [f for unit, _categories in units for f in done.get(unit, [])]

    def counts() -> dict[str, int]:
        return {
            category.id: _category_rows(done[unit], category.id)
            for unit, unit_categories in units
            if unit in done
            for category in unit_categories
        }

    rows_done = sum(f["rows"] for f in files_in_order())
    expected = rows_done + sum(
        reader.count(category)
        for unit, unit_categories in units
        if unit not in done
        for category in unit_categories
    )
    _record(
        job,
        files=files_in_order(),
        row_counts=counts(),
        rows_written=rows_done,
        total_rows_expected=expected,
        progress=_progress(rows_done, expected),
    )

    for unit, unit_categories in units:
        if unit in done:
            continue
        for leftover in folder.glob(f"{unit}.*"):
            leftover.unlink()  # e.g. leads.csv.deflated, leads.part2.csv.deflated
        on_rows = _ProgressRecorder(job, rows=rows_done, expected=expected)
        files: list[DataFile] = writer.write_unit(
            unit=unit, categories=unit_categories, reader=reader, folder=folder, on_rows=on_rows
        )
        done[unit] = [{**f.as_dict(), "unit": unit} for f in files]
        rows_done = on_rows.rows
        # The unit is done: recorded with its checksums, so a later attempt keeps it.
        _record(
            job,
            files=files_in_order(),
            row_counts=counts(),
            rows_written=rows_done,
            progress=_progress(rows_done, max(expected, rows_done)),
        )


# How often progress is written while a COPY streams a category.
BACKGROUND_PROGRESS_SECONDS = 1.0


class _ProgressRecorder:
    """The writers' progress callback: rows so far, progress and heartbeat on the job row."""

    def __init__(self, job: ExportJob, *, rows: int, expected: int):
        self.job, self.rows, self.expected = job, rows, expected

    def __call__(self, count: int) -> None:
        self.rows += count
        _record(
            self.job,
            rows_written=self.rows,
            progress=_progress(self.rows, max(self.expected, self.rows)),
        )

    @contextmanager
    def background(self):
        """While a COPY streams a category, the worker's database connection can run no other
        query. Rows are counted here, and a thread with a connection of its own writes the
        progress and heartbeat about once a second. Those figures are provisional: the writer
        reports the category's rows through __call__ once the COPY is over (or not at all if it
        gave way to the generic writer), and that write is the one that counts."""
        counted = 0
        stop = threading.Event()
        thread: threading.Thread | None = None

        def write_progress() -> None:
            try:
                while not stop.wait(BACKGROUND_PROGRESS_SECONDS):
                    rows = self.rows + counted
                    # Only while this attempt owns the job; a row it cannot see is left alone.
                    ExportJob.objects.filter(
                        pk=self.job.pk, attempts=self.job.attempts, status=JobStatus.RUNNING
                    ).update(
                        rows_written=rows,
                        progress=_progress(rows, max(self.expected, rows)),
                        heartbeat_at=timezone.now(),
                    )
            except Exception:  # progress is a courtesy: never the reason an export fails
                logger.exception("could not record an export's progress")
            finally:
                db.connection.close()  # this thread's own connection

        def tick(count: int) -> None:
            nonlocal counted, thread
            counted += count
            if thread is None:  # only once rows flow: no thread for a source without COPY
                thread = threading.Thread(target=write_progress, daemon=True)
                thread.start()

        try:
            yield tick
        finally:
            stop.set()
            if thread is not None:
                thread.join()


def _progress(done: int, expected: int) -> float:
    # 1.0 means "delivered"; until the archive is stored the bar stops just short of it.
    if expected <= 0:
        return 0.0
    return min(done / expected, 0.99)


def _category_schemas(categories: list[Category]) -> dict[str, dict]:
    # The register's schemas: the same documents /data-act/ publishes for each category.
    return {category.id: json_schema(category) for category in categories}


def _ready_recipients(job: ExportJob) -> list:
    """Whoever asked, if they still belong to the organisation; for an API key (or someone who
    left), the organisation's admins."""
    members = Membership.objects.filter(
        organisation=job.organisation, user__is_active=True
    ).select_related("user")
    if job.requested_by_id:
        own = members.filter(user_id=job.requested_by_id).first()
        if own is not None:
            return [own.user]
    return [m.user for m in members.filter(role=Membership.Role.ADMIN).order_by("user__email")]


def _enqueue_ready_email(job: ExportJob) -> None:
    path = reverse(
        "exports:detail", kwargs={"slug": job.organisation.slug, "public_id": job.public_id}
    )
    categories = {c.id: c for c in exportable_categories()}
    for user in _ready_recipients(job):
        email_enqueue(
            to=user.email,
            template=READY_EMAIL_TEMPLATE,
            context={
                "name": user.full_name or user.email,
                "organisation_name": job.organisation.name,
                "job_url": f"{settings.SITE_URL}{path}",
                "format_label": ExportFormat(job.format).label,
                "category_names": [
                    str(categories[c].name) if c in categories else c for c in job.categories
                ],
                "row_total": sum(job.row_counts.values()),
                "own_request": job.requested_by_id == user.pk,
                "expires_at": job.expires_at,
                "sha256": job.sha256,
            },
            # One "ready" email per export and person, however often the job is re-run.
            cause=f"export-ready:{job.public_id}",
            recipient=user,
            organisation=job.organisation,
        )


class _FinishedFile(File):
    """The archive in the work folder. A storage on the local file system moves a file that
    says where it lies (Django's FileSystemStorage looks for temporary_file_path) instead of
    copying it; any other storage reads it."""

    def __init__(self, handle, *, name: str, path: Path):
        super().__init__(handle, name=name)
        self.path = path

    def temporary_file_path(self) -> str:
        return str(self.path)


def _store_archive(job: ExportJob, path: Path) -> str:
    name = export_archive_name(job)
    # An attempt that died after storing the archive left it; this one replaces it.
    if default_storage.exists(name):
        default_storage.delete(name)
    with open(path, "rb") as handle:
        saved = default_storage.save(name, _FinishedFile(handle, name=name, path=path))
    if saved != name:  # a storage that renames instead of overwriting
        default_storage.delete(saved)
        raise RuntimeError(f"storage refused the name {name}")
    return saved


def _finish(job: ExportJob, *, folder: Path) -> None:
    categories = [get_category(category_id)[1] for category_id in job.categories]
    generated_at = timezone.now()
    manifest = archive.build_manifest(
        export_id=str(job.public_id),
        organisation_id=str(job.organisation.public_id),
        format_id=job.format,
        categories=categories,
        files=job.files,
        row_counts=job.row_counts,
        date_from=job.date_from,
        date_to=job.date_to,
        requested_at=job.created_at,
        generated_at=generated_at,
    )
    zip_path = folder / "archive.zip.tmp"
    sha256, size = archive.write_archive(
        path=zip_path,
        folder=folder,
        files=job.files,
        manifest=manifest,
        schemas=_category_schemas(categories),
        generated_at=generated_at,
    )
    _record(job)  # a heartbeat, and a check that this attempt still owns the job
    name = _store_archive(job, zip_path)
    with transaction.atomic():
        owned = (
            ExportJob.objects.select_for_update()
            .filter(pk=job.pk, attempts=job.attempts, status=JobStatus.RUNNING)
            .exists()
        )
        if not owned:
            raise _ClaimLost(str(job.public_id))
        job.sha256, job.archive_name, job.archive_bytes = sha256, name, size
        job.expires_at = timezone.now() + datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS)
        job_complete(
            job=job, extra_fields=("sha256", "archive_name", "archive_bytes", "expires_at")
        )
        audit_record(
            action="export.completed",
            actor_label="system",
            obj=job,
            organisation=job.organisation,
            details={
                "sha256": sha256,
                "bytes": size,
                "row_counts": job.row_counts,
                "files": [{"name": f["name"], "sha256": f["sha256"]} for f in job.files],
            },
        )
        _enqueue_ready_email(job)
        transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))


def export_run(*, job_id: int, reader=None) -> ExportJob | None:
    """Claim the job and produce its archive; safe to run again at any point. Returns None when
    there was nothing to do (finished, or running elsewhere with a live heartbeat)."""
    try:
        job = job_claim(job_model=ExportJob, job_id=job_id)
    except JobAttemptsExhausted:
        job = ExportJob.objects.get(pk=job_id)
        _audit_failure(job)
        return None
    if job is None:
        return None
    job = ExportJob.objects.select_related("organisation").get(pk=job.pk)
    folder = export_work_folder(job)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        _write_data_files(
            job,
            reader=reader or SourceRowReader(export_row_filter(job)),
            writer=export_writer(job),
            folder=folder,
        )
        _finish(job, folder=folder)
    except _ClaimLost:
        logger.warning("export %s was taken over by another attempt", job.public_id)
        return None
    except Exception as error:
        logger.exception("export failed", extra={"job": str(job.public_id)})
        reason = f"{error.__class__.__name__}: {error}"[:300]
        failed = job_fail_if_still_owned(
            job=job,
            error=_(
                "The export could not be written (%(reason)s). Retry it; the files "
                "finished so far are kept."
            )
            % {"reason": reason},
            also=lambda: _audit_failure(job),
        )
        if not failed:  # another attempt took over; its outcome is the job's
            return None
    return job


def _audit_failure(job: ExportJob) -> None:
    audit_record(
        action="export.failed",
        actor_label="system",
        obj=job,
        organisation=job.organisation,
        details={"attempts": job.attempts},
    )
