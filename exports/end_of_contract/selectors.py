"""Reads for the end-of-contract pages: the cases a person may see, and a case's timeline
(each period with its dates and state, what happens next, what the customer can still do)."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from exports.end_of_contract import periods
from exports.end_of_contract.models import (
    CaseOrigin,
    CaseStatus,
    DeletionJob,
    EndOfContractCase,
)
from trustcentre.accounts.models import Organisation
from trustcentre.accounts.selectors import portal_organisations
from trustcentre.jobs.models import JobStatus
from trustcentre.lib.moments import format_day

LEAVING_KINDS = (Organisation.Kind.CUSTOMER, Organisation.Kind.FORMER_CUSTOMER)
BEFORE_ERASURE = (CaseStatus.AWAITING_CHOICE, CaseStatus.TRANSITION, CaseStatus.RETRIEVAL)


def leaving_organisations(*, user) -> QuerySet:
    """The user's own customer (and former customer) organisations."""
    return portal_organisations(user=user).filter(kind__in=LEAVING_KINDS).order_by("name")


def current_case(organisation: Organisation) -> EndOfContractCase | None:
    """The open case, or else the latest one."""
    cases = EndOfContractCase.objects.for_organisation(organisation).select_related("organisation")
    return cases.open().first() or cases.first()


def latest_job(case: EndOfContractCase) -> DeletionJob | None:
    return case.deletion_jobs.order_by("-created_at").first()


def staff_case_list(*, search: str = "", status: str = "", choice: str = "") -> QuerySet:
    cases = EndOfContractCase.objects.select_related("organisation")
    if search:
        cases = cases.filter(
            Q(organisation__name__icontains=search) | Q(organisation__slug__icontains=search)
        )
    if status:
        cases = cases.filter(status=status)
    if choice == "none":
        cases = cases.filter(choice="")
    elif choice:
        cases = cases.filter(choice=choice)
    return cases.order_by("retrieval_end", "-opened_at")


@dataclass
class Period:
    key: str
    title: str
    start: datetime.date | None
    end: datetime.date | None
    state: str  # "done", "current", "upcoming"
    description: str

    @property
    def days(self) -> int | None:
        if self.start and self.end:
            return (self.end - self.start).days
        return None


def _state(start, end, today) -> str:
    if end is not None and today >= end:
        return "done"
    if start is not None and today >= start:
        return "current"
    return "upcoming"


def case_timeline(
    case: EndOfContractCase, *, certificate=None, today: datetime.date | None = None
) -> list[Period]:
    today = today or timezone.now().date()
    erased = case.status in (CaseStatus.DELETED, CaseStatus.CLOSED)
    deleting = case.status == CaseStatus.DELETING
    if case.origin == CaseOrigin.SWITCHING_REQUEST:
        notice_text = _(
            "From the switching request to the day the switch takes effect (at most 2 months)."
        )
    else:
        notice_text = _("From the end of the contract to the opening of this case.")
    timeline = [
        Period(
            "notice",
            _("Notice"),
            case.requested_on,
            case.transition_start,
            _state(case.requested_on, case.transition_start, today),
            notice_text,
        ),
        Period(
            "transition",
            _("Transition"),
            case.transition_start,
            case.transition_end,
            _state(case.transition_start, case.transition_end, today),
            _(
                "The service continues while you move your data: at most 30 days, up to 7 "
                "months when that is technically unfeasible, or once as long as your "
                "organisation asks."
            ),
        ),
        Period(
            "retrieval",
            _("Data retrieval"),
            case.retrieval_start,
            case.retrieval_end,
            _state(case.retrieval_start, case.retrieval_end, today),
            _("At least 30 days in which every export stays available, ending on a working day."),
        ),
    ]
    erasure_end = None
    if certificate is not None:
        erasure_end = certificate.rendered_at.astimezone(datetime.UTC).date()
    erasure_state = "done" if erased else ("current" if deleting else "upcoming")
    timeline.append(
        Period(
            "erasure",
            _("Erasure"),
            case.deletion_due_on,
            erasure_end,
            erasure_state,
            _(
                "Every category is deleted in batches, except data on legal hold; a "
                "certificate follows."
            ),
        )
    )
    for period in timeline:
        if erased or deleting:
            if period.key != "erasure":
                period.state = "done"
    return timeline


