"""Use cases of an end-of-contract case before the erasure: open, choose, extend, state
unfeasibility, hold data, confirm early erasure, and the beat's daily steps."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exports.end_of_contract import periods, selectors
from exports.end_of_contract.emails import case_email
from exports.end_of_contract.models import (
    OPEN_STATUSES,
    CaseChoice,
    CaseOrigin,
    CaseStatus,
    EndOfContractCase,
    LegalHold,
)
from exports.sources import category_ids
from trustcentre.accounts.models import Organisation
from trustcentre.accounts.permissions import has_staff_role, is_organisation_admin
from trustcentre.audit.services import audit_record

BEFORE_ERASURE = (CaseStatus.AWAITING_CHOICE, CaseStatus.TRANSITION, CaseStatus.RETRIEVAL)


class CaseAlreadyOpen(Exception):
    def __init__(self, case: EndOfContractCase):
        super().__init__(str(case.public_id))
        self.case = case


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.now().date()


def _require_admin(user, case_or_organisation) -> None:
    organisation = getattr(case_or_organisation, "organisation", case_or_organisation)
    if not is_organisation_admin(user, organisation):
        raise PermissionDenied(_("Only an admin of the organisation can decide this."))


def _require_legal(user) -> None:
    if not has_staff_role(user, "legal"):
        raise PermissionDenied(_("Only legal can do this."))


def _lock(case: EndOfContractCase) -> EndOfContractCase:
    """The case as it is now, locked until the transaction ends (two clicks, two tabs)."""
    return (
        EndOfContractCase.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    )


def _validate_periods(
    *,
    transition_start: datetime.date,
    transition_days: int,
    retrieval_days: int,
    today: datetime.date,
    field_prefix: str = "",
) -> tuple[datetime.date, datetime.date]:
    """The transition's and the retrieval's ends for the lengths asked, or the errors."""
    errors = {}
    transition_end = transition_start + datetime.timedelta(days=transition_days)
    if transition_days < 0 or transition_end > periods.latest_transition_end(transition_start):
        errors["transition_days"] = _(
            "The transition lasts at most %(days)d days (Data Act Art. 25(2)). A longer one "
            "needs the one extension, with a reason."
        ) % {"days": periods.TRANSITION_MAX_DAYS}
    elif transition_end < today:
        errors["transition_days"] = _("The transition cannot end in the past.")
    if retrieval_days < periods.RETRIEVAL_MIN_DAYS:
        errors["retrieval_days"] = _(
            "Data retrieval lasts at least %(days)d days (Data Act Art. 25(2))."
        ) % {"days": periods.RETRIEVAL_MIN_DAYS}
    elif transition_end + datetime.timedelta(days=retrieval_days) > periods.latest_retrieval_end(
        transition_end
    ):
        errors["retrieval_days"] = _("Data retrieval can last at most %(days)d days.") % {
            "days": (periods.latest_retrieval_end(transition_end) - transition_end).days
        }
    if errors:
        raise ValidationError(errors)
    return transition_end, periods.retrieval_end_for(transition_end, retrieval_days)


def _audit(action: str, case: EndOfContractCase, *, user=None, request=None, **details):
    audit_record(
        action=action,
        actor=user,
        actor_label="" if user else "system",
        obj=case,
        organisation=case.organisation,
        request=request,
        details={"case": str(case.public_id), **details},
    )


def case_open_for_contract_end(
    *, organisation: Organisation, today: datetime.date | None = None
) -> EndOfContractCase | None:
    """Open the case of a customer whose contract has ended, with the default periods (the
    longest transition, the shortest retrieval); None when one is open already."""
    today = _today(today)
    end = organisation.contract_end
    if end is None or end >= today:
        raise ValidationError(_("The contract has not ended yet."))
    # The transition starts when the case opens (the day after the contract's last day, when
    # the beat runs on time), so the customer always gets the whole of it.
    transition_start = max(end, today)
    transition_end = periods.latest_transition_end(transition_start)
    with transaction.atomic():
        if EndOfContractCase.objects.for_organisation(organisation).open().exists():
            return None
        case = EndOfContractCase(
            organisation=organisation,
            origin=CaseOrigin.CONTRACT_END,
            requested_on=end,
            transition_start=transition_start,
            transition_end=transition_end,
            retrieval_end=periods.earliest_retrieval_end(transition_end),
        )
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:  # another beat run opened it meanwhile
            return None
        _audit("end_of_contract.opened", case, origin=case.origin, contract_end=end.isoformat())
        case_email(case, template="case_opened", cause=f"eoc-opened:{case.public_id}")
    return case


def case_request_switch(
    *,
    organisation: Organisation,
    user,
    destination_provider: str,
    switch_on: datetime.date,
    transition_days: int = periods.TRANSITION_MAX_DAYS,
    retrieval_days: int = periods.RETRIEVAL_MIN_DAYS,
    request=None,
    today: datetime.date | None = None,
) -> EndOfContractCase:
    """A customer admin asks to switch to another provider: the case opens with the choice
    made. The switch takes effect after the notice (at most 2 months), then the transition."""
    today = _today(today)
    _require_admin(user, organisation)
    if organisation.kind != Organisation.Kind.CUSTOMER:
        raise ValidationError(_("Only a customer can ask to switch."))
    errors = {}
    destination_provider = destination_provider.strip()
    if not destination_provider:
        errors["destination_provider"] = _("Name the provider you are switching to.")
    if switch_on < today:
        errors["switch_on"] = _("The switch cannot take effect in the past.")
    elif switch_on > periods.latest_notice_end(today):
        errors["switch_on"] = _(
            "The notice lasts at most 2 months (Data Act Art. 25(2)): choose %(date)s or earlier."
        ) % {"date": periods.latest_notice_end(today).isoformat()}
    if errors:
        raise ValidationError(errors)
    transition_end, retrieval_end = _validate_periods(
        transition_start=switch_on,
        transition_days=transition_days,
        retrieval_days=retrieval_days,
        today=today,
    )
    with transaction.atomic():
        open_case = EndOfContractCase.objects.for_organisation(organisation).open().first()
        if open_case is not None:
            raise CaseAlreadyOpen(open_case)
        now = timezone.now()
        case = EndOfContractCase(
            organisation=organisation,
            origin=CaseOrigin.SWITCHING_REQUEST,
            status=CaseStatus.TRANSITION,
            choice=CaseChoice.SWITCH,
            destination_provider=destination_provider,
            requested_on=today,
            opened_by=user,
            chosen_at=now,
            chosen_by=user,
            transition_start=switch_on,
            transition_end=transition_end,
            retrieval_end=retrieval_end,
        )
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError as error:
            raise CaseAlreadyOpen(
                EndOfContractCase.objects.for_organisation(organisation).open().get()
            ) from error
        _audit("end_of_contract.opened", case, user=user, request=request, origin=case.origin)
        _audit(
            "end_of_contract.choice_recorded", case, user=user, request=request, choice=case.choice
        )
        case_email(case, template="case_opened", cause=f"eoc-opened:{case.public_id}")
        case_email(case, template="choice_recorded", cause=f"eoc-choice:{case.public_id}")
    return case


def case_choose(
    *,
    case: EndOfContractCase,
    user,
    choice: str,
    destination_provider: str = "",
    transition_days: int = periods.TRANSITION_MAX_DAYS,
    retrieval_days: int = periods.RETRIEVAL_MIN_DAYS,
    request=None,
    today: datetime.date | None = None,
) -> EndOfContractCase:
    """The customer admin's choice for a case opened by the contract's end: return then
    deletion, deletion only, or switching (with the destination named), and the periods."""
    today = _today(today)
    _require_admin(user, case)
    if choice not in CaseChoice.values:
        raise ValidationError({"choice": _("Choose one of the options.")})
    destination_provider = destination_provider.strip()
    if choice == CaseChoice.SWITCH and not destination_provider:
        raise ValidationError(
            {"destination_provider": _("Name the provider you are switching to.")}
        )
    with transaction.atomic():
        case = _lock(case)
        if case.status != CaseStatus.AWAITING_CHOICE:
            raise ValidationError(_("The choice for this case has already been made."))
        case.transition_end, case.retrieval_end = _validate_periods(
            transition_start=case.transition_start,
            transition_days=transition_days,
            retrieval_days=retrieval_days,
            today=today,
        )
        case.choice = choice
        case.destination_provider = destination_provider if choice == CaseChoice.SWITCH else ""
        case.chosen_at, case.chosen_by = timezone.now(), user
        case.status = (
            CaseStatus.RETRIEVAL if case.transition_end <= today else CaseStatus.TRANSITION
        )
        case.full_clean()
        case.save()
        _audit(
            "end_of_contract.choice_recorded",
            case,
            user=user,
            request=request,
            choice=choice,
            transition_end=case.transition_end.isoformat(),
            retrieval_end=case.retrieval_end.isoformat(),
        )
        case_email(case, template="choice_recorded", cause=f"eoc-choice:{case.public_id}")
    return case


def _shift_retrieval(case: EndOfContractCase, new_transition_end: datetime.date) -> None:
    """Move the retrieval with the transition, keeping its length, still ending at the end of
    a working day."""
    length = (case.retrieval_end - case.transition_end).days
    case.transition_end = new_transition_end
    case.retrieval_end = periods.retrieval_end_for(new_transition_end, length)


def case_extend_transition(
    *,
    case: EndOfContractCase,
    user,
    new_end: datetime.date,
    reason: str,
    request=None,
    today: datetime.date | None = None,
) -> EndOfContractCase:
    """The customer's one extension of the transition (Art. 25(5)), with a reason, "for a
    period that the customer deems more appropriate for its own purposes": to any later day.
    The 7-month bound of Art. 25(4) binds only the provider's alternative period. A second
    extension is refused."""
    today = _today(today)
    _require_admin(user, case)
    reason = reason.strip()
    with transaction.atomic():
        case = _lock(case)
        if case.status not in (CaseStatus.AWAITING_CHOICE, CaseStatus.TRANSITION):
            raise ValidationError(_("The transition is over; it can no longer be extended."))
        if case.is_extended:
            raise ValidationError(_("The transition can be extended once, and it has been."))
        errors = {}
        if not reason:
            errors["reason"] = _("Say why the transition needs more time.")
        if new_end <= case.transition_end:
            errors["new_end"] = _("An extension ends after the current end (%(date)s).") % {
                "date": case.transition_end.isoformat()
            }
        if errors:
            raise ValidationError(errors)
        previous_end = case.transition_end
        _shift_retrieval(case, new_end)
        case.extension_reason, case.extended_at, case.extended_by = reason, timezone.now(), user
        case.save()
        _audit(
            "end_of_contract.transition_extended",
            case,
            user=user,
            request=request,
            previous_end=previous_end.isoformat(),
            new_end=new_end.isoformat(),
        )
        case_email(
            case,
            template="transition_extended",
            cause=f"eoc-extended:{case.public_id}",
            extra={"reason": reason, "by_legal": False},
        )
    return case


def case_extend_retrieval(
    *,
    case: EndOfContractCase,
    user,
    new_end: datetime.date,
    request=None,
    today: datetime.date | None = None,
) -> EndOfContractCase:
    """The customer asks for more time to retrieve the data, within the provider's bound."""
    today = _today(today)
    _require_admin(user, case)
    with transaction.atomic():
        case = _lock(case)
        if case.status not in BEFORE_ERASURE or case.early_deletion_confirmed_at:
            raise ValidationError(
                _("The erasure has started or been confirmed; retrieval is over.")
            )
        latest = periods.latest_retrieval_end(case.retrieval_start)
        if new_end <= case.retrieval_end:
            raise ValidationError(
                {
                    "new_end": _("An extension ends after the current end (%(date)s).")
                    % {"date": case.retrieval_end.isoformat()}
                }
            )
        if new_end > latest:
            raise ValidationError(
                {
                    "new_end": _("Retrieval can be extended until %(date)s at the latest.")
                    % {"date": latest.isoformat()}
                }
            )
        previous_end = case.retrieval_end
        case.retrieval_end = new_end
        case.save(update_fields=["retrieval_end"])
        _audit(
            "end_of_contract.retrieval_extended",
            case,
            user=user,
            request=request,
            previous_end=previous_end.isoformat(),
            new_end=new_end.isoformat(),
        )
    return case


