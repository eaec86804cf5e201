"""Fulfilment through the data sources: a zip of the subject's records (access, portability),
erasure from every source with suppression, the flags of restriction, objection, suppression
and opt-out, and corrections written into the subject's records. Only for customers that
instructed it, or whose out-of-band confirmation the DPO recorded. Jobs run in a worker and
can be run again after a crash."""

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
from exports.sources import all_categories, get_category, get_sources
from exports.sources.base import DataSubject, RowFilter
from exports.writers import get_writer
from rights_requests.models import (
    FulfilmentJob,
    FulfilmentResult,
    RectificationItem,
    Referral,
    RequestEvent,
    RequestType,
    RightsRequest,
    local_date,
)
from rights_requests.services.common import add_event
from trustcentre.accounts.models import Organisation
from trustcentre.audit.services import audit_record
from trustcentre.jobs.models import JobStatus
from trustcentre.jobs.queueing import enqueue_after_commit
from trustcentre.jobs.services import (
    JobAttemptsExhausted,
    job_claim,
    job_complete,
    job_fail,
    job_heartbeat,
)
from trustcentre.lib.moments import format_moment

logger = logging.getLogger(__name__)

ARCHIVE_FOLDER = "rights-requests"
EXPORT_FORMATS = ("json", "csv")
MANIFEST_FILE_KEYS = ("name", "category", "part", "rows", "bytes", "sha256")
KIND_FOR_TYPE = {
    RequestType.ACCESS: FulfilmentJob.Kind.EXPORT,
    RequestType.PORTABILITY: FulfilmentJob.Kind.EXPORT,
    RequestType.ERASURE: FulfilmentJob.Kind.ERASURE,
}
FLAG_TYPES = (
    RequestType.RESTRICTION,
    RequestType.OBJECTION,
    RequestType.SUPPRESSION,
    RequestType.OPT_OUT,
)
# The flag each type sets on the subject's rows in every source (DataSource.set_flags).
FLAG_FOR_TYPE = {
    RequestType.RESTRICTION: "processing_restricted",
    RequestType.OBJECTION: "objected_to_processing",
    RequestType.SUPPRESSION: "suppressed",
    RequestType.OPT_OUT: "opted_out_of_sale_sharing",
}
# An opt-out of sale or sharing stops the selling, not the processing: the subject may still
# be imported, so only the other flag types put them on the suppression list.
SUPPRESSING_FLAG_TYPES = (RequestType.RESTRICTION, RequestType.OBJECTION, RequestType.SUPPRESSION)


def fulfilment_refusal(rr: RightsRequest) -> str | None:
    """Why nothing may be fulfilled for this request now, or None when it may.

    GDPR Art. 28(3)(a): a processor processes the customer's personal data only on the
    controller's documented instructions. So while any customer the request was referred to
    has not instructed us, nothing is done with anyone's data (the DPO may record an override
    the customer confirmed out of band); a customer that handles the request itself gets
    nothing done. The staff page offers the fulfilment actions only when this is None, and
    every fulfilment service refuses with this reason."""
    if not rr.is_open:
        return _("This request is not open (it is %(status)s).") % {
            "status": rr.get_status_display().lower()
        }
    if rr.is_paused:
        return _("The clock is paused: nothing is fulfilled until the requester answers.")
    referrals = list(rr.referrals.select_related("organisation"))
    pending = [referral for referral in referrals if referral.is_pending]
    if pending:
        waiting = " ".join(
            _("Waiting since %(date)s for %(organisation)s's instruction.")
            % {
                "date": format_moment(local_date(referral.created_at)),
                "organisation": referral.organisation.name,
            }
            for referral in pending
        )
        return " ".join(
            [
                waiting,
                _(
                    "We process this data for the customer and act only on its instruction: "
                    "nothing is fulfilled until it instructs us, or until you record an "
                    "override it confirmed to you out of band."
                ),
            ]
        )
    if referrals and not any(referral.allows_fulfilment for referral in referrals):
        return _(
            "Every customer concerned handles this request itself, so we do nothing with its "
            "data: complete the request to close it as handled by the controller."
        )
    return None


def _refuse_unless_fulfilable(rr: RightsRequest) -> None:
    if refusal := fulfilment_refusal(rr):
        raise ValidationError(refusal)


def fulfilment_referrals(rr: RightsRequest) -> list[Referral]:
    """The referrals whose customer's data the provider acts on: instructed ("handle it for
    us") or overridden by the DPO; never one pending or handled by the customer itself."""
    return [
        referral
        for referral in rr.referrals.select_related("organisation")
        if referral.allows_fulfilment
    ]


def fulfilment_organisations(rr: RightsRequest) -> list[Organisation]:
    return [referral.organisation for referral in fulfilment_referrals(rr)]


