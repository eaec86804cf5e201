"""Audit and information requests: a customer admin asks; legal triages, answers with documents
or schedules an audit, and closes; both sides write in the request's thread. Each step is one
transaction with its audit event and its emails (outbox rows, one cause per step and recipient).
Shared documents are PDFs, served stamped with who downloaded them, under that person's NDA."""

import datetime
import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dpa import selectors as dpa_selectors
from dpa.audits.deadlines import answer_days_for, answer_due_on, answered_in_time
from dpa.audits.models import AuditDocument, AuditMessage, AuditRequest
from trustcentre.accounts.models import Organisation, User
from trustcentre.accounts.permissions import has_staff_role, is_organisation_admin
from trustcentre.audit.services import audit_record
from trustcentre.documents.access import is_staff_viewer, nda_in_force
from trustcentre.documents.files import stamp_pdf
from trustcentre.documents.services import stamp_lines
from trustcentre.lib.files import check_upload, read_private, store_private
from trustcentre.notifications.services import email_enqueue

Status = AuditRequest.Status
CUSTOMER_KINDS = (Organisation.Kind.CUSTOMER, Organisation.Kind.FORMER_CUSTOMER)
MAX_DOCUMENTS = 10
STORAGE_FOLDER = "audit-requests"


class NotAllowed(PermissionDenied):
    """The person may not take this step."""


class AuditStateError(Exception):
    """The request is not in a state that allows this step; the message says why."""


class NdaRequired(PermissionDenied):
    """Shared documents are confidential: the downloader needs an NDA in force."""


def _require_legal(user) -> None:
    if user is None or not has_staff_role(user, "legal"):
        raise NotAllowed(_("Only legal may do this."))


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _new_reference(now: datetime.datetime) -> str:
    return f"AUD-{now:%Y}-{secrets.token_hex(3).upper()}"


# Emails


def _portal_url(audit_request: AuditRequest) -> str:
    path = reverse("audits_portal:request_detail", args=[audit_request.public_id])
    return f"{settings.SITE_URL}{path}"


def _staff_url(audit_request: AuditRequest) -> str:
    path = reverse("audits_staff:request_detail", args=[audit_request.public_id])
    return f"{settings.SITE_URL}{path}"


def customer_recipients(organisation: Organisation) -> list[User]:
    """The organisation's admins: the people who ask for audits and receive the answers."""
    return dpa_selectors.admins_of(organisation)


def legal_recipients(audit_request: AuditRequest) -> list[User]:
    """The request's assignee once there is one, else everyone with the legal role."""
    if audit_request.assignee_id and audit_request.assignee.is_active:
        return [audit_request.assignee]
    return list(
        User.objects.filter(groups__name="legal", is_active=True).distinct().order_by("email")
    )


def _email(*, audit_request, step: str, cause: str, to_customer: bool, message=None) -> int:
    """One email per recipient for this step (the cause makes a retry send nothing twice)."""
    recipients = (
        customer_recipients(audit_request.organisation)
        if to_customer
        else legal_recipients(audit_request)
    )
    template = "audits/customer_update" if to_customer else "audits/legal_update"
    url = _portal_url(audit_request) if to_customer else _staff_url(audit_request)
    for user in recipients:
        email_enqueue(
            to=user.email,
            recipient=user,
            organisation=audit_request.organisation,
            template=template,
            cause=cause,
            context={
                "audit_request": audit_request,
                "step": step,
                "message": message,
                "documents": list(message.documents.all()) if message is not None else [],
                "url": url,
                "name": user.full_name or "",
                "organisation_name": audit_request.organisation.name,
                "time_zone": getattr(user, "time_zone", None) or settings.TIME_ZONE,
            },
        )
    return len(recipients)


def _cause(audit_request: AuditRequest, step: str) -> str:
    return f"audit-request:{audit_request.public_id}:{step}"


# The customer's steps


