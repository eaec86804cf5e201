"""The erasure: start it (when due, or confirmed early), run it in batches (resumable after a
crash), then mark the organisation a former customer and issue the certificate once."""

import datetime
import hashlib
import json
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exports.end_of_contract import periods
from exports.end_of_contract.emails import case_email
from exports.end_of_contract.models import (
    CaseStatus,
    DeletionCertificate,
    DeletionJob,
    EndOfContractCase,
)
from exports.sources import all_categories, get_category
from exports.sources.base import RowFilter
from trustcentre.accounts.models import Organisation
from trustcentre.accounts.permissions import has_staff_role
from trustcentre.audit.services import audit_record
from trustcentre.jobs.models import JobStatus
from trustcentre.jobs.queueing import enqueue_after_commit
from trustcentre.jobs.services import (
    JobAttemptsExhausted,
    job_claim,
    job_complete,
    job_fail_if_still_owned,
    job_retry,
)
from trustcentre.lib.pdf import template_to_pdf

logger = logging.getLogger(__name__)

CERTIFICATE_FOLDER = "end-of-contract"


class DeletionAlreadyRunning(Exception):
    def __init__(self, job: DeletionJob):
        super().__init__(str(job.public_id))
        self.job = job


class _ClaimLost(Exception):
    """Another attempt owns the job now (this worker was taken for dead): stop quietly."""


def _enqueue(job: DeletionJob) -> None:
    from exports.end_of_contract.tasks import run_deletion

    enqueue_after_commit(run_deletion, job.pk, description=f"deletion {job.public_id}")


