"""Permission predicates for accounts and organisations, and the decorators built on them."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from trustcentre.accounts.models import Membership, Organisation


def is_staff_member(user) -> bool:
    return user.is_authenticated and user.needs_second_factor


def has_staff_role(user, role: str) -> bool:
    return user.is_authenticated and (user.is_superuser or role in user.staff_roles)


def membership_for(user, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def is_organisation_admin(user, organisation: Organisation) -> bool:
    membership = membership_for(user, organisation)
    return membership is not None and membership.is_admin


def is_customer_admin(user) -> bool:
    """Admin of a customer's (or former customer's) organisation: the people who export the
    organisation's data, sign its agreements and manage its members. Prospects are the
    documented exception (SECURITY-TESTS row 4)."""
    return (
        Membership.objects.filter(user=user, role=Membership.Role.ADMIN)
        .exclude(organisation__kind=Organisation.Kind.PROSPECT)
        .exists()
    )


def staff_required(view):
    """Signed-in staff only. The second factor itself is enforced by StaffSecondFactorMiddleware."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


ROLE_LABELS = {
    "legal": _("Legal"),
    "dpo": _("Data protection officer"),
    "trust_admin": _("Trust admin"),
}


def roles_needed_message(roles) -> str:
    """What the 403 page tells staff: which role opens the page, so they know whom to ask."""
    names = [str(ROLE_LABELS.get(role, role)) for role in roles]
    return str(
        format_lazy(_("This page needs the staff role {roles}."), roles=str(_(" or ")).join(names))
    )


def staff_role_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_staff_role(request.user, role) for role in roles):
                raise PermissionDenied(roles_needed_message(roles))
            return view(request, *args, **kwargs)

        return staff_required(wrapper)

    return decorator


# Who may do what to an organisation's people (SECURITY-TESTS row 13). The same table is the
# permission matrix in tests/accounts/test_organisation_permissions.py.
#
# | action                                   | member | its admin | legal, trust_admin | other org |
# |------------------------------------------|--------|-----------|--------------------|-----------|
# | see the organisation page and members    | yes    | yes       | staff pages (*)    | 404       |
# | invite, revoke invitations               | 403    | yes       | staff pages        | 404       |
# | remove members, change roles             | 403    | yes       | staff pages        | 404       |
# | edit kind, domains, domain join, contract| 403    | 403       | staff pages        | 404       |
# (*) every staff role may look at the staff pages (the DPO too); only legal and trust
# admins change anything there. Portal pages show only the viewer's own organisations.
ORGANISATION_STAFF_ROLES = ("legal", "trust_admin")

# The staff pages that change an organisation, its people or its single sign-on. Pages that
# only show organisations need staff_required alone: the DPO needs to know who the
# customers are for a breach notice.
organisation_staff_required = staff_role_required(*ORGANISATION_STAFF_ROLES)


def is_organisation_staff(user) -> bool:
    """Legal and trust admins look after customers' organisations on the staff pages."""
    return any(has_staff_role(user, role) for role in ORGANISATION_STAFF_ROLES)


def can_manage_members(user, organisation: Organisation) -> bool:
    return is_organisation_admin(user, organisation) or is_organisation_staff(user)


def can_edit_organisation(user) -> bool:
    return is_organisation_staff(user)