def audit_request_submit(
    *,
    user,
    organisation: Organisation,
    kind: str,
    scope: str,
    preferred_dates: str = "",
    auditor: str = "",
    questions: str = "",
    request=None,
    now=None,
) -> AuditRequest:
    """A customer admin asks for an audit or for information. The answer period is the one the
    organisation's DPA sets, frozen at receipt, and the due date follows from it."""
    if organisation.kind not in CUSTOMER_KINDS or not is_organisation_admin(user, organisation):
        raise NotAllowed(_("Only an admin of a customer organisation may ask for an audit."))
    errors: dict[str, list[str]] = {}
    if kind not in AuditRequest.Kind.values:
        errors["kind"] = [_("Choose an audit or a request for information.")]
    scope = _text(scope)
    if not scope:
        errors["scope"] = [
            _("Describe the scope: which services, systems or obligations the request covers.")
        ]
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    days = answer_days_for(organisation)
    with transaction.atomic():
        audit_request = AuditRequest.objects.create(
            reference=_new_reference(now),
            organisation=organisation,
            kind=kind,
            scope=scope,
            preferred_dates=_text(preferred_dates),
            auditor=_text(auditor),
            questions=_text(questions),
            requested_by=user,
            received_at=now,
            answer_days=days,
            due_on=answer_due_on(received_at=now, days=days),
        )
        audit_record(
            action="audit_request.submitted",
            actor=user,
            obj=audit_request,
            organisation=organisation,
            request=request,
            details={
                "reference": audit_request.reference,
                "kind": kind,
                "answer_days": days,
                "due_on": audit_request.due_on.isoformat(),
            },
        )
        cause = _cause(audit_request, "received")
        _email(audit_request=audit_request, step="received", cause=cause, to_customer=True)
        _email(audit_request=audit_request, step="received", cause=cause, to_customer=False)
    return audit_request


def _may_write(user, audit_request: AuditRequest) -> bool:
    return has_staff_role(user, "legal") or is_organisation_admin(user, audit_request.organisation)


def audit_message_post(
    *, audit_request: AuditRequest, user, body: str, request=None, now=None
) -> AuditMessage:
    """A message in the request's thread, from a customer admin or from legal; the other side
    is emailed."""
    from_provider = has_staff_role(user, "legal")
    if not _may_write(user, audit_request):
        raise NotAllowed(_("Only the organisation's admins and legal may write here."))
    body = _text(body)
    if not body:
        raise ValidationError({"body": [_("Write a message before sending it.")]})
    now = now or timezone.now()
    with transaction.atomic():
        locked = AuditRequest.objects.select_for_update().get(pk=audit_request.pk)
        if locked.is_closed:
            raise AuditStateError(_("This request is closed; start a new one if needed."))
        message = AuditMessage.objects.create(
            request=locked, author=user, from_provider=from_provider, body=body, sent_at=now
        )
        audit_record(
            action="audit_request.message_sent",
            actor=user,
            obj=locked,
            organisation=locked.organisation,
            request=request,
            details={"message": str(message.public_id), "from_provider": from_provider},
        )
        _email(
            audit_request=locked,
            step="message",
            cause=_cause(locked, f"message:{message.public_id}"),
            to_customer=from_provider,
            message=message,
        )
    return message


# Legal's steps


def audit_request_triage(
    *, audit_request: AuditRequest, user, assignee, request=None, now=None
) -> AuditRequest:
    """Legal takes the request into review and names who answers it."""
    _require_legal(user)
    if assignee is None or not has_staff_role(assignee, "legal"):
        raise ValidationError({"assignee": [_("Assign the request to someone in legal.")]})
    now = now or timezone.now()
    with transaction.atomic():
        locked = AuditRequest.objects.select_for_update().get(pk=audit_request.pk)
        if locked.is_closed:
            raise AuditStateError(_("This request is closed."))
        first = locked.status == Status.RECEIVED
        locked.assignee = assignee
        fields = ["assignee"]
        if first:
            locked.status, locked.triaged_at = Status.IN_REVIEW, now
            fields += ["status", "triaged_at"]
        locked.save(update_fields=fields)
        audit_record(
            action="audit_request.triaged",
            actor=user,
            obj=locked,
            organisation=locked.organisation,
            request=request,
            details={"assignee": str(assignee.public_id), "status": locked.status},
        )
        if first:
            _email(
                audit_request=locked,
                step="in_review",
                cause=_cause(locked, "in_review"),
                to_customer=True,
            )
    return locked


def _checked_pdfs(uploads) -> list:
    uploads = [upload for upload in uploads or [] if upload is not None]
    if len(uploads) > MAX_DOCUMENTS:
        raise ValidationError(
            {"documents": [_("Attach at most %(count)s files.") % {"count": MAX_DOCUMENTS}]}
        )
    checked = []
    for upload in uploads:
        try:
            pdf = check_upload(upload, pdf_only=True)
        except ValidationError as error:
            raise ValidationError({"documents": error.messages}) from error
        if pdf.is_encrypted:
            raise ValidationError(
                {
                    "documents": [
                        _(
                            "%(name)s is encrypted, so it cannot be stamped with who downloads "
                            "it. Attach an unencrypted copy."
                        )
                        % {"name": pdf.filename}
                    ]
                }
            )
        checked.append(pdf)
    return checked


