"""Joining an organisation by a verified email domain."""

from allauth.account.models import EmailAddress
from django.db import transaction

from trustcentre.accounts.models import Membership, Organisation
from trustcentre.accounts.services._common import (
    _display_name,
    _organisation_admins,
    _organisation_url,
)
from trustcentre.audit.services import audit_record
from trustcentre.notifications.services import email_enqueue


@transaction.atomic
def organisation_join_by_domain(*, user, request=None) -> list[Membership]:
    """Add the user, as a member, to each organisation that lets verified users of one of
    their domains join. Only verified addresses count; nobody ever joins as admin this way."""
    domains = {
        address.email.rsplit("@", 1)[-1].lower()
        for address in EmailAddress.objects.filter(user=user, verified=True)
    }
    if not domains:
        return []
    candidates = Organisation.objects.filter(allow_domain_join=True).exclude(memberships__user=user)
    created = []
    for organisation in candidates:
        if not domains.intersection(organisation.email_domains):
            continue
        membership = Membership.objects.create(
            organisation=organisation, user=user, role=Membership.Role.MEMBER
        )
        event = audit_record(
            action="membership.created",
            actor=user,
            obj=organisation,
            organisation=organisation,
            request=request,
            details={"user": str(user.public_id), "role": membership.role, "via": "email_domain"},
        )
        # The admins should know who joined, since nobody approved it.
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
        created.append(membership)
    return created
