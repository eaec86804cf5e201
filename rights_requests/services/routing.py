"""Routing: the provider processes its customers' data, so a request about it goes to the
customer (the controller), matched by the company named and by the email in its data."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exports.sources import category_ids, get_sources
from exports.sources.base import DataSubject, RowFilter
from rights_requests.emails import send_email
from rights_requests.models import Referral, RequestEvent, RequestStatus, RightsRequest
from rights_requests.services.common import add_event
from rights_requests.services.intake import site_url, status_link
from trustcentre.accounts.models import Membership, Organisation
from trustcentre.audit.services import audit_record
from trustcentre.lib.moments import format_moment

CONTROLLER_KINDS = (Organisation.Kind.CUSTOMER, Organisation.Kind.FORMER_CUSTOMER)


class InstructionNotAllowed(Exception):
    pass


def subject_rows_in_tenant(*, tenant_id, email: str) -> dict[str, int]:
    """How many of the subject's records each category of the tenant holds."""
    row_filter = RowFilter(tenant_id=tenant_id, subject=DataSubject(email=email))
    counts = {}
    for source in get_sources():
        for category in source.categories:
            counts[category.id] = source.count(category_id=category.id, row_filter=row_filter)
    return counts


def _company_matches(organisation: Organisation, company: str) -> bool:
    company = company.strip().lower()
    return bool(company) and company in (organisation.name.lower(), organisation.slug.lower())


def rights_request_route(*, rr: RightsRequest) -> list[Referral]:
    """Refer the request to every customer it concerns, tell their admins and the requester;
    with no match, the provider is the controller and handles it directly."""
    referrals = []
    for organisation in Organisation.objects.filter(kind__in=CONTROLLER_KINDS).order_by("name"):
        rows = sum(
            subject_rows_in_tenant(tenant_id=organisation.tenant_id, email=rr.email).values()
        )
        by_company = _company_matches(organisation, rr.company_name)
        if not (rows or by_company):
            continue
        matched_by = (
            Referral.MatchedBy.BOTH
            if rows and by_company
            else Referral.MatchedBy.DATA
            if rows
            else Referral.MatchedBy.COMPANY
        )
        referral, _created = Referral.objects.get_or_create(
            request=rr,
            organisation=organisation,
            defaults={"matched_by": matched_by, "rows_found": rows},
        )
        referrals.append(referral)
    if not referrals:
        rr.handled_directly = True
        rr.save(update_fields=["handled_directly"])
        return []
    rr.status = RequestStatus.REFERRED
    rr.save(update_fields=["status"])
    names = ", ".join(r.organisation.name for r in referrals)
    add_event(rr, RequestEvent.Kind.REFERRED, actor_label="system", text=names)
    for referral in referrals:
        audit_record(
            action="rights_request.referred",
            actor_label="system",
            obj=rr,
            object_id=rr.reference,
            organisation=referral.organisation,
            details={"matched_by": referral.matched_by, "rows_found": referral.rows_found},
        )
        _notify_controller(referral)
    send_email(
        to=rr.email,
        subject=_("Your request %(reference)s was referred") % {"reference": rr.reference},
        greeting_name=rr.name,
        paragraphs=[
            _(
                "We process the data concerned on behalf of %(names)s, who decide what happens "
                "to it (the controller). We have passed your request to them and will act on "
                "their instructions; they may also answer you directly."
            )
            % {"names": names},
            _("The deadline for an answer stays %(due)s.") % {"due": format_moment(rr.due_date)},
            rr.requester_status_text,
        ],
        link_url=status_link(rr),
        link_label=_("Follow your request"),
        reference=rr.reference,
        cause=f"rights-request-referred:{rr.public_id}",
    )
    return referrals


def _admins(organisation: Organisation):
    return Membership.objects.filter(
        organisation=organisation, role=Membership.Role.ADMIN, user__is_active=True
    ).select_related("user")


