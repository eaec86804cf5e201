"""Use cases for organisations, their members and invitations, and the user's own profile."""

import secrets
import zoneinfo
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import DomainNameValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from trustcentre.accounts.models import Invitation, Membership, Organisation, User
from trustcentre.accounts.permissions import can_edit_organisation, can_manage_members
from trustcentre.accounts.selectors import invitation_by_token, token_hash
from trustcentre.audit.services import audit_record
from trustcentre.notifications.services import email_enqueue

INVITATION_VALIDITY = timedelta(days=7)

# Anyone can own an address at these, so they can never mean "works at this organisation".
FREE_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "gmail.com",
        "googlemail.com",
        "gmx.de",
        "gmx.net",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "mail.ru",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "t-online.de",
        "web.de",
        "yahoo.com",
        "yandex.ru",
    }
)

_domain_validator = DomainNameValidator(accept_idna=False)


def _display_name(user) -> str:
    return user.full_name or user.email


def _organisation_admins(organisation: Organisation):
    return User.objects.filter(
        memberships__organisation=organisation, memberships__role=Membership.Role.ADMIN
    )


def _lock(organisation: Organisation) -> None:
    """Serialise membership changes per organisation, so two admins demoting each other at
    the same moment cannot leave it with none (SQLite serialises writers by itself)."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


# Organisations ------------------------------------------------------------------------------


def organisation_clean_domains(domains) -> list[str]:
    """Lower-case, de-duplicate and validate email domains; free-mail domains are refused."""
    cleaned = set()
    errors = []
    for raw in domains:
        domain = raw.strip().lower().lstrip("@").rstrip(".")
        if not domain:
            continue
        try:
            _domain_validator(domain)
            if "." not in domain:
                raise ValidationError("no dot")
        except ValidationError:
            errors.append(
                ValidationError(
                    _("“%(domain)s” is not a domain name such as example.com."),
                    code="invalid_domain",
                    params={"domain": raw.strip()},
                )
            )
            continue
        if domain in FREE_MAIL_DOMAINS:
            errors.append(
                ValidationError(
                    _("“%(domain)s” is a free email service; anyone can have an address there."),
                    code="free_mail_domain",
                    params={"domain": domain},
                )
            )
            continue
        cleaned.add(domain)
    if errors:
        raise ValidationError(errors)
    return sorted(cleaned)


def _check_contract(contract_start: date | None, contract_end: date | None) -> None:
    if contract_start and contract_end and contract_end < contract_start:
        raise ValidationError(
            {"contract_end": _("The contract cannot end before it starts.")}, code="contract_end"
        )


# Words the staff URLs use next to an organisation's slug (/staff/organisations/new/).
RESERVED_SLUGS = frozenset({"new"})


def _free_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str,
    email_domains,
    allow_domain_join: bool,
    contract_start: date | None = None,
    contract_end: date | None = None,
    created_by,
    request=None,
) -> Organisation:
    if not can_edit_organisation(created_by):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the organisation a name.")})
    domains = organisation_clean_domains(email_domains)
    _check_contract(contract_start, contract_end)
    organisation = Organisation.objects.create(
        name=name,
        slug=_free_slug(name),
        kind=kind,
        email_domains=domains,
        allow_domain_join=allow_domain_join,
        contract_start=contract_start,
        contract_end=contract_end,
    )
    audit_record(
        action="organisation.created",
        actor=created_by,
        obj=organisation,
        organisation=organisation,
        request=request,
        details={"kind": kind, "allow_domain_join": allow_domain_join},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    kind: str,
    email_domains,
    allow_domain_join: bool,
    contract_start: date | None,
    contract_end: date | None,
    changed_by,
    request=None,
) -> Organisation:
    """Staff edit what the provider decides about a customer: its kind, the email domains
    whose verified users may join it, and the contract dates."""
    if not can_edit_organisation(changed_by):
        raise PermissionDenied
    if kind not in Organisation.Kind.values:
        raise ValidationError({"kind": _("Choose a kind from the list.")})
    _check_contract(contract_start, contract_end)
    new_values = {
        "kind": kind,
        "email_domains": organisation_clean_domains(email_domains),
        "allow_domain_join": bool(allow_domain_join),
        "contract_start": contract_start,
        "contract_end": contract_end,
    }
    changed = [
        field for field, value in new_values.items() if getattr(organisation, field) != value
    ]
    if not changed:
        return organisation
    for field in changed:
        setattr(organisation, field, new_values[field])
    organisation.save(update_fields=changed)
    audit_record(
        action="organisation.updated",
        actor=changed_by,
        obj=organisation,
        organisation=organisation,
        request=request,
        details={"changed": changed},
    )
    return organisation


# Joining by email domain --------------------------------------------------------------------


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


# Invitations --------------------------------------------------------------------------------


def _organisation_url(organisation: Organisation) -> str:
    return settings.SITE_URL + reverse("accounts:organisation_detail", args=[organisation.slug])


def _revoke_open_invitations(*, organisation, email, actor, request, superseded_by=None) -> None:
    now = timezone.now()
    for invitation in Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ):
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at"])
        details = {"reason": "superseded"}
        if superseded_by is not None:
            details["superseded_by"] = str(superseded_by.public_id)
        audit_record(
            action="invitation.revoked",
            actor=actor,
            obj=invitation,
            organisation=organisation,
            request=request,
            details=details,
        )


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, role: str, invited_by, request=None
) -> Invitation:
    """Invite someone by email. The link carries a random token; only its SHA-256 is stored,
    so the returned invitation's `raw_token` is the one and only copy outside the email."""
    if not can_manage_members(invited_by, organisation):
        raise PermissionDenied
    email = email.strip().lower()
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _("%(email)s is already a member of %(organisation)s.")
                % {"email": email, "organisation": organisation.name}
            },
            code="already_member",
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + INVITATION_VALIDITY,
    )
    # Only the newest invitation for an address works, so an old forwarded link goes dead.
    _revoke_open_invitations(
        organisation=organisation,
        email=email,
        actor=invited_by,
        request=request,
        superseded_by=invitation,
    )
    invitation.save()
    audit_record(
        action="invitation.created",
        actor=invited_by,
        obj=invitation,
        organisation=organisation,
        request=request,
        details={"role": role},
    )
    email_enqueue(
        to=email,
        template="invitation",
        context={
            "organisation": organisation,
            "inviter_name": _display_name(invited_by),
            "role": invitation.get_role_display(),
            "accept_url": settings.SITE_URL + reverse("accounts:invitation", args=[token]),
            "expires_at": invitation.expires_at,
        },
        cause=f"invitation:{invitation.public_id}",
        recipient=User.objects.filter(email__iexact=email).first(),
        organisation=organisation,
    )
    invitation.raw_token = token
    return invitation


