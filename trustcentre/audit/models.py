"""The append-only, hash-chained audit log."""

import hashlib
import hmac
import json
import uuid
from datetime import UTC

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trustcentre.jobs.models import BackgroundJob

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    seq = models.BigIntegerField(_("sequence"), unique=True, editable=False)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(
        _("actor"),
        max_length=200,
        blank=True,
        help_text=_("Who acted when it was not a signed-in user: 'system', 'api-key:<prefix>'."),
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(
        _("chain key id"),
        max_length=32,
        blank=True,
        default="",
        help_text=_("Which AUDIT_CHAIN_KEY keyed this event's hash; empty before keying."),
    )

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def canonical_payload(self) -> dict:
        """Exactly what the hash covers; stable across databases and Python versions."""
        return {
            "seq": self.seq,
            "id": str(self.public_id),
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "organisation_id": self.organisation_id,
            "ip_address": self.ip_address,
            "details": json.loads(json.dumps(self.details, cls=DjangoJSONEncoder)),
        }

    def compute_hash(self) -> str:
        """HMAC-SHA256 with the chain key named by `key_id` over the previous hash and the
        canonical payload; plain SHA-256 for events from before the chain was keyed."""
        canonical = json.dumps(self.canonical_payload(), sort_keys=True, separators=(",", ":"))
        message = (self.previous_hash + canonical).encode()
        if not self.key_id:
            return hashlib.sha256(message).hexdigest()
        key = chain_keys().get(self.key_id)
        if key is None:
            raise UnknownChainKey(self.key_id)
        return hmac.new(key, self.key_id.encode() + b":" + message, hashlib.sha256).hexdigest()


class UnknownChainKey(Exception):
    """An event names a chain key id that is neither the current key nor a fallback."""


def chain_keys() -> dict[str, bytes]:
    """The current key and every fallback ("id:secret"), by key id."""
    keys = {}
    for entry in settings.AUDIT_CHAIN_KEY_FALLBACKS:
        key_id, _separator, secret = entry.partition(":")
        if key_id and secret:
            keys[key_id.strip()] = secret.strip().encode()
    keys[settings.AUDIT_CHAIN_KEY_ID] = settings.AUDIT_CHAIN_KEY.encode()
    return keys


class AuditExportJob(BackgroundJob):
    """A CSV export of filtered audit events, written to private storage by a worker."""

    task_name = "trustcentre.audit.tasks.run_audit_export"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    up_to_seq = models.BigIntegerField(
        _("up to sequence"),
        default=0,
        help_text=_("The chain's head when requested; a re-run exports the same events."),
    )
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("audit export")
        verbose_name_plural = _("audit exports")

    def __str__(self):
        return f"audit export {self.public_id}"