def _day(value: datetime.date) -> str:
    return format_day(value)


def case_next_step(case: EndOfContractCase, *, today: datetime.date | None = None) -> str:
    today = today or timezone.now().date()
    if case.status == CaseStatus.CLOSED:
        return _("The case is closed: the certificate is countersigned by legal.")
    if case.status == CaseStatus.DELETED:
        return _("The data is erased. Legal countersigns the certificate next.")
    if case.status == CaseStatus.DELETING:
        return _("The erasure is running.")
    if case.early_deletion_confirmed_at:
        return _("The erasure starts now, as confirmed in writing.")
    if case.status == CaseStatus.AWAITING_CHOICE:
        return _(
            "The customer chooses return then deletion, deletion only, or switching. Without a "
            "choice, the data stays available until %(date)s and is then erased."
        ) % {"date": _day(case.deletion_due_on)}
    if today < case.transition_start:
        return _("The switch takes effect on %(date)s; the transition starts then.") % {
            "date": _day(case.transition_start)
        }
    if today < case.transition_end:
        return _("The transition ends on %(date)s; data retrieval follows.") % {
            "date": _day(case.transition_end)
        }
    return _("The erasure starts on %(date)s, after reminders 7 days and 1 day before.") % {
        "date": _day(case.deletion_due_on)
    }


@dataclass
class CustomerActions:
    choose: bool = False
    extend_transition: bool = False
    extend_retrieval: bool = False
    confirm_early_deletion: bool = False
    export: bool = False
    request_switch: bool = False
    latest_retrieval_end: datetime.date | None = None


def customer_actions(case: EndOfContractCase | None, organisation: Organisation) -> CustomerActions:
    """What the customer can still do; the services check the same rules again."""
    # A customer asks to switch while no case is open; the service refuses a second open case.
    request_switch = organisation.kind == Organisation.Kind.CUSTOMER and (
        case is None or not case.is_open
    )
    if case is None or case.status not in BEFORE_ERASURE:
        return CustomerActions(
            export=organisation.kind in LEAVING_KINDS, request_switch=request_switch
        )
    before_transition_end = case.status in (CaseStatus.AWAITING_CHOICE, CaseStatus.TRANSITION)
    confirmed = case.early_deletion_confirmed_at is not None
    return CustomerActions(
        choose=case.status == CaseStatus.AWAITING_CHOICE,
        extend_transition=before_transition_end and not case.is_extended,
        extend_retrieval=not confirmed
        and case.retrieval_end < periods.latest_retrieval_end(case.retrieval_start),
        confirm_early_deletion=not confirmed,
        export=True,
        request_switch=request_switch,
        latest_retrieval_end=periods.latest_retrieval_end(case.retrieval_start),
    )


def unfeasibility_refusal(
    case: EndOfContractCase, today: datetime.date | None = None
) -> str | None:
    """Why legal cannot declare the transition technically unfeasible now (Data Act Art. 25(4)),
    or None when it can: once, while the transition has not ended, and within 14 working days
    of the request. The staff page offers the form only when this is None; the service refuses
    with this reason."""
    if case.status not in (CaseStatus.AWAITING_CHOICE, CaseStatus.TRANSITION):
        return _("The transition is over; there is nothing left to extend.")
    if case.is_unfeasibility_stated:
        return _("Unfeasibility has already been stated for this case.")
    due = periods.unfeasibility_statement_due(case.request_day)
    if (today or timezone.localdate()) > due:
        return _("The statement was due within 14 working days of the request, by %(date)s.") % {
            "date": due.isoformat()
        }
    return None


def deletion_running(case: EndOfContractCase) -> bool:
    return case.deletion_jobs.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists()
