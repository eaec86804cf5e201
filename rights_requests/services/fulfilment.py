"""Fulfilment through the data sources: a zip of the subject's records (access, portability),
erasure from every source with suppression, and the flags of restriction, objection and
suppression. Jobs run in a worker and can be run again after a crash."""

import datetime
import logging
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exports import archive
from exports.models import SuppressionEntry, identifier_hash
from exports.register import json_schema
from exports.services import SourceRowReader
from exports.sources import all_categories, get_sources
from exports.sources.base import DataSubject, RowFilter
from exports.writers import get_writer
from rights_requests.models import (
    FulfilmentJob,
    Referral,
    RequestEvent,
    RequestType,
    RightsRequest,
)
from rights_requests.services.common import add_event
from trustcentre.accounts.models import Organisation
from trustcentre.audit.services import audit_record
from trustcentre.jobs.models import JobStatus
from trustcentre.jobs.services import (
    JobAttemptsExhausted,
    job_claim,
    job_complete,
    job_fail,
    job_heartbeat,
)

logger = logging.getLogger(__name__)

ARCHIVE_FOLDER = "rights-requests"
EXPORT_FORMATS = ("json", "csv")
MANIFEST_FILE_KEYS = ("name", "category", "part", "rows", "bytes", "sha256")
KIND_FOR_TYPE = {
    RequestType.ACCESS: FulfilmentJob.Kind.EXPORT,
    RequestType.PORTABILITY: FulfilmentJob.Kind.EXPORT,
    RequestType.ERASURE: FulfilmentJob.Kind.ERASURE,
}
FLAG_TYPES = (RequestType.RESTRICTION, RequestType.OBJECTION, RequestType.SUPPRESSION)
# The flag each type sets on the subject's rows in every source (DataSource.set_flags).
FLAG_FOR_TYPE = {
    RequestType.RESTRICTION: "processing_restricted",
    RequestType.OBJECTION: "objected_to_processing",
    RequestType.SUPPRESSION: "suppressed",
}


def fulfilment_organisations(rr: RightsRequest) -> list[Organisation]:
    """The customers whose data the provider acts on: every referral except those whose
    controller said it handles the request itself."""
    return [
        referral.organisation
        for referral in rr.referrals.select_related("organisation").exclude(
            instruction=Referral.Instruction.WE_HANDLE
        )
    ]


@transaction.atomic
def fulfilment_start(*, rr: RightsRequest, actor, request=None) -> FulfilmentJob:
    kind = KIND_FOR_TYPE.get(rr.type)
    if kind is None:
        raise ValidationError(_("This type of request is not fulfilled by a job."))
    if not rr.is_open or rr.is_paused:
        raise ValidationError(_("Only an open request whose clock runs can be fulfilled."))
    if rr.fulfilment_jobs.filter(kind=kind, status__in=["queued", "running"]).exists():
        raise ValidationError(_("A fulfilment job of this request is already running."))
    job = FulfilmentJob.objects.create(
        request=rr,
        kind=kind,
        started_by=actor,
        idempotency_key=f"rights-request:{rr.public_id}:{kind}:{uuid.uuid4()}",
    )
    add_event(rr, RequestEvent.Kind.FULFILMENT, actor=actor, text=job.get_kind_display())
    audit_record(
        action="rights_request.fulfilment_started",
        actor=actor,
        request=request,
        obj=rr,
        object_id=rr.reference,
        details={"job": str(job.public_id), "kind": kind},
    )
    from rights_requests.tasks import run_fulfilment

    transaction.on_commit(lambda: run_fulfilment.delay(job.pk))
    return job


def _work_folder(job: FulfilmentJob) -> Path:
    return Path(settings.EXPORT_WORK_DIR) / "rights-requests" / str(job.public_id)


def _subject_filter(organisation: Organisation, rr: RightsRequest) -> RowFilter:
    return RowFilter(tenant_id=organisation.tenant_id, subject=DataSubject(email=rr.email))