def case_state_unfeasibility(
    *,
    case: EndOfContractCase,
    user,
    reasons: str,
    alternative_end: datetime.date,
    request=None,
    today: datetime.date | None = None,
) -> EndOfContractCase:
    """Legal declares the 30-day transition technically unfeasible (Art. 25(4)): with reasons,
    within 14 working days of the request, and an alternative of at most 7 months."""
    today = _today(today)
    _require_legal(user)
    reasons = reasons.strip()
    with transaction.atomic():
        case = _lock(case)
        if refusal := selectors.unfeasibility_refusal(case, today):
            raise ValidationError(refusal)
        errors = {}
        if not reasons:
            errors["reasons"] = _("Give the technical reasons.")
        latest = periods.latest_alternative_transition_end(case.transition_start)
        if alternative_end <= case.transition_end:
            errors["alternative_end"] = _(
                "The alternative ends after the current transition (%(date)s)."
            ) % {"date": case.transition_end.isoformat()}
        elif alternative_end > latest:
            errors["alternative_end"] = _(
                "The alternative transition lasts at most 7 months: until %(date)s at the latest."
            ) % {"date": latest.isoformat()}
        if errors:
            raise ValidationError(errors)
        previous_end = case.transition_end
        _shift_retrieval(case, alternative_end)
        case.unfeasibility_reasons = reasons
        case.unfeasibility_stated_at, case.unfeasibility_stated_by = timezone.now(), user
        case.save()
        _audit(
            "end_of_contract.unfeasibility_stated",
            case,
            user=user,
            request=request,
            previous_end=previous_end.isoformat(),
            alternative_end=alternative_end.isoformat(),
        )
        case_email(
            case,
            template="transition_extended",
            cause=f"eoc-unfeasible:{case.public_id}",
            extra={"reason": reasons, "by_legal": True},
        )
    return case