def audit_request_answer(
    *, audit_request: AuditRequest, user, body: str, uploads=(), request=None, now=None
) -> AuditMessage:
    """Legal answers with a message and documents (PDFs, shared under the customer's NDA).
    The first answer ends the answer period; later ones add to the thread."""
    _require_legal(user)
    body = _text(body)
    errors = {}
    if not body:
        errors["body"] = [_("Write the answer; attached documents need a word of explanation.")]
    if errors:
        raise ValidationError(errors)
    pdfs = _checked_pdfs(uploads)
    now = now or timezone.now()
    with transaction.atomic():
        locked = AuditRequest.objects.select_for_update().get(pk=audit_request.pk)
        if locked.is_closed:
            raise AuditStateError(_("This request is closed."))
        message = AuditMessage.objects.create(
            request=locked, author=user, from_provider=True, body=body, sent_at=now
        )
        documents = [
            AuditDocument.objects.create(
                request=locked,
                message=message,
                filename=pdf.filename,
                storage_name=store_private(pdf.data, STORAGE_FOLDER),
                sha256=pdf.sha256,
                size=len(pdf.data),
                uploaded_by=user,
                uploaded_at=now,
            )
            for pdf in pdfs
        ]
        first = locked.answered_at is None
        fields = []
        if first:
            locked.answered_at = now
            fields.append("answered_at")
        if locked.status in AuditRequest.OPEN_STATUSES:
            locked.status = Status.ANSWERED
            fields.append("status")
        if locked.assignee_id is None:
            locked.assignee = user
            fields.append("assignee")
        if fields:
            locked.save(update_fields=fields)
        audit_record(
            action="audit_request.answered",
            actor=user,
            obj=locked,
            organisation=locked.organisation,
            request=request,
            details={
                "message": str(message.public_id),
                "documents": [{"id": str(d.public_id), "sha256": d.sha256} for d in documents],
                "first_answer": first,
                "in_time": answered_in_time(due_on=locked.due_on, at=locked.responded_at),
            },
        )
        _email(
            audit_request=locked,
            step="answered",
            cause=_cause(locked, f"answered:{message.public_id}"),
            to_customer=True,
            message=message,
        )
    return message


