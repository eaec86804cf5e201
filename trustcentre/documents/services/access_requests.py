"""Access requests and grants: the rules decide first, legal approves or rejects the rest;
grants are revoked and expire, and their holders are told."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trustcentre.audit.services import audit_record
from trustcentre.documents import emails
from trustcentre.documents.access import (
    access_rule_for,
    nda_in_force,
    organisation_of,
)
from trustcentre.documents.models import (
    GATED_LEVELS,
    AccessGrant,
    AccessLevel,
    AccessRequest,
)
from trustcentre.documents.services._common import _name, grant_expiry, grant_terms

# Access requests and grants


def _requests_url() -> str:
    return emails.absolute("documents_portal:access_request_list")


def _grant_create(access_request: AccessRequest, term_days: int, now) -> AccessGrant:
    grant = AccessGrant.objects.create(
        access_request=access_request,
        user=access_request.requester,
        organisation=access_request.organisation,
        term_days=term_days,
        granted_at=now,
        expires_at=grant_expiry(now, term_days),
    )
    grant.documents.set(access_request.documents.all())
    return grant


def _email_decision(access_request: AccessRequest, grant: AccessGrant | None):
    documents = list(access_request.documents.all())
    user = access_request.requester
    context = {
        "name": _name(user),
        "access_request": access_request,
        "documents": documents,
        "grant": grant,
        # Someone whose NDA is in force is not asked to accept it again.
        "needs_nda": any(d.access_level == AccessLevel.NDA for d in documents)
        and nda_in_force(user) is None,
        "requests_url": _requests_url(),
    }
    name = "access_request_approved" if grant else "access_request_rejected"
    emails.send(
        name=name,
        to=access_request.email,
        context=context,
        cause=f"access_request.{access_request.status}:{access_request.public_id}",
        recipient=user,
        organisation=access_request.organisation,
    )


@transaction.atomic
def access_request_create(
    *, user, documents, company: str, reason: str, name: str = "", request=None
):
    """A signed-in person asks for gated documents; the rules decide at once where they can,
    and the rule that decided is recorded. A name given here becomes the account's name when it
    has none, so the emails greet the person by it and the NDA comes filled in."""
    documents = list(documents)
    if not documents:
        raise ValidationError(_("Choose at least one document."), code="no_documents")
    for document in documents:
        if document.access_level not in GATED_LEVELS or document.current_version_id is None:
            raise ValidationError(
                _("“%(title)s” cannot be requested.") % {"title": document.title},
                code="not_requestable",
            )
    if name.strip() and not user.full_name:
        user.full_name = name.strip()
        user.save(update_fields=["full_name"])
    organisation = organisation_of(user)
    rule, status = access_rule_for(email=user.email, organisation=organisation)
    now = timezone.now()
    access_request = AccessRequest.objects.create(
        requester=user,
        organisation=organisation,
        email=user.email,
        company=company.strip(),
        reason=reason.strip(),
        status=status,
        rule=rule,
        created_at=now,
        decided_at=None if status == AccessRequest.Status.PENDING else now,
        decision_reason=(
            _("Requests from this email domain are not accepted.")
            if status == AccessRequest.Status.REJECTED
            else ""
        ),
    )
    access_request.documents.set(documents)
    audit_record(
        action="access_request.created",
        actor=user,
        obj=access_request,
        organisation=organisation,
        request=request,
        details={
            "documents": [str(d.public_id) for d in documents],
            "rule": rule,
            "status": status,
        },
    )
    emails.send(
        name="access_request_received",
        to=user.email,
        context={
            "name": _name(user),
            "access_request": access_request,
            "documents": documents,
            "pending": status == AccessRequest.Status.PENDING,
            "requests_url": _requests_url(),
        },
        cause=f"access_request.created:{access_request.public_id}",
        recipient=user,
        organisation=organisation,
    )
    grant = None
    if status == AccessRequest.Status.APPROVED:
        grant = _grant_create(access_request, settings.TRUST_GRANT_DAYS, now)
        audit_record(
            action="access_grant.created",
            actor_label=f"rule:{rule}",
            obj=grant,
            organisation=organisation,
            details={"request": str(access_request.public_id), "term_days": grant.term_days},
        )
    if status != AccessRequest.Status.PENDING:
        _email_decision(access_request, grant)
    return access_request


def _locked_pending(access_request: AccessRequest) -> AccessRequest:
    locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if locked.status != AccessRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."), code="decided")
    return locked


@transaction.atomic
def access_request_approve(*, access_request, user, term_days: int, request=None) -> AccessGrant:
    if term_days not in grant_terms():
        raise ValidationError(_("Choose one of the offered grant lengths."), code="term")
    access_request = _locked_pending(access_request)
    now = timezone.now()
    access_request.status = AccessRequest.Status.APPROVED
    access_request.decided_at = now
    access_request.decided_by = user
    access_request.save(update_fields=["status", "decided_at", "decided_by"])
    grant = _grant_create(access_request, term_days, now)
    audit_record(
        action="access_request.approved",
        actor=user,
        obj=access_request,
        organisation=access_request.organisation,
        request=request,
        details={"grant": str(grant.public_id), "term_days": term_days},
    )
    _email_decision(access_request, grant)
    return grant


@transaction.atomic
def access_request_reject(*, access_request, user, reason: str, request=None) -> AccessRequest:
    if not reason.strip():
        raise ValidationError(_("Give the reason; the requester reads it."), code="reason")
    access_request = _locked_pending(access_request)
    access_request.status = AccessRequest.Status.REJECTED
    access_request.decided_at = timezone.now()
    access_request.decided_by = user
    access_request.decision_reason = reason.strip()
    access_request.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    audit_record(
        action="access_request.rejected",
        actor=user,
        obj=access_request,
        organisation=access_request.organisation,
        request=request,
    )
    _email_decision(access_request, None)
    return access_request


@transaction.atomic
def grant_revoke(*, grant: AccessGrant, user, reason: str, request=None) -> AccessGrant:
    grant = (
        AccessGrant.objects.select_for_update().select_related("access_request").get(pk=grant.pk)
    )
    if grant.revoked_at is not None:
        raise ValidationError(_("This grant is already revoked."), code="revoked")
    grant.revoked_at = timezone.now()
    grant.revoked_by = user
    grant.revoke_reason = reason.strip()
    grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        action="access_grant.revoked",
        actor=user,
        obj=grant,
        organisation=grant.organisation,
        request=request,
    )
    emails.send(
        name="grant_revoked",
        to=grant.access_request.email,
        context={
            "name": _name(grant.user),
            "grant": grant,
            "access_request": grant.access_request,
            "documents": list(grant.documents.all()),
        },
        cause=f"access_grant.revoked:{grant.public_id}",
        recipient=grant.user,
        organisation=grant.organisation,
    )
    return grant


def grants_expiry_remind(*, now=None) -> int:
    """Email each holder whose grant ends within TRUST_EXPIRY_REMINDER_DAYS, once per grant."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=settings.TRUST_EXPIRY_REMINDER_DAYS)
    sent = 0
    due = AccessGrant.objects.in_force(now).filter(
        expires_at__lte=horizon, expiry_reminder_sent_at__isnull=True
    )
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            grant = (
                AccessGrant.objects.select_for_update()
                .select_related("access_request", "user")
                .filter(pk=pk, expiry_reminder_sent_at__isnull=True)
                .first()
            )
            if grant is None:
                continue
            grant.expiry_reminder_sent_at = now
            grant.save(update_fields=["expiry_reminder_sent_at"])
            emails.send(
                name="grant_expiring",
                to=grant.access_request.email,
                context={
                    "name": _name(grant.user),
                    "grant": grant,
                    "access_request": grant.access_request,
                    "documents": list(grant.documents.all()),
                    "requests_url": _requests_url(),
                },
                cause=f"access_grant.expiring:{grant.public_id}",
                recipient=grant.user,
                organisation=grant.organisation,
            )
            sent += 1
    return sent