def referral_scope(referral: Referral) -> set[str]:
    """The category ids the customer's instruction covers (all, when it named none)."""
    known = {category.id for category in all_categories()}
    return (set(referral.categories) & known) if referral.categories else known


def _record_result(*, rr, organisation, action, summary, row_counts, done_by) -> FulfilmentResult:
    return FulfilmentResult.objects.create(
        request=rr,
        organisation=organisation,
        action=action,
        summary=summary,
        row_counts=row_counts,
        done_by=done_by,
    )


@transaction.atomic
def fulfilment_start(*, rr: RightsRequest, actor, request=None) -> FulfilmentJob:
    kind = KIND_FOR_TYPE.get(rr.type)
    if kind is None:
        raise ValidationError(_("This type of request is not fulfilled by a job."))
    rr = RightsRequest.objects.select_for_update().get(pk=rr.pk)
    _refuse_unless_fulfilable(rr)
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

    enqueue_after_commit(run_fulfilment, job.pk, description=f"fulfilment {job.public_id}")
    return job


def _work_folder(job: FulfilmentJob) -> Path:
    return Path(settings.EXPORT_WORK_DIR) / "rights-requests" / str(job.public_id)


def _subject_filter(organisation: Organisation, rr: RightsRequest) -> RowFilter:
    return RowFilter(tenant_id=organisation.tenant_id, subject=DataSubject(email=rr.email))


def _write_export(job: FulfilmentJob, referrals: list[Referral]) -> None:
    rr = job.request
    folder = _work_folder(job)
    shutil.rmtree(folder, ignore_errors=True)  # a re-run writes everything again: it is small
    folder.mkdir(parents=True)
    categories = all_categories()
    units = len(referrals) * len(categories) * len(EXPORT_FORMATS) or 1
    done = 0
    files, row_counts, manifest_organisations = [], {}, []
    for referral in referrals:
        organisation, scope = referral.organisation, referral_scope(referral)
        reader = SourceRowReader(_subject_filter(organisation, rr))
        tenant_folder = folder / organisation.slug
        tenant_folder.mkdir()
        counts, entries = {}, []
        for category in categories:
            if category.id not in scope:
                done += len(EXPORT_FORMATS)
                continue
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


def _erase(job: FulfilmentJob, referrals: list[Referral]) -> None:
    rr = job.request
    row_counts = {}
    units = sum(len(source.categories) for source in get_sources()) * len(referrals) or 1
    done = 0
    for referral in referrals:
        organisation, scope = referral.organisation, referral_scope(referral)
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
                if category.id not in scope:
                    done += 1
                    continue
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
    referrals = fulfilment_referrals(job.request)
    try:
        if job.kind == FulfilmentJob.Kind.EXPORT:
            _write_export(job, referrals)
        else:
            _erase(job, referrals)
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
        for referral in referrals:
            counts = job.row_counts.get(referral.organisation.slug, {})
            rows = sum(counts.values())
            _record_result(
                rr=job.request,
                organisation=referral.organisation,
                action=job.kind,
                summary=(
                    _("%(rows)d records exported for the requester.")
                    if job.kind == FulfilmentJob.Kind.EXPORT
                    else _("%(rows)d records erased; the subject is on the suppression list.")
                )
                % {"rows": rows},
                row_counts=counts,
                done_by=job.started_by,
            )
        audit_record(
            action=f"rights_request.{job.kind}_completed",
            actor_label="system",
            obj=job.request,
            object_id=job.request.reference,
            details={"job": str(job.public_id), "row_counts": job.row_counts, "sha256": job.sha256},
        )
    return job


def flag_subject(
    *, organisation: Organisation, rr: RightsRequest, flag: str, scope: set[str] | None = None
) -> dict[str, int]:
    """Set the flag on the subject's rows in every source of the customer (only the categories
    in scope, when given): rows flagged by category (categories that keep no flags are left
    out)."""
    row_filter = _subject_filter(organisation, rr)
    counts: dict[str, int] = {}
    for source in get_sources():
        for category in source.categories:
            if scope is not None and category.id not in scope:
                continue
            flagged = source.set_flags(
                category_id=category.id, row_filter=row_filter, flags={flag: True}
            )
            if flagged:
                counts[category.id] = counts.get(category.id, 0) + flagged
    return counts


