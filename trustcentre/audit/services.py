"""Writing audit events (call `audit_record` inside the transaction of the change it records),
and the CSV export of the log."""

import csv
import hashlib
import io
import json
import logging
import tempfile
import uuid
from datetime import UTC

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address
from django.utils.translation import gettext as _

from trustcentre.audit.models import GENESIS_HASH, AuditEvent, AuditExportJob
from trustcentre.audit.selectors import audit_event_list
from trustcentre.jobs.models import JobStatus
from trustcentre.jobs.queueing import enqueue_after_commit
from trustcentre.jobs.services import (
    JobAttemptsExhausted,
    job_claim,
    job_complete,
    job_fail,
    job_heartbeat,
    job_retry,
)
from trustcentre.lib.client import client_address

logger = logging.getLogger("trustcentre.audit")

# Any constant works; it names the one advisory lock that serialises appends on PostgreSQL.
_CHAIN_LOCK_ID = 727_274_001


def _lock_chain():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
    # SQLite serialises writers itself (transaction_mode IMMEDIATE).


def client_ip(request) -> str | None:
    """trustcentre.lib.client.client_address, or None where there is no request or address
    (the form the audit event's and other models' address fields take)."""
    if request is None:
        return None
    return client_address(request) or None


def _normalised_ip(address: str | None) -> str | None:
    """The address as the database will give it back (PostgreSQL's inet lowercases and
    compresses IPv6), so the hash computed now is the hash recomputed later."""
    if address and ":" in address:
        try:
            return clean_ipv6_address(address)
        except ValidationError:
            return None
    return address or None


