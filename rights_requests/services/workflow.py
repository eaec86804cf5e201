"""The DPO's steps on a request: assign, note, message, pause and resume, extend, reject,
mark as duplicate or spam, complete. Each is audited."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rights_requests import deadlines
from rights_requests.emails import send_email
from rights_requests.models import (
    Referral,
    RejectionReason,
    RequestEvent,
    RequestPause,
    RequestStatus,
    RightsRequest,
)
from rights_requests.services.common import add_event, recompute_due
from rights_requests.services.intake import status_link
from trustcentre.audit.services import audit_record
from trustcentre.lib.moments import format_moment

TEXT_MAX = 10_000


def _locked(rr: RightsRequest) -> RightsRequest:
    return RightsRequest.objects.select_for_update().get(pk=rr.pk)


def _audit(action: str, rr: RightsRequest, actor, request=None, **details) -> None:
    audit_record(
        action=f"rights_request.{action}",
        actor=actor,
        actor_label="" if actor else "system",
        request=request,
        obj=rr,
        object_id=rr.reference,
        details=details,
    )


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("%(what)s is required.") % {"what": what})
    if len(value) > TEXT_MAX:
        raise ValidationError(_("At most 10,000 characters."))
    return value


def _not_open_reason(rr: RightsRequest) -> str | None:
    if rr.is_open:
        return None
    return _("This request is not open (it is %(status)s).") % {
        "status": rr.get_status_display().lower()
    }


def _must_be_open(rr: RightsRequest) -> None:
    if reason := _not_open_reason(rr):
        raise ValidationError(reason)


def pause_refusal(rr: RightsRequest) -> str | None:
    """Why the DPO cannot pause this request's clock now, or None when they can. The staff
    page offers the action only when this is None; the service refuses with this reason."""
    if reason := _not_open_reason(rr):
        return reason
    if rr.is_paused:
        return _("The clock is already paused.")
    if not deadlines.pause_allowed(jurisdiction=rr.jurisdiction):
        return _("Only a UK GDPR request's clock can wait for the requester's answer.")
    return None


def extension_refusal(rr: RightsRequest, today: datetime.date | None = None) -> str | None:
    """Why the DPO cannot extend this request's deadline now, or None when they can: once,
    where the law allows it, and announced within the first period."""
    if reason := _not_open_reason(rr):
        return reason
    if rr.is_extended:
        return _("The deadline was extended already; it can be extended once.")
    if not deadlines.extension_allowed(jurisdiction=rr.jurisdiction, request_type=rr.type):
        return _("An opt-out of sale or sharing cannot be extended.")
    today = today or deadlines.today_for(rr.jurisdiction)
    notice_by = deadlines.extension_notice_deadline(
        jurisdiction=rr.jurisdiction,
        received=rr.received_date,
        pauses=[pause.as_pause() for pause in rr.pauses.all()],
        today=today,
    )
    if today > notice_by:
        return _("An extension must be announced by %(date)s; that day has passed.") % {
            "date": format_moment(notice_by)
        }
    return None


def _tell_requester(rr: RightsRequest, *, subject: str, paragraphs: list, cause: str, quote=""):
    send_email(
        to=rr.email,
        subject=subject,
        greeting_name=rr.name,
        paragraphs=paragraphs,
        quote=quote,
        link_url=status_link(rr),
        link_label=_("Open your request"),
        reference=rr.reference,
        cause=cause,
    )


@transaction.atomic
def rights_request_assign(*, rr: RightsRequest, assignee, actor, request=None) -> RightsRequest:
    rr = _locked(rr)
    rr.assignee = assignee
    rr.save(update_fields=["assignee"])
    add_event(
        rr,
        RequestEvent.Kind.ASSIGNED,
        actor=actor,
        text=assignee.email if assignee else _("nobody"),
    )
    _audit("assigned", rr, actor, request, assignee=str(assignee.public_id) if assignee else None)
    return rr


@transaction.atomic
def rights_request_note(*, rr: RightsRequest, text: str, actor, request=None) -> RequestEvent:
    text = _text(text, _("A note"))
    event = add_event(rr, RequestEvent.Kind.NOTE, actor=actor, text=text)
    _audit("note_added", rr, actor, request)
    return event


@transaction.atomic
def rights_request_message(*, rr: RightsRequest, text: str, actor, request=None) -> RequestEvent:
    """A message to the requester; they read and answer it on the status page."""
    text = _text(text, _("A message"))
    rr = _locked(rr)
    if rr.status == RequestStatus.UNVERIFIED:
        raise ValidationError(_("The requester has not confirmed the email yet."))
    event = add_event(rr, RequestEvent.Kind.MESSAGE_OUT, actor=actor, text=text)
    _tell_requester(
        rr,
        subject=_("A message about your request %(reference)s") % {"reference": rr.reference},
        paragraphs=[_("We wrote to you about your privacy request:")],
        quote=text,
        cause=f"rights-request-message:{event.pk}",
    )
    _audit("message_sent", rr, actor, request)
    return event


@transaction.atomic
def rights_request_pause(*, rr: RightsRequest, reason: str, actor, request=None) -> RightsRequest:
    """UK GDPR: the clock waits while identification or clarification is asked for."""
    reason = _text(reason, _("The reason"))
    rr = _locked(rr)
    if refusal := pause_refusal(rr):
        raise ValidationError(refusal)
    RequestPause.objects.create(request=rr, reason=reason, started_on=timezone.localdate())
    rr.status = RequestStatus.PAUSED
    rr.save(update_fields=["status"])
    add_event(rr, RequestEvent.Kind.PAUSED, actor=actor, text=reason)
    _tell_requester(
        rr,
        subject=_("We need something from you: request %(reference)s")
        % {"reference": rr.reference},
        paragraphs=[
            _(
                "Before we can go on with your request we need the following from you. The time "
                "limit for our answer waits until we have it; answer on the request's page."
            )
        ],
        quote=reason,
        cause=f"rights-request-paused:{rr.public_id}:{rr.pauses.count()}",
    )
    _audit("paused", rr, actor, request)
    return rr


@transaction.atomic
def rights_request_resume(*, rr: RightsRequest, actor, note: str = "", request=None):
    rr = _locked(rr)
    if not rr.is_paused:
        raise ValidationError(_("The clock is not paused."))
    pause = rr.pauses.filter(ended_on__isnull=True).last()
    if pause is not None:
        pause.ended_on = max(timezone.localdate(), pause.started_on)
        pause.save(update_fields=["ended_on"])
    pending = rr.referrals.filter(instruction=Referral.Instruction.PENDING).exists()
    rr.status = RequestStatus.REFERRED if pending else RequestStatus.OPEN
    recompute_due(rr)
    rr.save(update_fields=["status", "due_date"])
    add_event(
        rr,
        RequestEvent.Kind.RESUMED,
        actor=actor,
        actor_label="" if actor else "requester",
        text=note or _("New deadline: %(due)s") % {"due": format_moment(rr.due_date)},
    )
    _audit("resumed", rr, actor, request, due_date=str(rr.due_date))
    return rr


@transaction.atomic
def rights_request_extend(*, rr: RightsRequest, reason: str, actor, request=None):
    """Once, with a reason told to the requester within the first period (GDPR Art. 12(3):
    two further months; CCPA: 45 more days)."""
    reason = _text(reason, _("The reason"))
    rr = _locked(rr)
    if refusal := extension_refusal(rr):
        raise ValidationError(refusal)
    rr.extended_at = timezone.now()
    rr.extension_reason = reason
    recompute_due(rr)
    rr.save(update_fields=["extended_at", "extension_reason", "due_date"])
    add_event(
        rr,
        RequestEvent.Kind.EXTENDED,
        actor=actor,
        text=_("New deadline %(due)s. Reason: %(reason)s")
        % {"due": format_moment(rr.due_date), "reason": reason},
    )
    _tell_requester(
        rr,
        subject=_("We need more time for your request %(reference)s") % {"reference": rr.reference},
        paragraphs=[
            _("We are extending the time for our answer, as the law allows once, to %(due)s.")
            % {"due": format_moment(rr.due_date)},
            _("The reason:"),
        ],
        quote=reason,
        cause=f"rights-request-extended:{rr.public_id}",
    )
    _audit("extended", rr, actor, request, due_date=str(rr.due_date))
    return rr


def _close(rr: RightsRequest, status: str, fields: list[str]) -> None:
    rr.status = status
    rr.closed_at = timezone.now()
    pause = rr.pauses.filter(ended_on__isnull=True).last()
    if pause is not None:
        pause.ended_on = timezone.localdate()
        pause.save(update_fields=["ended_on"])
    rr.save(update_fields=["status", "closed_at", *fields])


@transaction.atomic
def rights_request_reject(
    *, rr: RightsRequest, reason: str, explanation: str, actor, request=None
) -> RightsRequest:
    if reason not in RejectionReason.values:
        raise ValidationError(_("Choose the legal reason."))
    explanation = _text(explanation, _("The explanation"))
    rr = _locked(rr)
    _must_be_open(rr)
    rr.rejection_reason = reason
    rr.outcome_text = explanation
    _close(rr, RequestStatus.REJECTED, ["rejection_reason", "outcome_text"])
    add_event(rr, RequestEvent.Kind.REJECTED, actor=actor, text=rr.get_rejection_reason_display())
    _tell_requester(
        rr,
        subject=_("Our answer to your request %(reference)s") % {"reference": rr.reference},
        paragraphs=[
            _("We cannot act on your request, on this legal ground: %(ground)s.")
            % {"ground": rr.get_rejection_reason_display()},
            _(
                "Our letter on the request's page explains why, and how to complain to a "
                "supervisory authority if you disagree."
            ),
        ],
        quote=explanation,
        cause=f"rights-request-closed:{rr.public_id}",
    )
    _audit("rejected", rr, actor, request, reason=reason)
    return rr


@transaction.atomic
def rights_request_mark_duplicate(
    *, rr: RightsRequest, original: RightsRequest, actor, request=None
) -> RightsRequest:
    rr = _locked(rr)
    _must_be_open(rr)
    if original.pk == rr.pk or original.email.lower() != rr.email.lower():
        raise ValidationError(_("A duplicate must point to another request from the same email."))
    rr.duplicate_of = original
    _close(rr, RequestStatus.DUPLICATE, ["duplicate_of"])
    add_event(rr, RequestEvent.Kind.DUPLICATE, actor=actor, text=original.reference)
    _tell_requester(
        rr,
        subject=_("Your request %(reference)s") % {"reference": rr.reference},
        paragraphs=[
            _(
                "This request repeats your request %(original)s, which we are working on; we "
                "answer both there."
            )
            % {"original": original.reference}
        ],
        cause=f"rights-request-closed:{rr.public_id}",
    )
    _audit("duplicate", rr, actor, request, original=original.reference)
    return rr


@transaction.atomic
def rights_request_mark_spam(*, rr: RightsRequest, actor, request=None) -> RightsRequest:
    rr = _locked(rr)
    _must_be_open(rr)
    _close(rr, RequestStatus.SPAM, [])
    add_event(rr, RequestEvent.Kind.SPAM, actor=actor)
    _audit("spam", rr, actor, request)
    return rr


@transaction.atomic
def rights_request_complete(
    *, rr: RightsRequest, outcome: str, actor, request=None
) -> RightsRequest:
    outcome = _text(outcome, _("What was done"))
    rr = _locked(rr)
    _must_be_open(rr)
    rr.outcome_text = outcome
    _close(rr, RequestStatus.COMPLETED, ["outcome_text"])
    add_event(rr, RequestEvent.Kind.COMPLETED, actor=actor, text=outcome)
    _tell_requester(
        rr,
        subject=_("Your request %(reference)s is complete") % {"reference": rr.reference},
        paragraphs=[
            _(
                "We have completed your request. Our letter and any files for you are on the "
                "request's page (you confirm your email again to open it)."
            ),
        ],
        quote=outcome,
        cause=f"rights-request-closed:{rr.public_id}",
    )
    _audit("completed", rr, actor, request, on_time=rr.closed_on_time)
    return rr