def deletion_start(
    *,
    case: EndOfContractCase,
    user=None,
    request=None,
    today: datetime.date | None = None,
) -> DeletionJob:
    """Start the erasure of the case's data. Refused before the retrieval period ends unless
    the customer confirmed it in writing, and while another erasure of the case runs."""
    today = today or timezone.now().date()
    with transaction.atomic():
        case = (
            EndOfContractCase.objects.select_for_update()
            .select_related("organisation")
            .get(pk=case.pk)
        )
        running = case.deletion_jobs.filter(
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).first()
        if running is not None:
            raise DeletionAlreadyRunning(running)
        if case.status not in (
            CaseStatus.AWAITING_CHOICE,
            CaseStatus.TRANSITION,
            CaseStatus.RETRIEVAL,
        ):
            raise ValidationError(
                _("This case's data has already been erased, or is being erased.")
            )
        if today < case.deletion_due_on and case.early_deletion_confirmed_at is None:
            raise ValidationError(
                _(
                    "The retrieval period runs until %(date)s. The erasure can start earlier "
                    "only with the customer's written confirmation."
                )
                % {"date": case.deletion_due_on.isoformat()}
            )
        held = sorted(
            case.holds.filter(released_at__isnull=True).values_list("category", flat=True)
        )
        # Reverse order of the sources' categories: a later category may find its rows through
        # an earlier one (DataSource.delete_batch).
        order = [c.id for c in reversed(all_categories()) if c.id not in held]
        attempt = case.deletion_jobs.count() + 1
        try:
            with transaction.atomic():
                job = DeletionJob.objects.create(
                    case=case,
                    started_by=user,
                    categories=order,
                    held_categories=held,
                    idempotency_key=f"deletion:{case.public_id}:{attempt}",
                )
        except IntegrityError as error:
            raise DeletionAlreadyRunning(
                case.deletion_jobs.get(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
            ) from error
        case.status = CaseStatus.DELETING
        case.save(update_fields=["status"])
        audit_record(
            action="end_of_contract.deletion_started",
            actor=user,
            actor_label="" if user else "system",
            obj=job,
            organisation=case.organisation,
            request=request,
            details={
                "case": str(case.public_id),
                "categories": order,
                "held_categories": held,
                "early": case.early_deletion_confirmed_at is not None,
            },
        )
        _enqueue(job)
    return job


def deletion_retry(*, job: DeletionJob, user, request=None) -> DeletionJob:
    """A failed erasure goes back to the queue; it continues from the recorded counts."""
    if not has_staff_role(user, "legal"):
        raise PermissionDenied(_("Only legal can do this."))
    with transaction.atomic():
        job = (
            DeletionJob.objects.select_for_update()
            .select_related("case__organisation")
            .get(pk=job.pk)
        )
        if job.status != JobStatus.FAILED:
            raise ValidationError(_("Only a failed erasure can be retried."))
        job_retry(job=job)
        audit_record(
            action="end_of_contract.deletion_retried",
            actor=user,
            obj=job,
            organisation=job.case.organisation,
            request=request,
        )
        _enqueue(job)
    return job


def deletions_start_due(*, today: datetime.date | None = None) -> int:
    """The beat: start every erasure whose retrieval period has ended."""
    today = today or timezone.now().date()
    started = 0
    due = EndOfContractCase.objects.filter(
        status__in=(CaseStatus.AWAITING_CHOICE, CaseStatus.TRANSITION, CaseStatus.RETRIEVAL),
        retrieval_end__lte=today,
    )
    for case in due:
        try:
            deletion_start(case=case, today=today)
        except (DeletionAlreadyRunning, ValidationError):
            continue
        started += 1
    return started


# Running -------------------------------------------------------------------------------------


def _record(job: DeletionJob, **fields) -> None:
    """Save progress only while this attempt owns the job (its attempt number unchanged)."""
    fields["heartbeat_at"] = timezone.now()
    updated = DeletionJob.objects.filter(
        pk=job.pk, attempts=job.attempts, status=JobStatus.RUNNING
    ).update(**fields)
    if updated != 1:
        raise _ClaimLost(str(job.public_id))
    for name, value in fields.items():
        setattr(job, name, value)


def _progress(job: DeletionJob) -> float:
    expected = job.rows_expected
    if expected <= 0:
        return 0.99 if job.finished_categories else 0.0
    return min(job.rows_deleted / expected, 0.99)


def _erase_category(job: DeletionJob, category_id: str, row_filter: RowFilter) -> None:
    """Batch after batch until none is left. Each batch's DELETE and the count it adds commit
    together, so the count recorded is always exactly what is gone."""
    source, _category = get_category(category_id)
    batch_rows = settings.END_OF_CONTRACT_DELETION_BATCH_ROWS
    while True:
        with transaction.atomic():
            deleted = source.delete_batch(
                category_id=category_id, row_filter=row_filter, batch_size=batch_rows
            )
            counts = dict(job.deleted_counts)
            counts[category_id] = counts.get(category_id, 0) + deleted
            finished = list(job.finished_categories)
            if deleted == 0:
                finished.append(category_id)
            job.deleted_counts, job.finished_categories = counts, finished
            _record(
                job, deleted_counts=counts, finished_categories=finished, progress=_progress(job)
            )
        if deleted == 0:
            return


def _erase_leftovers(job: DeletionJob, row_filter: RowFilter, *, rounds: int = 3) -> None:
    """Count again before certifying, and erase what is still there. A safety net: a source's
    "none left" can be wrong (the PostgreSQL-restart drill found the built-in source's
    per-process plan counting a rolled-back batch as gone; the source now plans again after
    a rollback, but the certificate does not rest on any one source getting that right)."""
    for _round in range(rounds):
        left = {}
        for category_id in job.categories:
            source, _category = get_category(category_id)
            remaining = source.count(category_id=category_id, row_filter=row_filter)
            if remaining:
                left[category_id] = remaining
        if not left:
            return
        logger.warning(
            "deletion %s: rows left after the erasure, erasing them again: %s",
            job.public_id,
            left,
            extra={"job": str(job.public_id)},
        )
        finished = [c for c in job.finished_categories if c not in left]
        _record(job, finished_categories=finished)
        for category_id in left:
            _erase_category(job, category_id, row_filter)
    raise RuntimeError(f"rows are still there after {rounds} erasures of what was left")


def certificate_file_name(case: EndOfContractCase) -> str:
    return f"{CERTIFICATE_FOLDER}/{case.organisation.public_id}/{case.public_id}-certificate.pdf"


def certificate_facts(job: DeletionJob, *, finished_at: datetime.datetime) -> dict:
    """What the certificate states, as data: the PDF shows it, and its digest is printed."""
    case = job.case
    names = {c.id: str(c.name) for c in all_categories()}
    holds = case.holds.filter(released_at__isnull=True).order_by("category")
    return {
        "case": str(case.public_id),
        "reference": case.reference,
        "organisation": {
            "id": str(case.organisation.public_id),
            "name": case.organisation.name,
            "slug": case.organisation.slug,
        },
        "choice": case.effective_choice,
        "destination_provider": case.destination_provider,
        "categories": [
            {
                "id": category_id,
                "name": names.get(category_id, category_id),
                "rows_found": job.expected_counts.get(category_id, 0),
                "rows_deleted": job.deleted_counts.get(category_id, 0),
            }
            for category_id in job.categories
        ],
        "holds": [
            {
                "category": hold.category,
                "name": names.get(hold.category, hold.category),
                "reason": hold.reason,
                "rows_kept": job.expected_counts.get(hold.category, 0),
                "placed_at": hold.placed_at.isoformat(),
            }
            for hold in holds
        ],
        "started_at": job.started_at.isoformat(),
        "finished_at": finished_at.isoformat(),
        "backups_overwritten_by": periods.backups_overwritten_by(
            finished_at.astimezone(datetime.UTC).date()
        ).isoformat(),
        "backup_retention_days": settings.END_OF_CONTRACT_BACKUP_RETENTION_DAYS,
        "early_deletion_confirmed_at": case.early_deletion_confirmed_at.isoformat()
        if case.early_deletion_confirmed_at
        else None,
    }


def facts_digest(facts: dict) -> str:
    return hashlib.sha256(
        json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def render_certificate_pdf(facts: dict, *, digest: str) -> bytes:
    return template_to_pdf(
        "end_of_contract/certificate.html",
        {
            "facts": facts,
            "digest": digest,
            "provider_name": settings.PROVIDER_NAME,
            "started_at": datetime.datetime.fromisoformat(facts["started_at"]),
            "finished_at": datetime.datetime.fromisoformat(facts["finished_at"]),
            "backups_overwritten_by": datetime.date.fromisoformat(facts["backups_overwritten_by"]),
        },
    )


def _store(name: str, content: bytes) -> None:
    # A previous attempt may have stored a PDF it never recorded: that one is replaced. A
    # recorded certificate is never rendered again (deletion_run stops before this).
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content, name=name))
    if saved != name:
        default_storage.delete(saved)
        raise RuntimeError(f"storage refused the name {name}")


