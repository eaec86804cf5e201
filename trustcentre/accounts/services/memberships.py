"""Joining without an invitation, removing members and changing their role; an organisation
always keeps an admin."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trustcentre.accounts.models import Membership, Organisation
from trustcentre.accounts.permissions import can_manage_members
from trustcentre.accounts.services._common import (
    _display_name,
    _lock,
    _organisation_admins,
    _organisation_url,
)
from trustcentre.audit.services import audit_record
from trustcentre.notifications.services import email_enqueue


def _check_keeps_an_admin(membership: Membership) -> None:
    others = Membership.objects.filter(
        organisation=membership.organisation, role=Membership.Role.ADMIN
    ).exclude(pk=membership.pk)
    if membership.is_admin and not others.exists():
        raise ValidationError(
            _("%(organisation)s must keep at least one admin. Make someone else an admin first.")
            % {"organisation": membership.organisation.name},
            code="last_admin",
        )


@transaction.atomic
def membership_remove(*, membership: Membership, removed_by, request=None) -> None:
    organisation = membership.organisation
    if not can_manage_members(removed_by, organisation):
        raise PermissionDenied
    _lock(organisation)
    membership.refresh_from_db(fields=["role"])
    _check_keeps_an_admin(membership)
    user = membership.user
    role = membership.role
    membership.delete()
    event = audit_record(
        action="membership.removed",
        actor=removed_by,
        obj=organisation,
        organisation=organisation,
        request=request,
        details={"user": str(user.public_id), "role": role},
    )
    email_enqueue(
        to=user.email,
        template="membership_removed",
        context={"organisation": organisation, "name": _display_name(user)},
        cause=f"membership.removed:{event.public_id}",
        recipient=user,
        organisation=organisation,
    )


@transaction.atomic
def membership_change_role(
    *, membership: Membership, role: str, changed_by, request=None
) -> Membership:
    organisation = membership.organisation
    if not can_manage_members(changed_by, organisation):
        raise PermissionDenied
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    _lock(organisation)
    membership.refresh_from_db(fields=["role"])
    if membership.role == role:
        return membership
    if role != Membership.Role.ADMIN:
        _check_keeps_an_admin(membership)
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    event = audit_record(
        action="membership.role_changed",
        actor=changed_by,
        obj=organisation,
        organisation=organisation,
        request=request,
        details={"user": str(membership.user.public_id), "from": previous, "to": role},
    )
    email_enqueue(
        to=membership.user.email,
        template="membership_role_changed",
        context={
            "organisation": organisation,
            "name": _display_name(membership.user),
            "role": membership.get_role_display(),
            "organisation_url": _organisation_url(organisation),
        },
        cause=f"membership.role_changed:{event.public_id}",
        recipient=membership.user,
        organisation=organisation,
    )
    return membership


@transaction.atomic
def membership_join(
    *, organisation: Organisation, user, via: str, tell_admins: bool, request=None
) -> tuple[Membership, bool]:
    """The person joins the organisation without an invitation (by a verified email domain, or
    through the organisation's identity provider): as a member, never as admin, and an existing
    membership keeps its role. Returns the membership and whether it is new. A new one is
    audited; with `tell_admins`, each admin is emailed, since nobody approved it."""
    membership, created = Membership.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": Membership.Role.MEMBER}
    )
    if not created:
        return membership, False
    event = audit_record(
        action="membership.created",
        actor=user,
        obj=organisation,
        organisation=organisation,
        request=request,
        details={"user": str(user.public_id), "role": membership.role, "via": via},
    )
    if tell_admins:
        for admin in _organisation_admins(organisation):
            email_enqueue(
                to=admin.email,
                template="membership_joined_by_domain",
                context={
                    "organisation": organisation,
                    "member_name": _display_name(user),
                    "member_email": user.email,
                    "organisation_url": _organisation_url(organisation),
                },
                cause=f"membership.created:{event.public_id}",
                recipient=admin,
                organisation=organisation,
            )
    return membership, True