def _notify_controller(referral: Referral) -> None:
    rr = referral.request
    admins = _admins(referral.organisation)
    url = site_url(
        reverse("rights_requests_portal:referral", kwargs={"public_id": referral.public_id})
    )
    for membership in admins:
        send_email(
            to=membership.user.email,
            subject=_("A privacy request concerns %(organisation)s's data")
            % {"organisation": referral.organisation.name},
            greeting_name=membership.user.full_name,
            paragraphs=[
                _(
                    "A data subject sent us a %(type)s request (%(jurisdiction)s) about data we "
                    "process for %(organisation)s. As the controller, please tell us whether we "
                    "should handle it for you or whether you will handle it yourselves."
                )
                % {
                    "type": rr.get_type_display().lower(),
                    "jurisdiction": rr.get_jurisdiction_display(),
                    "organisation": referral.organisation.name,
                },
                _("The legal deadline is %(due)s.") % {"due": format_moment(rr.due_date)},
            ],
            link_url=url,
            link_label=_("See the request and instruct us"),
            reference=rr.reference,
            recipient=membership.user,
            organisation=referral.organisation,
            cause=f"rights-request-referral:{referral.public_id}",
        )


def _back_to_the_dpo_when_answered(rr: RightsRequest) -> None:
    """Once every controller has answered, the request is back in the DPO's hands (to act, or
    to close as handled by the controller)."""
    if (
        rr.status == RequestStatus.REFERRED
        and not rr.referrals.filter(instruction=Referral.Instruction.PENDING).exists()
    ):
        rr.status = RequestStatus.OPEN
        rr.save(update_fields=["status"])


def _scope(categories) -> list[str]:
    """The categories the customer chose, in the sources' order; None means every one."""
    if categories is None:
        return []
    known = category_ids()
    chosen = set(categories)
    if not chosen:
        raise InstructionNotAllowed(_("Choose at least one category of your data we may act on."))
    if chosen - set(known):
        raise InstructionNotAllowed(_("Choose only categories listed on the page."))
    # Every category chosen is stored as "all" (empty), so new categories stay covered.
    return [] if chosen == set(known) else [c for c in known if c in chosen]


@transaction.atomic
def referral_instruct(
    *,
    referral: Referral,
    user,
    instruction: str,
    categories=None,
    note: str = "",
    request=None,
) -> Referral:
    """The customer's admin instructs the provider (GDPR Art. 28(3)(a): documented
    instructions): handle it for us, on the categories of its data it chose, or we handle it
    ourselves. It can be changed until we have acted on it."""
    referral = Referral.objects.select_for_update().select_related("request").get(pk=referral.pk)
    if instruction not in (Referral.Instruction.HANDLE_FOR_US, Referral.Instruction.WE_HANDLE):
        raise InstructionNotAllowed(_("Choose one of the two instructions."))
    rr = referral.request
    if rr.is_closed:
        raise InstructionNotAllowed(_("This request is closed already."))
    if rr.results.filter(organisation=referral.organisation).exists():
        raise InstructionNotAllowed(
            _("We have already acted on the instruction for this request; it cannot change now.")
        )
    note = (note or "").strip()
    if len(note) > 10_000:
        raise InstructionNotAllowed(_("At most 10,000 characters."))
    scope = _scope(categories) if instruction == Referral.Instruction.HANDLE_FOR_US else []
    referral.instruction = instruction
    referral.instructed_by = user
    referral.instructed_at = timezone.now()
    referral.categories = scope
    referral.instruction_note = note
    referral.save(
        update_fields=[
            "instruction",
            "instructed_by",
            "instructed_at",
            "categories",
            "instruction_note",
        ]
    )
    add_event(
        rr,
        RequestEvent.Kind.INSTRUCTION,
        actor=user,
        text=f"{referral.organisation.name}: {referral.get_instruction_display()}",
    )
    audit_record(
        action="rights_request.instructed",
        actor=user,
        request=request,
        obj=rr,
        object_id=rr.reference,
        organisation=referral.organisation,
        details={"instruction": instruction, "categories": scope or "all"},
    )
    _back_to_the_dpo_when_answered(rr)
    return referral


