"""Reads of the register, notices and versions, scoped where a customer is concerned."""

from django.db.models import Count, Q
from django.utils import timezone

from subprocessors.models import (
    ChangeNotice,
    CustomerScope,
    ListVersion,
    NoticeOrganisation,
    Objection,
    SubProcessor,
)
from trustcentre.accounts.models import Membership, Organisation
from trustcentre.accounts.selectors import portal_organisations

COMPARED_FIELDS = (
    ("name", "Name"),
    ("legal_entity", "Legal entity"),
    ("purpose", "Purpose"),
    ("services", "Services"),
    ("data_categories", "Data categories"),
    ("countries", "Countries"),
    ("regions", "Regions"),
    ("transfer_mechanism_label", "Transfer mechanism"),
    ("website", "Website"),
)


def current_version() -> ListVersion | None:
    return ListVersion.objects.order_by("-number").first()


def public_notices():
    return (
        ChangeNotice.objects.public()
        .select_related("subprocessor", "replaces", "list_version")
        .order_by("-announced_at", "-created_at")
    )


def upcoming_notices():
    return public_notices().filter(status=ChangeNotice.Status.ANNOUNCED).order_by("effective_at")


def scope_for(organisation) -> CustomerScope | None:
    return CustomerScope.objects.filter(organisation=organisation).first()


def applicable_subprocessors(organisation) -> list[SubProcessor]:
    scope = scope_for(organisation)
    return [sp for sp in SubProcessor.objects.listed() if sp.applies_to(scope)]


def customer_organisations_of(user):
    """The customer organisations the user belongs to (subprocessor pages are for customers)."""
    return portal_organisations(user=user).filter(kind=Organisation.Kind.CUSTOMER)


def viewer_deadlines(notice: ChangeNotice, user) -> list[NoticeOrganisation]:
    """The deadlines of the viewer's own organisations for this notice (none for a visitor)."""
    if not user.is_authenticated:
        return []
    return list(
        NoticeOrganisation.objects.filter(
            notice=notice, organisation__memberships__user=user
        ).select_related("organisation")
    )


def organisation_notice_rows(organisation):
    return (
        NoticeOrganisation.objects.filter(organisation=organisation)
        .exclude(notice__status=ChangeNotice.Status.DRAFT)
        .select_related("notice", "notice__subprocessor", "notice__replaces", "acknowledged_by")
        .order_by("-notice__announced_at")
    )


def objections_by_notice(organisation) -> dict[int, Objection]:
    return {o.notice_id: o for o in Objection.objects.filter(organisation=organisation)}


def is_admin_of(user, organisation) -> bool:
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Membership.Role.ADMIN
    ).exists()


def staff_notices(*, status: str = "", search: str = ""):
    notices = ChangeNotice.objects.select_related("subprocessor", "replaces").annotate(
        open_objections=Count(
            "objections", filter=Q(objections__status=Objection.Status.OPEN), distinct=True
        ),
        notified=Count("recipients", distinct=True),
    )
    if status:
        notices = notices.filter(status=status)
    if search:
        notices = notices.filter(
            Q(summary__icontains=search) | Q(subprocessor__name__icontains=search)
        )
    return notices.order_by("-created_at")


def held_by(notice: ChangeNotice) -> int:
    """How many open objections hold this notice past its date (0: it is not held)."""
    if not notice.is_due or notice.proceeded_at is not None:
        return 0
    return notice.objections.filter(status=Objection.Status.OPEN).count()


def held_notices():
    """Announced notices whose date has come while objections are still open, each with
    `open_objections`: legal decides on them."""
    return (
        ChangeNotice.objects.filter(
            status=ChangeNotice.Status.ANNOUNCED,
            effective_at__lte=timezone.now(),
            proceeded_at__isnull=True,
        )
        .annotate(
            open_objections=Count("objections", filter=Q(objections__status=Objection.Status.OPEN))
        )
        .filter(open_objections__gt=0)
        .order_by("effective_at")
    )


def version_diff(older: ListVersion, newer: ListVersion) -> dict:
    """What changed from one version to another: added, removed, and changed entries with each
    field's old and new value."""
    before = {entry["id"]: entry for entry in older.entries}
    after = {entry["id"]: entry for entry in newer.entries}
    added = [after[key] for key in after if key not in before]
    removed = [before[key] for key in before if key not in after]
    changed = []
    for key in after:
        if key not in before:
            continue
        fields = []
        for name, label in COMPARED_FIELDS:
            old, new = before[key].get(name), after[key].get(name)
            if old != new:
                fields.append({"label": label, "old": _show(old), "new": _show(new)})
        if fields:
            changed.append({"entry": after[key], "fields": fields})
    key = lambda entry: entry["name"].lower()  # noqa: E731
    return {
        "added": sorted(added, key=key),
        "removed": sorted(removed, key=key),
        "changed": sorted(changed, key=lambda item: key(item["entry"])),
        "unchanged": len([k for k in after if k in before]) - len(changed),
    }


def _show(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value) if value not in (None, "") else "—"


def last_assessment_by_entry(entries) -> dict:
    """The last assessment of each listed sub-processor, keyed by the public id a list entry
    carries (what customers see on the register: its date and result)."""
    from subprocessors.services.assessments import latest_assessments

    ids = SubProcessor.objects.filter(public_id__in=[entry["id"] for entry in entries])
    latest = latest_assessments(ids.values_list("pk", flat=True))
    return {str(a.subprocessor.public_id): a for a in latest.values()}