def hold_place(
    *, case: EndOfContractCase, user, category: str, reason: str, request=None
) -> LegalHold:
    """Legal keeps one category out of the erasure, with a reason."""
    _require_legal(user)
    reason = reason.strip()
    errors = {}
    if category not in category_ids():
        errors["category"] = _("Choose one of the data categories.")
    if not reason:
        errors["reason"] = _("Give the reason for the hold.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _lock(case)
        if case.status not in BEFORE_ERASURE:
            raise ValidationError(_("Holds are placed before the erasure starts."))
        if case.holds.filter(category=category, released_at__isnull=True).exists():
            raise ValidationError({"category": _("This category is already on hold.")})
        hold = LegalHold.objects.create(case=case, category=category, reason=reason, placed_by=user)
        _audit(
            "end_of_contract.hold_placed",
            case,
            user=user,
            request=request,
            hold=str(hold.public_id),
            category=category,
        )
    return hold


def hold_release(*, hold: LegalHold, user, request=None) -> LegalHold:
    _require_legal(user)
    with transaction.atomic():
        case = _lock(hold.case)
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if case.status not in BEFORE_ERASURE:
            raise ValidationError(_("The erasure has started; holds can no longer change."))
        if not hold.is_active:
            raise ValidationError(_("This hold was already released."))
        hold.released_at, hold.released_by = timezone.now(), user
        hold.save(update_fields=["released_at", "released_by"])
        _audit(
            "end_of_contract.hold_released",
            case,
            user=user,
            request=request,
            hold=str(hold.public_id),
            category=hold.category,
        )
    return hold


def case_confirm_early_deletion(
    *,
    case: EndOfContractCase,
    user,
    statement: str,
    confirm_name: str,
    request=None,
    today: datetime.date | None = None,
):
    """The customer's written confirmation that the data may be erased now, before the
    retrieval period ends; the erasure then starts at once. Returns the deletion job."""
    from exports.end_of_contract.services.deletion import deletion_start

    today = _today(today)
    _require_admin(user, case)
    statement = statement.strip()
    errors = {}
    if not statement:
        errors["statement"] = _("Write the confirmation in your own words.")
    if confirm_name.strip() != case.organisation.name:
        errors["confirm_name"] = _("Type the organisation's name exactly as shown.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _lock(case)
        if case.status not in BEFORE_ERASURE:
            raise ValidationError(_("The erasure has already started."))
        case.early_deletion_statement = statement
        case.early_deletion_confirmed_at, case.early_deletion_confirmed_by = timezone.now(), user
        case.save(
            update_fields=[
                "early_deletion_statement",
                "early_deletion_confirmed_at",
                "early_deletion_confirmed_by",
            ]
        )
        _audit("end_of_contract.early_deletion_confirmed", case, user=user, request=request)
        job = deletion_start(case=case, user=user, request=request, today=today)
    return job


# The beat's daily steps ----------------------------------------------------------------------


def cases_open_for_ended_contracts(*, today: datetime.date | None = None) -> int:
    """Open a case for every customer whose contract ended and who has no case for it."""
    today = _today(today)
    candidates = Organisation.objects.filter(
        kind=Organisation.Kind.CUSTOMER, contract_end__lt=today
    ).exclude(end_of_contract_cases__status__in=OPEN_STATUSES)
    opened = 0
    for organisation in candidates.order_by("pk"):
        if organisation.end_of_contract_cases.filter(
            requested_on__gte=organisation.contract_end
        ).exists():
            continue
        if case_open_for_contract_end(organisation=organisation, today=today) is not None:
            opened += 1
    return opened


def cases_advance(*, today: datetime.date | None = None) -> int:
    """Cases whose transition has ended enter retrieval; the admins learn how to export."""
    today = _today(today)
    advanced = 0
    due = EndOfContractCase.objects.filter(
        status__in=(CaseStatus.AWAITING_CHOICE, CaseStatus.TRANSITION), transition_end__lte=today
    )
    for case_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            case = (
                EndOfContractCase.objects.select_for_update()
                .select_related("organisation")
                .get(pk=case_id)
            )
            if case.status not in (CaseStatus.AWAITING_CHOICE, CaseStatus.TRANSITION):
                continue
            case.status = CaseStatus.RETRIEVAL
            case.save(update_fields=["status"])
            _audit("end_of_contract.retrieval_started", case)
            case_email(case, template="retrieval_started", cause=f"eoc-retrieval:{case.public_id}")
            advanced += 1
    return advanced


def reminders_send(*, today: datetime.date | None = None) -> int:
    """The reminders 7 days and 1 day before the erasure (one per reminder and erasure date:
    an extended retrieval gets its own)."""
    today = _today(today)
    sent = 0
    cases = EndOfContractCase.objects.filter(
        status__in=BEFORE_ERASURE, early_deletion_confirmed_at__isnull=True
    ).select_related("organisation")
    for case in cases:
        due = case.deletion_due_on
        week_before, day_before = periods.deletion_reminder_dates(due)
        if day_before <= today < due:
            days = 1
        elif week_before <= today < day_before:
            days = 7
        else:
            continue
        with transaction.atomic():
            case_email(
                case,
                template="deletion_reminder",
                cause=f"eoc-reminder-{days}:{case.public_id}:{due.isoformat()}",
                extra={"days": days},
            )
        sent += 1
    return sent
