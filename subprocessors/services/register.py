"""The register: sub-processors, customers' scopes, and the numbered list versions."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from subprocessors.models import CustomerScope, ListVersion, SubProcessor
from trustcentre.audit.services import audit_record, fields_update_audited
from trustcentre.pages.public_cache import public_content_changed

# Fields legal may correct directly on an active sub-processor (they change nothing a customer
# could object to); everything else changes through a change notice.
DIRECT_EDIT_FIELDS = ("legal_entity", "website")
REGISTER_FIELDS = (
    "name",
    "legal_entity",
    "purpose",
    "services",
    "data_categories",
    "countries",
    "regions",
    "transfer_mechanism",
    "transfer_mechanism_other",
    "website",
)


def subprocessor_create(
    *, user=None, request=None, status=SubProcessor.Status.PROPOSED, **fields
) -> SubProcessor:
    """A new sub-processor: proposed (to be announced with an "add" or "replace" notice), or
    active when the register is first filled in."""
    subprocessor = SubProcessor(
        status=status, **{k: v for k, v in fields.items() if k in REGISTER_FIELDS}
    )
    subprocessor.full_clean()
    with transaction.atomic():
        subprocessor.save()
        public_content_changed()
        audit_record(
            action="subprocessor.created",
            actor=user,
            obj=subprocessor,
            request=request,
            details={"status": status, "countries": subprocessor.countries},
        )
    return subprocessor


def subprocessor_update(
    *, subprocessor: SubProcessor, user=None, request=None, **fields
) -> SubProcessor:
    allowed = (
        REGISTER_FIELDS
        if subprocessor.status == SubProcessor.Status.PROPOSED
        else DIRECT_EDIT_FIELDS
    )
    for name, value in fields.items():
        if name not in allowed and getattr(subprocessor, name) != value:
            raise ValidationError(
                {name: "This sub-processor is in use: change it through a change notice."}
            )
    with transaction.atomic():
        changed = fields_update_audited(
            obj=subprocessor,
            values={name: value for name, value in fields.items() if name in allowed},
            action="subprocessor.updated",
            actor=user,
            request=request,
        )
        if changed:
            public_content_changed()
    return subprocessor


def customer_scope_set(
    *, organisation, services, regions, user=None, request=None
) -> CustomerScope:
    with transaction.atomic():
        scope, _ = CustomerScope.objects.update_or_create(
            organisation=organisation,
            defaults={
                "services": [s.strip() for s in services if s.strip()],
                "regions": sorted({r.strip().lower() for r in regions if r.strip()}),
            },
        )
        public_content_changed()
        audit_record(
            action="subprocessor.customer_scope_set",
            actor=user,
            obj=scope,
            organisation=organisation,
            request=request,
            details={"services": scope.services, "regions": scope.regions},
        )
    return scope


def list_version_publish(*, notice=None, now=None) -> ListVersion:
    """Snapshot the active sub-processors as the next numbered version (inside the caller's
    transaction). Two publications at once: the unique number makes one retry."""
    now = now or timezone.now()
    entries = [sp.snapshot() for sp in SubProcessor.objects.listed().order_by("name", "pk")]
    for _attempt in range(3):
        number = (ListVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                version = ListVersion.objects.create(
                    number=number, published_at=now, notice=notice, entries=entries
                )
        except IntegrityError:
            continue
        public_content_changed()
        audit_record(
            action="subprocessor.list_version_published",
            obj=version,
            object_id=str(version.number),
            details={"number": number, "entries": len(entries)},
        )
        return version
    raise RuntimeError("could not number the new list version")


def register_initialise(*, user=None) -> ListVersion:
    """The first version of the list, once the register holds the sub-processors in use."""
    with transaction.atomic():
        existing = ListVersion.objects.order_by("number").first()
        if existing is not None:
            return existing
        return list_version_publish()