def _mark_former_customer(organisation: Organisation, case: EndOfContractCase) -> None:
    if organisation.kind == Organisation.Kind.FORMER_CUSTOMER:
        return
    previous = organisation.kind
    organisation.kind = Organisation.Kind.FORMER_CUSTOMER
    organisation.save(update_fields=["kind"])
    audit_record(
        action="organisation.kind_changed",
        actor_label="system",
        obj=organisation,
        organisation=organisation,
        details={"from": previous, "to": organisation.kind, "case": str(case.public_id)},
    )


def _finish(job: DeletionJob) -> None:
    case = job.case
    finished_at = timezone.now()
    facts = certificate_facts(job, finished_at=finished_at)
    digest = facts_digest(facts)
    pdf = render_certificate_pdf(facts, digest=digest)
    _record(job)  # a heartbeat, and a check that this attempt still owns the job
    name = certificate_file_name(case)
    _store(name, pdf)
    sha256 = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        owned = (
            DeletionJob.objects.select_for_update()
            .filter(pk=job.pk, attempts=job.attempts, status=JobStatus.RUNNING)
            .exists()
        )
        if not owned:
            raise _ClaimLost(str(job.public_id))
        job_complete(job=job)
        job.finished_at = finished_at
        job.save(update_fields=["finished_at"])
        certificate = DeletionCertificate.objects.create(
            case=case,
            job=job,
            file_name=name,
            sha256=sha256,
            content_sha256=digest,
            facts=facts,
            rendered_at=finished_at,
            backups_overwritten_by=datetime.date.fromisoformat(facts["backups_overwritten_by"]),
        )
        case = EndOfContractCase.objects.select_for_update().get(pk=case.pk)
        case.status = CaseStatus.DELETED
        case.save(update_fields=["status"])
        _mark_former_customer(case.organisation, case)
        audit_record(
            action="end_of_contract.deletion_completed",
            actor_label="system",
            obj=job,
            organisation=case.organisation,
            details={
                "case": str(case.public_id),
                "deleted_counts": job.deleted_counts,
                "held_categories": job.held_categories,
                "certificate_sha256": sha256,
            },
        )
        case_email(
            case,
            template="deletion_done",
            cause=f"eoc-deleted:{case.public_id}",
            extra={
                "certificate": certificate,
                "certificate_url": settings.SITE_URL
                + reverse("end_of_contract:certificate", kwargs={"public_id": case.public_id}),
                "categories": facts["categories"],
                "holds": facts["holds"],
            },
        )


