"""Reads for the organisation pages, always scoped to what the viewer may see."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from trustcentre.accounts.models import Invitation, Membership, Organisation
from trustcentre.audit.models import AuditEvent


def organisation_members(*, organisation: Organisation, search: str = "", role: str = "") -> QuerySet:
    memberships = Membership.objects.filter(organisation=organisation).select_related("user")
    if search:
        memberships = memberships.filter(
            Q(user__email__icontains=search) | Q(user__full_name__icontains=search)
        )
    if role:
        memberships = memberships.filter(role=role)
    return memberships.order_by("user__full_name", "user__email")


def organisation_open_invitations(*, organisation: Organisation) -> QuerySet:
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def invitation_by_token_hash(hashed: str) -> Invitation | None:
    return Invitation.objects.select_related("organisation").filter(token_hash=hashed).first()


def staff_organisation_list(*, user, kind: str = "", search: str = "") -> QuerySet:
    organisations = Organisation.objects.visible_to(user).annotate(member_count=Count("memberships"))
    if kind:
        organisations = organisations.filter(kind=kind)
    if search:
        organisations = organisations.filter(
            Q(name__icontains=search) | Q(slug__icontains=search) | Q(email_domains__icontains=search)
        )
    return organisations.order_by("name")


def organisation_recent_events(*, organisation: Organisation, limit: int = 20) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(organisation=organisation).select_related("actor").order_by("-seq")[:limit]
    )