def _write_export(job: FulfilmentJob, organisations: list[Organisation]) -> None:
    rr = job.request
    folder = _work_folder(job)
    shutil.rmtree(folder, ignore_errors=True)  # a re-run writes everything again: it is small
    folder.mkdir(parents=True)
    categories = all_categories()
    units = len(organisations) * len(categories) * len(EXPORT_FORMATS) or 1
    done = 0
    files, row_counts, manifest_organisations = [], {}, []
    for organisation in organisations:
        reader = SourceRowReader(_subject_filter(organisation, rr))
        tenant_folder = folder / organisation.slug
        tenant_folder.mkdir()
        counts, entries = {}, []
        for category in categories:
            names = []
            for format_id in EXPORT_FORMATS:
                writer = get_writer(format_id, max_file_bytes=settings.EXPORT_MAX_FILE_BYTES)
                written = writer.write_unit(
                    unit=category.id,
                    categories=[category],
                    reader=reader,
                    folder=tenant_folder,
                    on_rows=lambda _count: None,
                )
                for data_file in written:
                    record = data_file.as_dict()
                    record["name"] = f"{organisation.slug}/{data_file.name}"
                    if record.get("stored_as"):  # the work file's name, when kept pre-deflated
                        record["stored_as"] = f"{organisation.slug}/{record['stored_as']}"
                    files.append(record)
                    names.append(record["name"])
                    if format_id == EXPORT_FORMATS[0]:
                        counts[category.id] = counts.get(category.id, 0) + data_file.rows
                done += 1
                job_heartbeat(job=job, progress=min(done / units, 0.99))
            entries.append(
                {
                    "id": category.id,
                    "name": str(category.name),
                    "schema_version": category.schema_version,
                    "schema": archive.schema_name(category.id),
                    "rows": counts.get(category.id, 0),
                    "files": names,
                }
            )
        row_counts[organisation.slug] = counts
        manifest_organisations.append(
            {"organisation": organisation.name, "folder": organisation.slug, "categories": entries}
        )
    generated_at = timezone.now()
    manifest = {
        "manifest_version": 1,
        "request_reference": rr.reference,
        "request_type": rr.type,
        "data_subject": {"email": rr.email},
        "received_at": rr.received_at.astimezone(datetime.UTC).isoformat(),
        "generated_at": generated_at.astimezone(datetime.UTC).isoformat(),
        "organisations": manifest_organisations,
        "files": [{key: f.get(key) for key in MANIFEST_FILE_KEYS} for f in files],
    }
    zip_path = folder / "archive.zip.tmp"
    sha256, size = archive.write_archive(
        path=zip_path,
        folder=folder,
        files=files,
        manifest=manifest,
        schemas={category.id: json_schema(category) for category in categories},
        generated_at=generated_at,
    )
    name = f"{ARCHIVE_FOLDER}/{rr.public_id}/{job.public_id}.zip"
    if default_storage.exists(name):
        default_storage.delete(name)
    with open(zip_path, "rb") as handle:
        default_storage.save(name, File(handle, name=name))
    job.row_counts, job.sha256, job.archive_bytes, job.archive_name = row_counts, sha256, size, name
    job.expires_at = timezone.now() + datetime.timedelta(days=settings.RIGHTS_REQUEST_ARCHIVE_DAYS)
    shutil.rmtree(folder, ignore_errors=True)


def suppress_subject(*, tenant_id, email: str, contact_ids=(), phones=(), reason: str) -> int:
    """Add the subject's identifiers (hashed) to the tenant's suppression list; idempotent."""
    added = 0
    identifiers = [(SuppressionEntry.Kind.EMAIL, email)]
    identifiers += [(SuppressionEntry.Kind.CONTACT_ID, str(c)) for c in contact_ids if c]
    identifiers += [(SuppressionEntry.Kind.PHONE, p) for p in phones if p]
    for kind, value in identifiers:
        try:
            with transaction.atomic():
                _entry, created = SuppressionEntry.objects.get_or_create(
                    tenant_id=tenant_id,
                    identifier_hash=identifier_hash(kind, value),
                    defaults={"kind": kind, "reason": reason[:200]},
                )
        except IntegrityError:
            created = False
        added += created
    return added


def _subject_identifiers(row_filter: RowFilter) -> tuple[set, set]:
    """Contact ids and phone numbers of the subject's rows, so they are suppressed too."""
    contact_ids, phones = set(), set()
    for source in get_sources():
        for category in source.categories:
            if "contact_id" not in category.field_names and "phone" not in category.field_names:
                continue
            for row in source.iter_rows(category_id=category.id, row_filter=row_filter):
                if row.get("contact_id"):
                    contact_ids.add(row["contact_id"])
                if row.get("phone"):
                    phones.add(row["phone"])
    return contact_ids, phones


def _erase(job: FulfilmentJob, organisations: list[Organisation]) -> None:
    rr = job.request
    row_counts = {}
    units = sum(len(source.categories) for source in get_sources()) * len(organisations) or 1
    done = 0
    for organisation in organisations:
        row_filter = _subject_filter(organisation, rr)
        contact_ids, phones = _subject_identifiers(row_filter)
        # Suppressed first: an import running meanwhile cannot bring the subject back.
        suppress_subject(
            tenant_id=organisation.tenant_id,
            email=rr.email,
            contact_ids=contact_ids,
            phones=phones,
            reason=f"rights request {rr.reference}",
        )
        counts = dict(job.row_counts.get(organisation.slug, {}))
        for source in get_sources():
            # Reverse order: later categories find the subject through earlier ones.
            for category in reversed(source.categories):
                deleted = counts.get(category.id, 0)
                while True:
                    batch = source.delete_batch(category_id=category.id, row_filter=row_filter)
                    if not batch:
                        break
                    deleted += batch
                counts[category.id] = deleted
                done += 1
                job.row_counts = {**job.row_counts, organisation.slug: counts}
                job.save(update_fields=["row_counts"])
                job_heartbeat(job=job, progress=min(done / units, 0.99))
        row_counts[organisation.slug] = counts
    job.row_counts = row_counts