def invitation_problem(invitation: Invitation | None, user=None) -> str | None:
    """Why this invitation cannot be accepted (by this user, when given), or None."""
    if invitation is None:
        return _(
            "This invitation link is not valid. Check that you copied the whole link, "
            "or ask for a new invitation."
        )
    name = invitation.organisation.name
    if invitation.accepted_at is not None:
        return _("This invitation has already been used.")
    if invitation.revoked_at is not None:
        return _(
            "This invitation was withdrawn. Ask an admin of %(organisation)s for a new one."
        ) % {"organisation": name}
    if invitation.expires_at <= timezone.now():
        return _(
            "This invitation expired on %(date)s. Ask an admin of %(organisation)s for a new one."
        ) % {
            "date": date_format(timezone.localtime(invitation.expires_at), "j F Y, H:i T"),
            "organisation": name,
        }
    if user is not None and user.is_authenticated:
        verified = EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists()
        if not verified:
            return _(
                "This invitation is for %(email)s. Sign in with that address, once it is "
                "confirmed, to accept it."
            ) % {"email": invitation.email}
    return None


@transaction.atomic
def invitation_accept(*, token: str, user, request=None) -> Membership:
    invitation = invitation_by_token(token)
    problem = invitation_problem(invitation, user)
    if problem:
        raise ValidationError(problem, code="invitation_refused")
    # Single use even when the link is clicked twice at once: the update claims the row.
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(accepted_at=timezone.now())
    if claimed != 1:
        raise ValidationError(
            _("This invitation has already been used."), code="invitation_refused"
        )
    organisation = invitation.organisation
    _lock(organisation)
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        membership = Membership.objects.create(
            organisation=organisation, user=user, role=invitation.role
        )
    elif invitation.role == Membership.Role.ADMIN and not membership.is_admin:
        # Joined by domain in the meantime: the invitation's role wins, but never demotes.
        membership.role = Membership.Role.ADMIN
        membership.save(update_fields=["role"])
    audit_record(
        action="invitation.accepted",
        actor=user,
        obj=invitation,
        organisation=organisation,
        request=request,
        details={"user": str(user.public_id), "role": membership.role},
    )
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, revoked_by, request=None) -> Invitation:
    if not can_manage_members(revoked_by, invitation.organisation):
        raise PermissionDenied
    revoked = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if revoked != 1:
        raise ValidationError(_("This invitation is no longer open."), code="not_open")
    invitation.refresh_from_db(fields=["revoked_at"])
    audit_record(
        action="invitation.revoked",
        actor=revoked_by,
        obj=invitation,
        organisation=invitation.organisation,
        request=request,
    )
    return invitation


# Memberships --------------------------------------------------------------------------------


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


# Profile ------------------------------------------------------------------------------------


@transaction.atomic
def profile_update(*, user, full_name: str, time_zone: str, request=None):
    if time_zone not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
    new_values = {"full_name": full_name.strip(), "time_zone": time_zone}
    changed = [field for field, value in new_values.items() if getattr(user, field) != value]
    if not changed:
        return user
    for field in changed:
        setattr(user, field, new_values[field])
    user.save(update_fields=changed)
    audit_record(
        action="user.profile_updated",
        actor=user,
        obj=user,
        request=request,
        details={"changed": changed},
    )
    return user
