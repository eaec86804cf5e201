"""Filing a request, confirming the email, and the requester's proofs for the status page."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from rights_requests import deadlines
from rights_requests.emails import send_email
from rights_requests.models import (
    OPEN_STATUSES,
    RequesterChallenge,
    RequestEvent,
    RequestStatus,
    RequestType,
    RightsRequest,
    secret_hash,
)
from rights_requests.services.common import add_event, recompute_due
from trustcentre.audit.services import audit_record
from trustcentre.lib.moments import format_moment
from trustcentre.lib.signed_links import (
    BadSignature,
    SignatureExpired,
    make_signed_token,
    read_signed_token,
)

VERIFY_PURPOSE = "rights-request-verify"
STATUS_LINK_PURPOSE = "rights-request-status"
CODE_DIGITS = 6
CODE_MAX_ATTEMPTS = 5


class ProofFailed(Exception):
    """A link or code that is wrong, used, expired, or for another request: one answer for all."""


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _new_challenge(rr: RightsRequest, purpose: str, secret: str, max_age: int) -> None:
    RequesterChallenge.objects.create(
        request=rr,
        purpose=purpose,
        secret_hash=secret_hash(secret),
        expires_at=timezone.now() + datetime.timedelta(seconds=max_age),
    )


def status_link(rr: RightsRequest) -> str:
    """A fresh link that opens the status page once (a page whose button proves it, by POST)."""
    secret = secrets.token_urlsafe(32)
    _new_challenge(
        rr,
        RequesterChallenge.Purpose.STATUS_LINK,
        secret,
        settings.RIGHTS_REQUEST_STATUS_LINK_MAX_AGE,
    )
    token = make_signed_token(STATUS_LINK_PURPOSE, secret)
    return site_url(reverse("rights_requests:status_link", kwargs={"token": token}))


def hash_ip(address: str | None) -> str:
    """A keyed digest of the client address (HMAC with SECRET_KEY): it tells two requests from
    one address apart from others, but nobody can test a guessed address against it."""
    if not address:
        return ""
    return salted_hmac("rights_requests.client-address", address, algorithm="sha256").hexdigest()


@transaction.atomic
def rights_request_file(
    *,
    type: str,
    jurisdiction: str,
    name: str,
    email: str,
    company_name: str = "",
    details: str = "",
    ip_address: str | None = None,
    now: datetime.datetime | None = None,
) -> RightsRequest:
    """Record a request with its received time and deadline, and email the confirmation link.
    An opt-out of sale/sharing goes to the queue at once: the law forbids demanding identity
    verification for it (11 CCR 7026(d))."""
    now = now or timezone.now()
    rr = RightsRequest(
        type=type,
        jurisdiction=jurisdiction,
        name=name.strip(),
        email=email.strip(),
        company_name=company_name.strip(),
        details=details,
        received_at=now,
        ip_hash=hash_ip(ip_address),
    )
    received = rr.received_date
    rr.due_date = deadlines.statutory_deadline(
        jurisdiction=jurisdiction, request_type=type, received=received
    )
    if deadlines.needs_acknowledgement(jurisdiction=jurisdiction, request_type=type):
        rr.acknowledgement_due = deadlines.ccpa_acknowledgement_deadline(received)
    if type == RequestType.OPT_OUT:
        rr.status = RequestStatus.OPEN
    rr.full_clean()
    rr.save()
    add_event(rr, RequestEvent.Kind.FILED, actor_label="requester", at=now)
    audit_record(
        action="rights_request.filed",
        actor_label="requester",
        obj=rr,
        object_id=rr.reference,
        details={"type": rr.type, "jurisdiction": rr.jurisdiction, "due_date": str(rr.due_date)},
    )
    secret = secrets.token_urlsafe(32)
    _new_challenge(
        rr,
        RequesterChallenge.Purpose.VERIFY_EMAIL,
        secret,
        settings.RIGHTS_REQUEST_VERIFY_LINK_MAX_AGE,
    )
    token = make_signed_token(VERIFY_PURPOSE, secret)
    hours = settings.RIGHTS_REQUEST_VERIFY_LINK_MAX_AGE // 3600
    paragraphs = [
        _("We received your %(type)s request on %(received)s.")
        % {"type": rr.get_type_display().lower(), "received": format_moment(received)},
    ]
    if rr.type == RequestType.OPT_OUT:
        paragraphs.append(
            _(
                "We act on an opt-out without asking you to prove your identity; it will be "
                "done by %(due)s. Confirming your email below lets us write to you about it."
            )
            % {"due": format_moment(rr.due_date)}
        )
    else:
        paragraphs.append(
            _(
                "Please confirm that this email address is yours: we work on the request once "
                "you do. The link works once, for %(hours)d hours. If you did not send this "
                "request, ignore this email and it will be deleted after %(days)d days."
            )
            % {"hours": hours, "days": settings.RIGHTS_REQUEST_UNVERIFIED_DAYS}
        )
    send_email(
        to=rr.email,
        subject=_("Confirm your privacy request %(reference)s") % {"reference": rr.reference},
        greeting_name=rr.name,
        paragraphs=paragraphs,
        link_url=site_url(reverse("rights_requests:verify", kwargs={"token": token})),
        link_label=_("Confirm my email address"),
        reference=rr.reference,
        cause=f"rights-request-verify:{rr.public_id}",
    )
    return rr


def _challenge_from_token(*, purpose: str, challenge_purpose: str, token: str, max_age: int):
    try:
        secret = read_signed_token(purpose, token, max_age)
    except (SignatureExpired, BadSignature) as error:
        raise ProofFailed from error
    challenge = (
        RequesterChallenge.objects.select_for_update()
        .select_related("request")
        .filter(purpose=challenge_purpose, secret_hash=secret_hash(secret))
        .first()
    )
    if challenge is None or not challenge.is_usable:
        raise ProofFailed
    return challenge


def peek_verify_token(token: str) -> bool:
    """Whether the confirmation page should offer its button (GET changes nothing)."""
    try:
        secret = read_signed_token(
            VERIFY_PURPOSE, token, settings.RIGHTS_REQUEST_VERIFY_LINK_MAX_AGE
        )
    except BadSignature:
        return False
    challenge = RequesterChallenge.objects.filter(
        purpose=RequesterChallenge.Purpose.VERIFY_EMAIL, secret_hash=secret_hash(secret)
    ).first()
    return challenge is not None and challenge.is_usable


@transaction.atomic
def rights_request_verify(*, token: str) -> RightsRequest:
    """The requester proved the email: the request joins the queue (its received time and
    deadline unchanged), is checked for duplicates, acknowledged where CCPA asks, and routed."""
    from rights_requests.services.routing import rights_request_route

    challenge = _challenge_from_token(
        purpose=VERIFY_PURPOSE,
        challenge_purpose=RequesterChallenge.Purpose.VERIFY_EMAIL,
        token=token,
        max_age=settings.RIGHTS_REQUEST_VERIFY_LINK_MAX_AGE,
    )
    now = timezone.now()
    challenge.used_at = now
    challenge.save(update_fields=["used_at"])
    rr = RightsRequest.objects.select_for_update().get(pk=challenge.request_id)
    if rr.verified_at is not None:
        raise ProofFailed
    rr.verified_at = now
    fields = ["verified_at"]
    if rr.status == RequestStatus.UNVERIFIED:
        rr.status = RequestStatus.OPEN
        fields.append("status")
    duplicate = (
        RightsRequest.objects.filter(
            email__iexact=rr.email,
            type=rr.type,
            status__in=OPEN_STATUSES,
            verified_at__isnull=False,
        )
        .exclude(pk=rr.pk)
        .order_by("received_at")
        .first()
    )
    if duplicate is not None:
        rr.duplicate_of = duplicate
        fields.append("duplicate_of")
    rr.save(update_fields=fields)
    add_event(rr, RequestEvent.Kind.VERIFIED, actor_label="requester")
    audit_record(
        action="rights_request.verified",
        actor_label="requester",
        obj=rr,
        object_id=rr.reference,
        details={"possible_duplicate_of": duplicate.reference if duplicate else None},
    )
    if rr.acknowledgement_due and rr.acknowledged_at is None:
        _acknowledge(rr)
    rights_request_route(rr=rr)
    return rr


def _acknowledge(rr: RightsRequest) -> None:
    """CCPA: say what happens next and when, within 10 business days (here: at once)."""
    rr.acknowledged_at = timezone.now()
    rr.save(update_fields=["acknowledged_at"])
    add_event(rr, RequestEvent.Kind.ACKNOWLEDGED, actor_label="system")
    send_email(
        to=rr.email,
        subject=_("We are working on your request %(reference)s") % {"reference": rr.reference},
        greeting_name=rr.name,
        paragraphs=[
            _(
                "Thank you for confirming your email. We are now checking which of our records "
                "concern you, and whether a company we work for is responsible for them (we will "
                "tell you if we pass your request on)."
            ),
            _(
                "We will answer by %(due)s (45 days from receipt). If we need more time, we will "
                "tell you why before then; the law allows one extension of 45 days."
            )
            % {"due": format_moment(rr.due_date)},
        ],
        link_url=status_link(rr),
        link_label=_("Follow your request"),
        reference=rr.reference,
        cause=f"rights-request-ack:{rr.public_id}",
    )


# The status page: a one-time code by email, or a link from one of our emails.


def _normalised_email(email: str) -> str:
    return (email or "").strip().lower()


@transaction.atomic
def status_code_send(*, reference: str, email: str) -> None:
    """Email a one-time code when the reference and email match a request; silently nothing
    otherwise, so the page cannot tell which references exist. A new code replaces any earlier
    one: one code is valid at a time, so a guess is tried against one code only."""
    rr = RightsRequest.objects.filter(reference=reference.strip().upper()).first()
    if rr is None or _normalised_email(rr.email) != _normalised_email(email):
        return
    now = timezone.now()
    _live_status_codes(rr).update(expires_at=now)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    _new_challenge(
        rr,
        RequesterChallenge.Purpose.STATUS_CODE,
        f"{rr.pk}:{code}",
        settings.RIGHTS_REQUEST_STATUS_CODE_MAX_AGE,
    )
    minutes = settings.RIGHTS_REQUEST_STATUS_CODE_MAX_AGE // 60
    send_email(
        to=rr.email,
        subject=_("Your code for request %(reference)s") % {"reference": rr.reference},
        greeting_name=rr.name,
        paragraphs=[
            _("Your one-time code is %(code)s. It works once, for %(minutes)d minutes.")
            % {"code": code, "minutes": minutes},
            _("If you did not ask for it, ignore this email."),
        ],
        reference=rr.reference,
        cause=f"rights-request-code:{rr.public_id}:{secret_hash(code)[:16]}:{now.timestamp()}",
    )


def _live_status_codes(rr: RightsRequest):
    return RequesterChallenge.objects.filter(
        request=rr,
        purpose=RequesterChallenge.Purpose.STATUS_CODE,
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
        attempts__lt=CODE_MAX_ATTEMPTS,
    )


def status_code_check(*, reference: str, code: str) -> RightsRequest:
    """The request when `code` is its live one-time code. A wrong code counts against the live
    code and the count is committed before the refusal, so it holds: after CODE_MAX_ATTEMPTS
    wrong codes the code is dead and a new one must be asked for."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    with transaction.atomic():
        rr = RightsRequest.objects.filter(reference=reference.strip().upper()).first()
        challenge = (
            _live_status_codes(rr).select_for_update().order_by("-created_at").first()
            if rr is not None
            else None
        )
        if challenge is None:
            matched = False
        else:
            matched = secrets.compare_digest(challenge.secret_hash, secret_hash(f"{rr.pk}:{code}"))
            if matched:
                challenge.used_at = timezone.now()
                challenge.save(update_fields=["used_at"])
            else:
                RequesterChallenge.objects.filter(pk=challenge.pk).update(
                    attempts=F("attempts") + 1
                )
    if not matched:
        raise ProofFailed
    return rr