@transaction.atomic
def referral_override(
    *, referral: Referral, reason: str, confirmed_by: str, channel: str, actor, request=None
) -> Referral:
    """The DPO records that the customer confirmed out of band that we should act (for
    example by telephone before the deadline): the reason, who at the customer confirmed it
    and how. The instruction is then documented (GDPR Art. 28(3)(a)), audited, shown to the
    customer's admins on the referral page and emailed to them, and named in the letter."""
    reason, confirmed_by, channel = (
        (reason or "").strip(),
        (confirmed_by or "").strip(),
        (channel or "").strip(),
    )
    if not reason:
        raise ValidationError(_("Give the reason for acting without the customer's instruction."))
    if not confirmed_by:
        raise ValidationError(_("Name who at the customer confirmed it, and their role."))
    if not channel:
        raise ValidationError(_("Say how they confirmed it (for example a call, or an email)."))
    if len(reason) > 10_000 or len(confirmed_by) > 200 or len(channel) > 200:
        raise ValidationError(_("The reason is at most 10,000 characters, the others 200."))
    referral = (
        Referral.objects.select_for_update()
        .select_related("request", "organisation")
        .get(pk=referral.pk)
    )
    rr = referral.request
    if not rr.is_open:
        raise ValidationError(_("This request is closed already."))
    if not referral.is_pending:
        raise ValidationError(
            _("%(organisation)s has answered already: %(instruction)s.")
            % {
                "organisation": referral.organisation.name,
                "instruction": referral.get_instruction_display(),
            }
        )
    referral.instruction = Referral.Instruction.OVERRIDE
    referral.override_reason = reason
    referral.override_confirmed_by = confirmed_by
    referral.override_channel = channel
    referral.override_by = actor
    referral.override_at = timezone.now()
    referral.save(
        update_fields=[
            "instruction",
            "override_reason",
            "override_confirmed_by",
            "override_channel",
            "override_by",
            "override_at",
        ]
    )
    add_event(
        rr,
        RequestEvent.Kind.NOTE,
        actor=actor,
        text=_("Override for %(organisation)s: confirmed by %(who)s (%(how)s). Reason: %(reason)s")
        % {
            "organisation": referral.organisation.name,
            "who": confirmed_by,
            "how": channel,
            "reason": reason,
        },
    )
    audit_record(
        action="rights_request.instruction_overridden",
        actor=actor,
        request=request,
        obj=rr,
        object_id=rr.reference,
        organisation=referral.organisation,
        details={"confirmed_by": confirmed_by, "channel": channel, "reason": reason},
    )
    _tell_admins_of_override(referral)
    _back_to_the_dpo_when_answered(rr)
    return referral


def _tell_admins_of_override(referral: Referral) -> None:
    rr = referral.request
    url = site_url(
        reverse("rights_requests_portal:referral", kwargs={"public_id": referral.public_id})
    )
    for membership in _admins(referral.organisation):
        send_email(
            to=membership.user.email,
            subject=_("We recorded your instruction on request %(reference)s")
            % {"reference": rr.reference},
            greeting_name=membership.user.full_name,
            paragraphs=[
                _(
                    "Our privacy team recorded that %(who)s confirmed to us (%(how)s) that we "
                    "should act on this %(type)s request for %(organisation)s. We act on it now."
                )
                % {
                    "who": referral.override_confirmed_by,
                    "how": referral.override_channel,
                    "type": rr.get_type_display().lower(),
                    "organisation": referral.organisation.name,
                },
                _("If that is not your instruction, tell us at once on the request's page."),
            ],
            quote=referral.override_reason,
            link_url=url,
            link_label=_("See the request"),
            reference=rr.reference,
            recipient=membership.user,
            organisation=referral.organisation,
            cause=f"rights-request-override:{referral.public_id}",
        )
