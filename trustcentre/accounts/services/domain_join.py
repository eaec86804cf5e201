"""Joining an organisation by a verified email domain."""

from allauth.account.models import EmailAddress
from django.db import transaction

from trustcentre.accounts.models import Membership, Organisation
from trustcentre.accounts.services.memberships import membership_join


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
        membership, _new = membership_join(
            organisation=organisation,
            user=user,
            via="email_domain",
            tell_admins=True,
            request=request,
        )
        created.append(membership)
    return created