def deletion_run(*, job_id: int) -> DeletionJob | None:
    """Claim the job and erase what is left; safe to run again at any point. None when there
    was nothing to do (finished, or running elsewhere with a live heartbeat)."""
    try:
        job = job_claim(job_model=DeletionJob, job_id=job_id)
    except JobAttemptsExhausted:
        job = DeletionJob.objects.select_related("case__organisation").get(pk=job_id)
        _audit_failure(job)
        return None
    if job is None:
        return None
    job = DeletionJob.objects.select_related("case__organisation").get(pk=job.pk)
    row_filter = RowFilter(tenant_id=job.case.organisation.tenant_id)
    try:
        if DeletionCertificate.objects.filter(case=job.case).exists():
            raise RuntimeError("The case already has a certificate; it is never issued twice.")
        if not job.expected_counts:
            # Counted once, before the first row goes: the certificate's "rows found".
            counts = {}
            for category_id in [*job.categories, *job.held_categories]:
                source, _category = get_category(category_id)
                counts[category_id] = source.count(category_id=category_id, row_filter=row_filter)
            _record(job, expected_counts=counts)
        for category_id in job.categories:
            if category_id not in job.finished_categories:
                _erase_category(job, category_id, row_filter)
        _erase_leftovers(job, row_filter)
        _finish(job)
    except _ClaimLost:
        logger.warning("deletion %s was taken over by another attempt", job.public_id)
        return None
    except Exception as error:
        logger.exception("deletion failed", extra={"job": str(job.public_id)})
        reason = f"{error.__class__.__name__}: {error}"[:300]
        failed = job_fail_if_still_owned(
            job=job,
            error=_("The erasure stopped (%(reason)s). Retry it: it continues where it stopped.")
            % {"reason": reason},
            also=lambda: _audit_failure(job),
        )
        if not failed:
            return None
    return job


def _audit_failure(job: DeletionJob) -> None:
    audit_record(
        action="end_of_contract.deletion_failed",
        actor_label="system",
        obj=job,
        organisation=job.case.organisation,
        details={"attempts": job.attempts, "deleted_counts": job.deleted_counts},
    )


def certificate_countersign(
    *, certificate: DeletionCertificate, user, request=None
) -> DeletionCertificate:
    """Legal countersigns the certificate (its SHA-256 as issued); the case is then closed."""
    if not has_staff_role(user, "legal"):
        raise PermissionDenied(_("Only legal can countersign."))
    with transaction.atomic():
        certificate = (
            DeletionCertificate.objects.select_for_update()
            .select_related("case__organisation")
            .get(pk=certificate.pk)
        )
        if certificate.is_countersigned:
            raise ValidationError(_("This certificate has already been countersigned."))
        now = timezone.now()
        certificate.countersigned_at, certificate.countersigned_by = now, user
        certificate.save(update_fields=["countersigned_at", "countersigned_by"])
        case = certificate.case
        case.status, case.closed_at = CaseStatus.CLOSED, now
        case.save(update_fields=["status", "closed_at"])
        audit_record(
            action="end_of_contract.certificate_countersigned",
            actor=user,
            obj=certificate,
            organisation=case.organisation,
            request=request,
            details={"case": str(case.public_id), "sha256": certificate.sha256},
        )
    return certificate