def fulfilment_run(*, job_id: int) -> FulfilmentJob | None:
    try:
        job = job_claim(job_model=FulfilmentJob, job_id=job_id)
    except JobAttemptsExhausted:
        return None
    if job is None:
        return None
    job = FulfilmentJob.objects.select_related("request").get(pk=job.pk)
    organisations = fulfilment_organisations(job.request)
    try:
        if job.kind == FulfilmentJob.Kind.EXPORT:
            _write_export(job, organisations)
        else:
            _erase(job, organisations)
    except Exception as error:
        logger.exception("rights request fulfilment failed", extra={"job": str(job.public_id)})
        with transaction.atomic():
            job_fail(job=job, error=f"{error.__class__.__name__}: {error}"[:300])
            add_event(job.request, RequestEvent.Kind.FULFILMENT, text=_("The job failed."))
        return job
    with transaction.atomic():
        job_complete(
            job=job,
            extra_fields=("row_counts", "sha256", "archive_bytes", "archive_name", "expires_at"),
        )
        total = job.total_rows
        text = (
            _("The export is ready: %(rows)d records.") % {"rows": total}
            if job.kind == FulfilmentJob.Kind.EXPORT
            else _("%(rows)d records erased; the subject is on the suppression list.")
            % {"rows": total}
        )
        add_event(job.request, RequestEvent.Kind.FULFILMENT, text=text)
        audit_record(
            action=f"rights_request.{job.kind}_completed",
            actor_label="system",
            obj=job.request,
            object_id=job.request.reference,
            details={"job": str(job.public_id), "row_counts": job.row_counts, "sha256": job.sha256},
        )
    return job


def flag_subject(*, organisation: Organisation, rr: RightsRequest, flag: str) -> dict[str, int]:
    """Set the flag on the subject's rows in every source of the customer: rows flagged by
    category (categories that keep no flags are left out)."""
    row_filter = _subject_filter(organisation, rr)
    counts: dict[str, int] = {}
    for source in get_sources():
        for category in source.categories:
            flagged = source.set_flags(
                category_id=category.id, row_filter=row_filter, flags={flag: True}
            )
            if flagged:
                counts[category.id] = counts.get(category.id, 0) + flagged
    return counts


@transaction.atomic
def fulfilment_apply_flags(*, rr: RightsRequest, actor, request=None) -> list[Organisation]:
    """Restriction, objection and suppression: the flag of the request's type is set on the
    subject's rows in each customer's sources (processing_restricted, objected_to_processing,
    suppressed), the subject's identifiers go on each customer's suppression list (the sources
    then refuse new data about them), and the rows flagged are recorded in the history; the
    request is then completed with a letter."""
    if rr.type not in FLAG_TYPES:
        raise ValidationError(_("Only restriction, objection and suppression set flags."))
    if not rr.is_open or rr.is_paused:
        raise ValidationError(_("Only an open request whose clock runs can be fulfilled."))
    flag = FLAG_FOR_TYPE[rr.type]
    organisations = fulfilment_organisations(rr)
    row_counts = {}
    for organisation in organisations:
        row_counts[organisation.slug] = flag_subject(organisation=organisation, rr=rr, flag=flag)
        suppress_subject(
            tenant_id=organisation.tenant_id,
            email=rr.email,
            reason=f"{rr.type} request {rr.reference}",
        )
    names = ", ".join(
        _("%(name)s (%(rows)d records flagged)")
        % {"name": o.name, "rows": sum(row_counts[o.slug].values())}
        for o in organisations
    ) or _("no customer's data")
    add_event(
        rr,
        RequestEvent.Kind.FULFILMENT,
        actor=actor,
        text=_("%(type)s flag set in: %(names)s") % {"type": rr.get_type_display(), "names": names},
    )
    audit_record(
        action="rights_request.flags_set",
        actor=actor,
        request=request,
        obj=rr,
        object_id=rr.reference,
        details={
            "organisations": [str(o.public_id) for o in organisations],
            "flag": flag,
            "row_counts": row_counts,
        },
    )
    return organisations


def fulfilment_delivered(*, job: FulfilmentJob, request=None) -> None:
    audit_record(
        action="rights_request.downloaded",
        actor_label="requester",
        request=request,
        obj=job.request,
        object_id=job.request.reference,
        details={"job": str(job.public_id), "sha256": job.sha256},
    )


__all__ = [
    "JobStatus",
    "fulfilment_apply_flags",
    "fulfilment_delivered",
    "fulfilment_organisations",
    "flag_subject",
    "fulfilment_run",
    "fulfilment_start",
    "suppress_subject",
]
