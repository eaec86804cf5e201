"""Requesting an export (and retrying a failed one): validation, one active export per
organisation, the audit event, and the task queued once the request commits."""

import datetime
import hashlib
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exports.models import ExportFormat, ExportJob
from exports.sources import exportable_categories
from exports.sources.base import ExportMethod
from trustcentre.audit.services import audit_record
from trustcentre.jobs.models import JobStatus
from trustcentre.jobs.queueing import enqueue_after_commit
from trustcentre.jobs.services import job_retry

logger = logging.getLogger(__name__)


class ExportAlreadyRunning(Exception):
    """The organisation already has an export queued or running; `job` is that export."""

    def __init__(self, job: ExportJob):
        super().__init__(str(job.public_id))
        self.job = job


class ExportNotRetryable(Exception):
    pass


def _validated_request(
    *, categories, format, date_from, date_to, method: str
) -> tuple[list[str], str]:
    """The category ids in the register's order (duplicates dropped) and the format, or a
    ValidationError naming each bad field. The same data always gives the same files, so the
    order of the request does not matter."""
    errors: dict[str, list[str]] = {}
    known = [category.id for category in exportable_categories()]
    if isinstance(categories, str) or not categories:
        errors["categories"] = [_("Choose at least one category of data.")]
        wanted = []
    else:
        wanted = [str(category) for category in categories]
        unknown = sorted({category for category in wanted if category not in known})
        if unknown:
            errors["categories"] = [
                ngettext(
                    "Unknown category: %(unknown)s. The categories are: %(known)s.",
                    "Unknown categories: %(unknown)s. The categories are: %(known)s.",
                    len(unknown),
                )
                % {"unknown": ", ".join(unknown), "known": ", ".join(known)}
            ]
    if format not in ExportFormat.values:
        errors["format"] = [
            _("Unknown format: %(format)s. The formats are: %(known)s.")
            % {"format": format, "known": ", ".join(ExportFormat.values)}
        ]
    elif "categories" not in errors:
        # What the register states per category: some are offered in one format or through
        # one method only (a derived report: JSON through the API).
        for category in exportable_categories():
            if category.id not in wanted:
                continue
            if method not in category.methods or format not in category.formats:
                errors.setdefault("categories", []).append(
                    _("%(category)s can be exported as %(formats)s through %(methods)s only.")
                    % {
                        "category": category.name,
                        "formats": ", ".join(category.formats),
                        "methods": ", ".join(
                            _("the API") if m == ExportMethod.API else _("the portal")
                            for m in category.methods
                        ),
                    }
                )
    if date_from and date_to:
        if date_to < date_from:
            errors["date_to"] = [_("The period ends before it starts.")]
        else:
            days = (date_to - date_from).days + 1
            if days > settings.EXPORT_MAX_PERIOD_DAYS:
                errors["date_to"] = [
                    _(
                        "The period is %(days)d days long; an export covers at most %(max)d "
                        "days. Split it into several exports, or leave both dates empty to "
                        "export everything."
                    )
                    % {"days": days, "max": settings.EXPORT_MAX_PERIOD_DAYS}
                ]
    if errors:
        raise ValidationError(errors)
    return [category for category in known if category in wanted], format


def _idempotency_key(organisation, client_key: str | None) -> str:
    if not client_key:
        return f"export:{uuid.uuid4()}"
    # The client's own key, scoped to its organisation; hashed so any length and alphabet fit.
    digest = hashlib.sha256(f"{organisation.public_id}:{client_key}".encode()).hexdigest()
    return f"export:client:{digest}"


def _enqueue_run(job: ExportJob) -> None:
    from exports.tasks import run_export  # the task module imports this one

    enqueue_after_commit(run_export, job.pk, description=f"export {job.public_id}")


def export_request(
    *,
    organisation,
    categories,
    format: str,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    user=None,
    api_client=None,
    request=None,
    idempotency_key: str | None = None,
) -> ExportJob:
    """Queue an export of the organisation's data. Raises ValidationError for bad input and
    ExportAlreadyRunning while another export of the organisation is queued or running.
    With the client's `idempotency_key`, asking again returns the first job."""
    category_ids, format = _validated_request(
        categories=categories,
        format=format,
        date_from=date_from,
        date_to=date_to,
        method=ExportMethod.API if api_client is not None else ExportMethod.UI,
    )
    key = _idempotency_key(organisation, idempotency_key)
    if idempotency_key:
        earlier = ExportJob.objects.filter(organisation=organisation, idempotency_key=key).first()
        if earlier is not None:
            return earlier
    try:
        with transaction.atomic():
            running = ExportJob.objects.active().filter(organisation=organisation).first()
            if running is not None:
                raise ExportAlreadyRunning(running)
            job = ExportJob.objects.create(
                organisation=organisation,
                requested_by=user if user is not None and user.is_authenticated else None,
                api_key=getattr(api_client, "api_key", None),
                categories=category_ids,
                format=format,
                date_from=date_from,
                date_to=date_to,
                idempotency_key=key,
            )
            audit_record(
                action="export.requested",
                actor=api_client or user,
                obj=job,
                organisation=organisation,
                request=request,
                details={
                    "categories": category_ids,
                    "format": format,
                    "date_from": date_from.isoformat() if date_from else None,
                    "date_to": date_to.isoformat() if date_to else None,
                    "via": "api" if api_client is not None else "portal",
                },
            )
            _enqueue_run(job)
    except IntegrityError:
        # A request at the same moment won the race (the one-active-export constraint), or
        # the same idempotency key was used twice at once.
        earlier = ExportJob.objects.filter(idempotency_key=key).first()
        if earlier is not None:
            return earlier
        running = ExportJob.objects.active().filter(organisation=organisation).first()
        if running is None:
            raise
        raise ExportAlreadyRunning(running) from None
    return job


def export_retry(*, job: ExportJob, user=None, request=None) -> ExportJob:
    """A failed export goes back to the queue; the re-run keeps the files already finished."""
    if job.status != JobStatus.FAILED:
        raise ExportNotRetryable(str(job.public_id))
    try:
        with transaction.atomic():
            running = ExportJob.objects.active().filter(organisation=job.organisation_id).first()
            if running is not None:
                raise ExportAlreadyRunning(running)
            job_retry(job=job)
            audit_record(
                action="export.retried",
                actor=user,
                obj=job,
                organisation=job.organisation,
                request=request,
            )
            _enqueue_run(job)
    except IntegrityError:
        running = ExportJob.objects.active().filter(organisation=job.organisation_id).first()
        if running is None:
            raise
        raise ExportAlreadyRunning(running) from None
    return job
