"""Reads for the audit request pages, scoped to who is asking."""

from django.db.models import Count, Q
from django.utils import timezone

from dpa.audits.deadlines import answered_in_time
from dpa.audits.models import AuditMessage, AuditRequest
from trustcentre.accounts.models import Membership, Organisation, User
from trustcentre.lib.business_days import Regime, local_day

CUSTOMER_KINDS = (Organisation.Kind.CUSTOMER, Organisation.Kind.FORMER_CUSTOMER)


def _today():
    return local_day(timezone.now(), Regime.EU)


def customer_organisations(user):
    """The customer organisations the person belongs to, with whether they are its admin."""
    return list(
        Membership.objects.filter(user=user, organisation__kind__in=CUSTOMER_KINDS)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def requests_for_member(user):
    return (
        AuditRequest.objects.filter(organisation__memberships__user=user)
        .select_related("organisation")
        .annotate(message_count=Count("messages", distinct=True))
        .order_by("-received_at")
        .distinct()
    )


def staff_requests(*, status: str = "", search: str = ""):
    """The queue: the open ones first, by due date."""
    requests = AuditRequest.objects.select_related("organisation", "assignee").annotate(
        message_count=Count("messages", distinct=True)
    )
    if status == "open":
        requests = requests.filter(status__in=AuditRequest.OPEN_STATUSES)
    elif status:
        requests = requests.filter(status=status)
    if search:
        requests = requests.filter(
            Q(reference__icontains=search) | Q(organisation__name__icontains=search)
        )
    return requests.order_by("closed_at", "due_on", "received_at")


def is_overdue(audit_request: AuditRequest) -> bool:
    """Still unanswered after its last day."""
    return audit_request.is_open and not answered_in_time(
        due_on=audit_request.due_on, at=timezone.now()
    )


def answered_late(audit_request: AuditRequest) -> bool:
    responded = audit_request.responded_at
    return responded is not None and not answered_in_time(due_on=audit_request.due_on, at=responded)


def with_timing(requests) -> list[dict]:
    """Each request with whether it is overdue or was answered late (no query per row)."""
    return [{"request": r, "overdue": is_overdue(r), "late": answered_late(r)} for r in requests]


def thread(audit_request: AuditRequest) -> list[AuditMessage]:
    return list(
        AuditMessage.objects.filter(request=audit_request)
        .select_related("author")
        .prefetch_related("documents")
        .order_by("sent_at", "pk")
    )


def legal_users():
    return User.objects.filter(groups__name="legal", is_active=True).distinct().order_by("email")


def open_counts() -> dict:
    today = _today()
    open_requests = AuditRequest.objects.filter(status__in=AuditRequest.OPEN_STATUSES)
    return {
        "open": open_requests.count(),
        "overdue": open_requests.filter(due_on__lt=today).count(),
    }
