"""Reads for the organisation pages, always scoped to what the viewer may see."""

import hashlib

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from trustcentre.accounts.models import Invitation, Membership, Organisation
from trustcentre.audit.models import AuditEvent


def portal_organisations(*, user) -> QuerySet:
    """Organisations whose portal pages the user may open: their own. Staff see every
    organisation, but on the staff pages, which sit behind the second factor."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.visible_to(user).filter(memberships__user=user).distinct()


def organisation_members(
    *, organisation: Organisation, search: str = "", role: str = ""
) -> QuerySet:
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


def token_hash(token: str) -> str:
    """Invitation tokens are stored only as this hash, so a database leak yields no live link."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )


def staff_organisation_list(*, user, kind: str = "", search: str = "") -> QuerySet:
    organisations = Organisation.objects.visible_to(user).annotate(
        member_count=Count("memberships")
    )
    if kind:
        organisations = organisations.filter(kind=kind)
    if search:
        organisations = organisations.filter(
            Q(name__icontains=search)
            | Q(slug__icontains=search)
            | Q(email_domains__icontains=search)
        )
    return organisations.order_by("name")


def staff_organisation_or_404(*, user, slug: str) -> Organisation:
    """The organisation a staff page names, for a viewer who may see it; else Http404, so an
    organisation the viewer may not see is not disclosed."""
    return get_object_or_404(Organisation.objects.visible_to(user), slug=slug)


def organisation_recent_events(*, organisation: Organisation, limit: int = 20) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(organisation=organisation)
        .select_related("actor")
        .order_by("-seq")[:limit]
    )