@transaction.atomic
def status_link_use(*, token: str) -> RightsRequest:
    challenge = _challenge_from_token(
        purpose=STATUS_LINK_PURPOSE,
        challenge_purpose=RequesterChallenge.Purpose.STATUS_LINK,
        token=token,
        max_age=settings.RIGHTS_REQUEST_STATUS_LINK_MAX_AGE,
    )
    challenge.used_at = timezone.now()
    challenge.save(update_fields=["used_at"])
    return challenge.request


@transaction.atomic
def rights_request_reply(*, rr: RightsRequest, text: str) -> RightsRequest:
    """The requester answers in the thread; an answer to a paused request restarts the clock."""
    from rights_requests.services.workflow import rights_request_resume

    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write a message."))
    if len(text) > 10_000:
        raise ValidationError(_("A message can be at most 10,000 characters."))
    rr = RightsRequest.objects.select_for_update().get(pk=rr.pk)
    if rr.is_closed or rr.status == RequestStatus.UNVERIFIED:
        raise ValidationError(_("This request is closed; file a new one if you need to."))
    add_event(rr, RequestEvent.Kind.MESSAGE_IN, text=text, actor_label="requester")
    audit_record(
        action="rights_request.reply_received",
        actor_label="requester",
        obj=rr,
        object_id=rr.reference,
    )
    if rr.is_paused:
        rights_request_resume(rr=rr, actor=None, note=_("The requester answered."))
    return rr


__all__ = [
    "ProofFailed",
    "peek_verify_token",
    "recompute_due",
    "rights_request_file",
    "rights_request_reply",
    "rights_request_verify",
    "status_code_check",
    "status_code_send",
    "status_link",
    "status_link_use",
]
