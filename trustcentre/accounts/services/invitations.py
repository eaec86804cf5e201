"""Inviting people into an organisation, and accepting or withdrawing invitations."""

import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trustcentre.accounts.models import Invitation, Membership, Organisation, User
from trustcentre.accounts.permissions import can_manage_members
from trustcentre.accounts.selectors import invitation_by_token, token_hash
from trustcentre.accounts.services._common import (
    INVITATION_VALIDITY,
    _display_name,
    _lock,
)
from trustcentre.audit.services import audit_record
from trustcentre.notifications.services import email_enqueue


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
