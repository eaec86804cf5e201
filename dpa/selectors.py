"""Reads other apps may use. The breach notifications call `notice_contact_for`."""

from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from dpa.models import Agreement, DpaVersion
from trustcentre.accounts.models import Membership, Organisation
from trustcentre.accounts.selectors import portal_organisations


class DpaStatus:
    """What the staff list shows for each customer organisation."""

    NOT_SIGNED = "not_signed"
    AWAITING = "awaiting"
    EXECUTED = "executed"
    SUPERSEDED = "superseded"
    CHOICES = [
        (NOT_SIGNED, _("Not signed")),
        (AWAITING, _("Awaiting countersignature")),
        (EXECUTED, _("Executed")),
        (SUPERSEDED, _("Superseded by a newer version")),
    ]
    LABELS = dict(CHOICES)
    # The current version still wants a signature from the organisation: it may sign, and legal
    # may remind its admins.
    NEEDS_SIGNATURE = (NOT_SIGNED, SUPERSEDED)


def agreement_in_force(organisation: Organisation | None) -> Agreement | None:
    """The executed or uploaded agreement in force for the organisation, if any."""
    if organisation is None or organisation.pk is None:
        return None
    return (
        Agreement.objects.in_force()
        .filter(organisation=organisation)
        .select_related("version")
        .order_by("-executed_at")
        .first()
    )


def notice_contact_for(organisation: Organisation) -> str | None:
    """The email address for notices named on the organisation's DPA in force, if any."""
    agreement = agreement_in_force(organisation)
    return agreement.notices_email if agreement else None


def latest_published_version() -> DpaVersion | None:
    return DpaVersion.objects.filter(status=DpaVersion.Status.PUBLISHED).order_by("-number").first()


def awaiting_agreement(organisation: Organisation) -> Agreement | None:
    return (
        Agreement.objects.filter(
            organisation=organisation, status=Agreement.Status.AWAITING_COUNTERSIGNATURE
        )
        .select_related("version", "signed_by")
        .first()
    )


def agreement_history(organisation: Organisation):
    """Every agreement of the organisation, newest first: who signed which version, when."""
    return (
        Agreement.objects.filter(organisation=organisation)
        .select_related("version", "signed_by", "countersigned_by")
        .order_by("-created_at")
    )


def _with_dpa_status(organisations: QuerySet) -> QuerySet:
    """Annotate each organisation with its DPA status (`dpa_status`), the version its agreement
    in force was signed on and whether one awaits countersignature: the one statement of the
    rule, for one organisation's page and for the staff list alike."""
    latest = latest_published_version()
    in_force = (
        Agreement.objects.in_force().filter(organisation=OuterRef("pk")).order_by("-executed_at")
    )
    awaiting = Agreement.objects.filter(
        organisation=OuterRef("pk"), status=Agreement.Status.AWAITING_COUNTERSIGNATURE
    )
    organisations = organisations.annotate(
        has_awaiting=Exists(awaiting),
        awaiting_id=Subquery(awaiting.values("public_id")[:1]),
        in_force_id=Subquery(in_force.values("public_id")[:1]),
        in_force_kind=Subquery(in_force.values("kind")[:1]),
        in_force_version=Subquery(in_force.values("version__number")[:1]),
    )
    # A negotiated DPA stands beside the versions; a signed one is current while no newer
    # version is published.
    current = (
        Q(in_force_kind=Agreement.Kind.NEGOTIATED) | Q(in_force_id__isnull=False)
        if latest is None
        else Q(in_force_kind=Agreement.Kind.NEGOTIATED) | Q(in_force_version=latest.number)
    )
    return organisations.annotate(
        dpa_status=Case(
            When(has_awaiting=True, then=Value(DpaStatus.AWAITING)),
            When(current, then=Value(DpaStatus.EXECUTED)),
            When(in_force_id__isnull=False, then=Value(DpaStatus.SUPERSEDED)),
            default=Value(DpaStatus.NOT_SIGNED),
            output_field=CharField(),
        )
    )


def status_of(organisation: Organisation) -> str:
    return (
        _with_dpa_status(Organisation.objects.filter(pk=organisation.pk))
        .values_list("dpa_status", flat=True)
        .get()
    )


def organisation_status_list(*, search: str = "", status: str = ""):
    """Customer organisations annotated with their DPA status (see `_with_dpa_status`)."""
    organisations = _with_dpa_status(Organisation.objects.filter(kind=Organisation.Kind.CUSTOMER))
    if search:
        organisations = organisations.filter(Q(name__icontains=search) | Q(slug__icontains=search))
    if status:
        organisations = organisations.filter(dpa_status=status)
    return organisations.order_by("name", "pk")


def signers_of(version: DpaVersion):
    """Who signed this version: the agreements made on it, with their signers."""
    return (
        Agreement.objects.filter(version=version)
        .select_related("organisation", "signed_by", "countersigned_by")
        .order_by("organisation__name", "-created_at")
    )


def admins_of(organisation: Organisation) -> list:
    memberships = (
        Membership.objects.filter(
            organisation=organisation, role=Membership.Role.ADMIN, user__is_active=True
        )
        .select_related("user")
        .order_by("user__email")
    )
    return [membership.user for membership in memberships]


def dpa_organisations_of(user):
    """The customer organisations a person belongs to (the portal's DPA pages are theirs)."""
    return portal_organisations(user=user).filter(kind=Organisation.Kind.CUSTOMER)
