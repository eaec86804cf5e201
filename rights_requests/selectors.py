"""Reads of the workbench: the filtered queue and the statistics."""

import datetime
import statistics
from collections import Counter

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from rights_requests.models import (
    OPEN_STATUSES,
    Jurisdiction,
    Referral,
    RequestStatus,
    RequestType,
    RightsRequest,
    local_date,
)
from trustcentre.accounts.models import User


def dpo_users():
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name="dpo") | Q(is_superuser=True))
        .distinct()
        .order_by("email")
    )


def rights_request_queue(*, user, filters: dict, today: datetime.date | None = None):
    """The queue, sorted by deadline. Unconfirmed requests never appear (SECURITY R20)."""
    today = today or timezone.localdate()
    requests = RightsRequest.objects.in_queue().select_related("assignee")
    status = filters.get("status") or ""
    if status == "":
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif status != "all":
        requests = requests.filter(status=status)
    for field in ("type", "jurisdiction"):
        if filters.get(field):
            requests = requests.filter(**{field: filters[field]})
    assignee = filters.get("assignee") or ""
    if assignee == "me":
        requests = requests.filter(assignee=user)
    elif assignee == "none":
        requests = requests.filter(assignee__isnull=True)
    elif assignee:
        requests = requests.filter(assignee__public_id=assignee)
    if filters.get("due_within") is not None:
        requests = requests.filter(
            due_date__lte=today + datetime.timedelta(days=filters["due_within"])
        )
    if filters.get("overdue"):
        requests = requests.filter(
            status__in=[RequestStatus.OPEN, RequestStatus.REFERRED], due_date__lt=today
        )
    if filters.get("q"):
        q = filters["q"].strip()
        requests = requests.filter(Q(reference__iexact=q) | Q(email__iexact=q))
    return requests.order_by("due_date", "received_at")


def referrals_waiting(request_ids, *, today: datetime.date | None = None) -> dict[int, list]:
    """For the queue: each request's customers whose instruction is awaited, with how many
    days they have waited, keyed by the request's id."""
    today = today or timezone.localdate()
    waiting: dict[int, list] = {}
    pending = (
        Referral.objects.filter(
            request_id__in=request_ids, instruction=Referral.Instruction.PENDING
        )
        .select_related("organisation")
        .order_by("created_at")
    )
    for referral in pending:
        waiting.setdefault(referral.request_id, []).append(
            {"organisation": referral.organisation.name, "days": referral.waiting_days(today)}
        )
    return waiting


def rights_request_stats() -> dict:
    requests = RightsRequest.objects.in_queue()
    labels_type = dict(RequestType.choices)
    labels_status = dict(RequestStatus.choices)
    by_type = [
        {"label": labels_type.get(row["type"], row["type"]), "count": row["n"]}
        for row in requests.values("type").annotate(n=Count("pk")).order_by("-n")
    ]
    by_status = [
        {"label": labels_status.get(row["status"], row["status"]), "count": row["n"]}
        for row in requests.values("status").annotate(n=Count("pk")).order_by("-n")
    ]
    by_month = [
        {"label": row["month"].strftime("%Y-%m"), "count": row["n"]}
        for row in requests.annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
        if row["month"]
    ]
    closed = list(
        requests.filter(status=RequestStatus.COMPLETED, closed_at__isnull=False).only(
            "received_at", "closed_at", "due_date"
        )
    )
    days = [(local_date(r.closed_at) - local_date(r.received_at)).days for r in closed]
    on_time = sum(1 for r in closed if r.closed_on_time)
    peak = max([row["count"] for row in by_month] or [1])
    for row in by_month:
        row["percent"] = round(100 * row["count"] / peak)
    jurisdictions = Counter(requests.values_list("jurisdiction", flat=True))
    return {
        "total": requests.count(),
        "by_type": by_type,
        "by_status": by_status,
        "by_month": by_month,
        "by_jurisdiction": [
            {"label": label, "count": jurisdictions.get(value, 0)}
            for value, label in Jurisdiction.choices
        ],
        "closed": len(closed),
        "median_days": statistics.median(days) if days else None,
        "on_time_percent": round(100 * on_time / len(closed)) if closed else None,
    }
