"""Writing audit events. Call `audit_record` inside the transaction of the change it records."""

import logging

from django.db import connection, transaction

from trustcentre.audit.models import GENESIS_HASH, AuditEvent

logger = logging.getLogger("trustcentre.audit")

# Any constant works; it names the one advisory lock that serialises appends on PostgreSQL.
_CHAIN_LOCK_ID = 727_274_001


def _lock_chain():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
    # SQLite serialises writers itself (transaction_mode IMMEDIATE).


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
    if actor is not None and not getattr(actor, "is_authenticated", False):
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
            ip_address=ip_address or client_ip(request),
            details=details or {},
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
    logger.info("audit event appended", extra={"audit_seq": event.seq, "audit_hash": event.hash})
    return event