@transaction.atomic
def fulfilment_apply_flags(*, rr: RightsRequest, actor, request=None) -> list[Organisation]:
    """Restriction, objection, suppression and opt-out of sale or sharing: the flag of the
    request's type is set on the subject's rows in each instructing customer's sources
    (processing_restricted, objected_to_processing, suppressed, opted_out_of_sale_sharing);
    except for an opt-out, the subject's identifiers go on each customer's suppression list
    (the sources then refuse new data about them). The rows flagged are recorded per customer;
    the request is then completed with a letter."""
    if rr.type not in FLAG_TYPES:
        raise ValidationError(
            _("Only restriction, objection, suppression and opt-out requests set flags.")
        )
    rr = RightsRequest.objects.select_for_update().get(pk=rr.pk)
    _refuse_unless_fulfilable(rr)
    flag = FLAG_FOR_TYPE[rr.type]
    referrals = fulfilment_referrals(rr)
    organisations = [referral.organisation for referral in referrals]
    row_counts = {}
    for referral in referrals:
        organisation = referral.organisation
        counts = flag_subject(
            organisation=organisation, rr=rr, flag=flag, scope=referral_scope(referral)
        )
        row_counts[organisation.slug] = counts
        if rr.type in SUPPRESSING_FLAG_TYPES:
            suppress_subject(
                tenant_id=organisation.tenant_id,
                email=rr.email,
                reason=f"{rr.type} request {rr.reference}",
            )
        _record_result(
            rr=rr,
            organisation=organisation,
            action=FulfilmentResult.Action.FLAG,
            summary=_("%(type)s: flag set on %(rows)d records.")
            % {"type": rr.get_type_display(), "rows": sum(counts.values())},
            row_counts=counts,
            done_by=actor,
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


def rectifiable_fields() -> list[tuple[str, str]]:
    """The fields a correction may name, as ("category.field", "Category name: field") pairs
    from every data source."""
    choices = []
    for source in get_sources():
        for category_id, names in source.rectifiable_fields().items():
            _source, category = get_category(category_id)
            choices += [
                (f"{category_id}.{name}", f"{category.name}: {name.replace('_', ' ')}")
                for name in names
            ]
    return choices


def _rectifiable_field(field: str) -> tuple[str, str]:
    """'leads.last_name' (or a bare field name unique among the sources) as (category, field)."""
    field = (field or "").strip()
    for value, _label in rectifiable_fields():
        category_id, name = value.split(".", 1)
        if field in (value, name):
            return category_id, name
    raise ValidationError(_("Choose one of the fields that can be corrected."))


@transaction.atomic
def rectification_record(
    *, rr: RightsRequest, field: str, after: str, actor, before: str = "", request=None
) -> RectificationItem:
    """Rectification (GDPR Art. 16; CCPA 1798.106): the corrected value is written into the
    subject's records of every instructing customer, through the data sources; what the
    records held before, and how many now carry the new value, are kept with the request."""
    category_id, name = _rectifiable_field(field)
    after = (after or "").strip()
    if not after:
        raise ValidationError(_("The new value is required."))
    if len(after) > 10_000:
        raise ValidationError(_("At most 10,000 characters."))
    rr = RightsRequest.objects.select_for_update().get(pk=rr.pk)
    _refuse_unless_fulfilable(rr)
    source, category = get_category(category_id)
    label = f"{category.name}: {name.replace('_', ' ')}"
    before_values: set[str] = set()
    total = 0
    for referral in fulfilment_referrals(rr):
        if category_id not in referral_scope(referral):
            continue
        row_filter = _subject_filter(referral.organisation, rr)
        before_values |= {
            str(row[name])
            for row in source.iter_rows(category_id=category_id, row_filter=row_filter)
            if row.get(name) not in (None, "")
        }
        try:
            rows = source.rectify(
                category_id=category_id, row_filter=row_filter, values={name: after}
            )
        except ValueError as error:
            # The whole correction is one transaction: nothing written for any customer.
            raise ValidationError(
                _("This value cannot be stored in %(field)s: %(error)s")
                % {"field": label, "error": error}
            ) from error
        total += rows
        _record_result(
            rr=rr,
            organisation=referral.organisation,
            action=FulfilmentResult.Action.RECTIFICATION,
            summary=_("%(field)s corrected to “%(after)s” in %(rows)d records.")
            % {"field": label, "after": after, "rows": rows},
            row_counts={category_id: rows},
            done_by=actor,
        )
    item = RectificationItem.objects.create(
        request=rr,
        field=label[:100],
        before=", ".join(sorted(before_values)) or (before or "")[:10_000],
        after=after,
        rows_changed=total,
        done_by=actor,
    )
    add_event(
        rr,
        RequestEvent.Kind.RECTIFICATION,
        actor=actor,
        text=_("%(field)s corrected in %(rows)d records.") % {"field": label, "rows": total},
    )
    audit_record(
        action="rights_request.rectified",
        actor=actor,
        request=request,
        obj=rr,
        object_id=rr.reference,
        details={"category": category_id, "field": name, "rows": total},
    )
    return item


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
    "fulfilment_referrals",
    "fulfilment_refusal",
    "flag_subject",
    "rectifiable_fields",
    "rectification_record",
    "referral_scope",
    "fulfilment_run",
    "fulfilment_start",
    "suppress_subject",
]