def audit_record(
    *,
    action: str,
    actor=None,
    actor_label: str = "",
    obj=None,
    object_type: str = "",
    object_id: str = "",
    organisation=None,
    request=None,
    ip_address: str | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain. Details carry references (ids, hashes), not personal data."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    api_key = getattr(actor, "api_key", None)
    if api_key is not None:
        # An API-key caller is an organisation's integration, not a user row.
        actor_label = actor_label or f"api-key:{api_key.prefix}"
        organisation = organisation or api_key.organisation
    oauth_client = getattr(actor, "oauth_client", None)
    if oauth_client is not None:
        # An OAuth 2.0 API client, likewise: named by its client id.
        actor_label = actor_label or f"api-client:{oauth_client.client_id}"
        organisation = organisation or oauth_client.organisation
    if actor is not None and not isinstance(actor, get_user_model()):
        actor = None
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        event = AuditEvent(
            seq=(last["seq"] + 1) if last else 1,
            previous_hash=last["hash"] if last else GENESIS_HASH,
            actor=actor,
            actor_label=actor_label or ("" if actor else "system"),
            action=action,
            object_type=object_type,
            object_id=object_id,
            organisation=organisation,
            ip_address=_normalised_ip(ip_address or client_ip(request)),
            details=details or {},
            key_id=settings.AUDIT_CHAIN_KEY_ID,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
    logger.info("audit event appended", extra={"audit_seq": event.seq, "audit_hash": event.hash})
    return event


def fields_update_audited(
    *, obj, values: dict, action: str, actor=None, request=None, now=None, validate: bool = True
) -> list[str]:
    """Set `values` on `obj`, save those that changed (with `updated_at`, after `full_clean()`
    when `validate`), and record `action` naming them: the one way an edit form's changes are
    saved and audited. Call it inside the caller's transaction. Returns the names of the fields
    that changed; when none did, nothing is saved or recorded."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(obj, name, values[name])
    obj.updated_at = now or timezone.now()
    if validate:
        obj.full_clean()
    obj.save(update_fields=[*changed, "updated_at"])
    audit_record(action=action, actor=actor, obj=obj, request=request, details={"fields": changed})
    return changed


# The CSV export of filtered events: requested on the staff page, written by a worker.

EXPORT_CHUNK_SIZE = 2000
EXPORT_FOLDER = "audit-exports"
EXPORT_COLUMNS = (
    "seq",
    "id",
    "occurred_at_utc",
    "actor",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "organisation",
    "ip_address",
    "details",
    "previous_hash",
    "hash",
)


class AuditExportNotRetryable(Exception):
    pass


def _enqueue_export(job: AuditExportJob) -> None:
    from trustcentre.audit.tasks import run_audit_export  # the task module imports this one

    enqueue_after_commit(run_audit_export, job.pk, description=f"audit export {job.public_id}")


def audit_export_request(*, user, filters: dict, request=None) -> AuditExportJob:
    """Queue a CSV export of the events matching `filters` (AuditEventFilterForm.to_filters).
    The chain's head is fixed now, so a re-delivered task writes the same file."""
    with transaction.atomic():
        head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        job = AuditExportJob.objects.create(
            requested_by=user,
            filters=filters,
            up_to_seq=head,
            idempotency_key=str(uuid.uuid4()),
        )
        # The filters may hold an actor's email: the event names the job, not the filters.
        audit_record(
            action="audit.export_requested",
            actor=user,
            obj=job,
            request=request,
            details={"up_to_seq": head},
        )
        _enqueue_export(job)
    return job


def audit_export_retry(*, job: AuditExportJob, user, request=None) -> AuditExportJob:
    if job.status != JobStatus.FAILED:
        raise AuditExportNotRetryable(str(job.public_id))
    with transaction.atomic():
        job_retry(job=job)
        audit_record(action="audit.export_retried", actor=user, obj=job, request=request)
        _enqueue_export(job)
    return job


def _csv_row(values: tuple) -> list:
    (
        seq,
        public_id,
        occurred_at,
        actor_email,
        actor_label,
        action,
        object_type,
        object_id,
        organisation,
        ip_address,
        details,
        previous_hash,
        hash_,
    ) = values
    return [
        seq,
        str(public_id),
        occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        actor_email or "",
        actor_label,
        action,
        object_type,
        object_id,
        organisation or "",
        ip_address or "",
        json.dumps(
            details,
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            cls=DjangoJSONEncoder,
        ),
        previous_hash,
        hash_,
    ]


def _write_export_file(job: AuditExportJob, handle) -> tuple[int, str]:
    """Write the CSV to `handle` (binary) chunk by chunk; return rows written and SHA-256."""
    events = (
        audit_event_list(**job.filters)
        .filter(seq__lte=job.up_to_seq)
        .order_by("seq")
        .values_list(
            "seq",
            "public_id",
            "occurred_at",
            "actor__email",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "organisation__slug",
            "ip_address",
            "details",
            "previous_hash",
            "hash",
        )
    )
    total = events.count()
    digest = hashlib.sha256()
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        data = buffer.getvalue().encode("utf-8")
        digest.update(data)
        handle.write(data)
        buffer.seek(0)
        buffer.truncate()

    writer.writerow(EXPORT_COLUMNS)
    written = 0
    for values in events.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        writer.writerow(_csv_row(values))
        written += 1
        if written % EXPORT_CHUNK_SIZE == 0:
            flush()
            job_heartbeat(job=job, progress=written / total if total else 1.0)
    flush()
    return written, digest.hexdigest()


def audit_export_run(*, job_id: int) -> AuditExportJob | None:
    """Claim the job and write its file; safe to run twice. A re-delivered job writes the
    file again from the start; its fixed head (up_to_seq) makes the bytes come out the same."""
    try:
        job = job_claim(job_model=AuditExportJob, job_id=job_id)
    except JobAttemptsExhausted:
        return None
    if job is None:
        return None
    name = f"{EXPORT_FOLDER}/{job.public_id}.csv"
    try:
        with tempfile.TemporaryFile() as handle:
            row_count, sha256 = _write_export_file(job, handle)
            handle.seek(0)
            if default_storage.exists(name):  # left by an attempt that died before completing
                default_storage.delete(name)
            saved = default_storage.save(name, File(handle, name=name))
    except Exception as error:
        logger.exception("audit export failed", extra={"job": str(job.public_id)})
        reason = f"{error.__class__.__name__}: {error}"[:300]
        job_fail(
            job=job, error=_("The export could not be written (%(reason)s).") % {"reason": reason}
        )
        return job
    with transaction.atomic():
        job.row_count, job.sha256, job.file_name = row_count, sha256, saved
        job_complete(job=job, extra_fields=("row_count", "sha256", "file_name"))
        audit_record(
            action="audit.exported",
            actor=job.requested_by,
            obj=job,
            details={"rows": row_count, "sha256": sha256, "up_to_seq": job.up_to_seq},
        )
    return job


def audit_export_delivered(*, job: AuditExportJob, user, request=None) -> None:
    """Record a download of the export file, with the SHA-256 of what was delivered."""
    audit_record(
        action="audit.export_downloaded",
        actor=user,
        obj=job,
        request=request,
        details={"sha256": job.sha256, "rows": job.row_count},
    )