def audit_request_schedule(
    *,
    audit_request: AuditRequest,
    user,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    arrangements: str,
    request=None,
    now=None,
) -> AuditRequest:
    """Legal schedules the audit with the customer: when, and the arrangements (auditor, place,
    access, confidentiality). Scheduling it ends the answer period; it may be moved later."""
    _require_legal(user)
    now = now or timezone.now()
    arrangements = _text(arrangements)
    errors: dict[str, list[str]] = {}
    if not isinstance(starts_at, datetime.datetime) or timezone.is_naive(starts_at):
        errors["starts_at"] = [_("Give the date and time the audit starts.")]
    elif starts_at <= now:
        errors["starts_at"] = [_("The audit must start in the future.")]
    if not isinstance(ends_at, datetime.datetime) or timezone.is_naive(ends_at):
        errors["ends_at"] = [_("Give the date and time the audit ends.")]
    elif "starts_at" not in errors and ends_at < starts_at:
        errors["ends_at"] = [_("The audit cannot end before it starts.")]
    if not arrangements:
        errors["arrangements"] = [
            _("Describe the arrangements: auditor, place or remote access, what to prepare.")
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = AuditRequest.objects.select_for_update().get(pk=audit_request.pk)
        if locked.is_closed:
            raise AuditStateError(_("This request is closed."))
        moved = locked.scheduled_start is not None
        locked.scheduled_start, locked.scheduled_end = starts_at, ends_at
        locked.audit_arrangements = arrangements
        if locked.scheduled_at is None:
            locked.scheduled_at = now
        locked.status = Status.SCHEDULED
        if locked.assignee_id is None:
            locked.assignee = user
        locked.save(
            update_fields=[
                "scheduled_start",
                "scheduled_end",
                "audit_arrangements",
                "scheduled_at",
                "status",
                "assignee",
            ]
        )
        audit_record(
            action="audit_request.scheduled",
            actor=user,
            obj=locked,
            organisation=locked.organisation,
            request=request,
            details={
                "starts_at": starts_at.astimezone(datetime.UTC).isoformat(),
                "ends_at": ends_at.astimezone(datetime.UTC).isoformat(),
                "moved": moved,
                "in_time": answered_in_time(due_on=locked.due_on, at=locked.responded_at),
            },
        )
        # Each date gets its own email: moving the audit tells the customer again.
        when = f"{starts_at.astimezone(datetime.UTC):%Y%m%dT%H%M}"
        _email(
            audit_request=locked,
            step="scheduled",
            cause=_cause(locked, f"scheduled:{when}"),
            to_customer=True,
        )
    return locked


def audit_request_close(
    *, audit_request: AuditRequest, user, note: str = "", request=None, now=None
) -> AuditRequest:
    """Legal closes a request once it is answered or its audit is done."""
    _require_legal(user)
    now = now or timezone.now()
    with transaction.atomic():
        locked = AuditRequest.objects.select_for_update().get(pk=audit_request.pk)
        if locked.is_closed:
            raise AuditStateError(_("This request is already closed."))
        if locked.is_open:
            raise AuditStateError(_("Answer the request or schedule the audit before closing it."))
        locked.status, locked.closed_at, locked.closing_note = Status.CLOSED, now, _text(note)
        locked.save(update_fields=["status", "closed_at", "closing_note"])
        audit_record(
            action="audit_request.closed",
            actor=user,
            obj=locked,
            organisation=locked.organisation,
            request=request,
            details={"in_time": answered_in_time(due_on=locked.due_on, at=locked.responded_at)},
        )
        _email(
            audit_request=locked,
            step="closed",
            cause=_cause(locked, "closed"),
            to_customer=True,
        )
    return locked


# Shared documents


def may_read(user, audit_request: AuditRequest) -> bool:
    """Members and admins of the organisation read its requests; legal reads every one."""
    if has_staff_role(user, "legal"):
        return True
    return audit_request.organisation.memberships.filter(user=user).exists()


def audit_document_deliver(*, document: AuditDocument, user, request=None) -> tuple[bytes, str]:
    """The PDF for `user`, stamped on every page with who downloads it, when, and a download id,
    after checking at this moment that they may read the request and hold an NDA in force
    (staff with a verified second factor need none). The SHA-256 delivered goes to the audit
    log. Raises NotAllowed or NdaRequired, each recorded."""
    audit_request = document.request
    organisation = audit_request.organisation
    staff = is_staff_viewer(user) and has_staff_role(user, "legal")
    if not staff and not may_read(user, audit_request):
        refusal_record(
            request=request,
            reason="authz:audit document of another organisation",
            obj=audit_request,
            organisation=organisation,
        )
        raise NotAllowed(_("This document is not yours to download."))
    if not staff and nda_in_force(user) is None:
        refusal_record(
            request=request,
            reason="authz:audit document without an NDA in force",
            obj=audit_request,
            organisation=organisation,
            details={"document": str(document.public_id)},
        )
        raise NdaRequired(_("Accept the NDA before downloading confidential documents."))
    now = timezone.now()
    download_id = uuid.uuid4()
    data = stamp_pdf(
        read_private(document.storage_name),
        stamp_lines(
            user=user,
            organisation=organisation,
            when=now.astimezone(datetime.UTC),
            event_id=download_id,
            grant=None,
        ),
    )
    sha256 = hashlib.sha256(data).hexdigest()
    audit_record(
        action="audit_request.document_downloaded",
        actor=user,
        obj=audit_request,
        organisation=organisation,
        request=request,
        details={
            "document": str(document.public_id),
            "download": str(download_id),
            "sha256": sha256,
            "original_sha256": document.sha256,
        },
    )
    return data, sha256


def refusal_record(*, request, reason: str, obj=None, organisation=None, details=None) -> None:
    """A refused attempt (wrong role, another organisation's request, bad input) in the audit
    log. Details carry field names and ids, never what was typed."""
    audit_record(
        action="authz.denied" if reason.startswith("authz:") else "audit_request.input_refused",
        request=request,
        obj=obj,
        object_type="" if obj is not None else "audits.auditrequest",
        organisation=organisation,
        details={"reason": reason.removeprefix("authz:"), **(details or {})},
    )
