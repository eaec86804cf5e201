"""Reads of the public trust centre and of the staff analytics."""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from trustcentre.content.models import (
    Certification,
    Control,
    ControlGroup,
    FaqCategory,
    FaqEntry,
    Overview,
)
from trustcentre.documents.models import AccessRequest, Document, DocumentEvent

PUBLIC_PAGE_DOCUMENTS = 8


def faq_entries(*, q: str = "", category: FaqCategory | None = None):
    entries = FaqEntry.objects.select_related("category")
    if q:
        entries = entries.filter(Q(question__icontains=q) | Q(answer__icontains=q))
    if category is not None:
        entries = entries.filter(category=category)
    return entries.order_by("category__order", "order", "question")


def public_page(*, q: str = "", category: FaqCategory | None = None) -> dict:
    """Everything the public trust centre shows, in a fixed number of queries."""
    groups = ControlGroup.objects.prefetch_related(
        Prefetch("controls", queryset=Control.objects.order_by("order", "title"))
    ).order_by("order", "name")
    documents = Document.objects.listed().select_related("category", "current_version")
    return {
        "overview": Overview.objects.order_by("-updated_at").first(),
        "certifications": list(
            Certification.objects.select_related("document", "document__current_version")
        ),
        "control_groups": list(groups),
        "faq_categories": list(FaqCategory.objects.order_by("order", "name")),
        "faq_entries": list(faq_entries(q=q, category=category)),
        "documents": list(
            documents.order_by("-current_version__published_at")[:PUBLIC_PAGE_DOCUMENTS]
        ),
        "document_count": documents.count(),
    }


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    height: float


def daily_series(queryset, field: str, days: int, today: datetime.date) -> list[tuple]:
    start = today - datetime.timedelta(days=days - 1)
    counts = dict(
        queryset.filter(**{f"{field}__date__gte": start})
        .annotate(day=TruncDate(field))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return [
        (start + datetime.timedelta(days=i), counts.get(start + datetime.timedelta(days=i), 0))
        for i in range(days)
    ]


def svg_bars(series: list[tuple], *, width=600, height=120) -> dict:
    """Bar geometry for a server-rendered SVG chart (no script, no CDN)."""
    top = max([value for _day, value in series] + [1])
    step = width / max(len(series), 1)
    bars = []
    for index, (day, value) in enumerate(series):
        bar_height = (height - 16) * value / top
        bars.append(
            Bar(
                label=day.strftime("%d %b"),
                value=value,
                x=round(index * step + 1, 1),
                y=round(height - bar_height, 1),
                height=round(bar_height, 1),
            )
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "bar_width": round(max(step - 2, 1), 1),
        "top": top,
        "total": sum(v for _d, v in series),
    }


def median_decision_hours(since: datetime.datetime) -> float | None:
    """Median time from request to decision, for requests legal decided by hand."""
    rows = AccessRequest.objects.filter(
        decided_at__isnull=False,
        created_at__gte=since,
        rule__in=(AccessRequest.Rule.MANUAL, AccessRequest.Rule.FREE_MAIL),
    ).values_list("created_at", "decided_at")
    hours = [(decided - created).total_seconds() / 3600 for created, decided in rows]
    return round(statistics.median(hours), 1) if hours else None


def analytics(*, days: int = 30, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=days)
    downloads = DocumentEvent.objects.filter(kind=DocumentEvent.Kind.DOWNLOAD)
    recent = downloads.filter(occurred_at__gte=since)
    return {
        "days": days,
        "downloads_chart": svg_bars(daily_series(downloads, "occurred_at", days, today)),
        "requests_chart": svg_bars(daily_series(AccessRequest.objects, "created_at", days, today)),
        "top_documents": list(
            recent.values("document__title", "document__public_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "document__title")[:10]
        ),
        "top_organisations": list(
            recent.exclude(organisation__isnull=True)
            .values("organisation__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "organisation__name")[:10]
        ),
        "views": DocumentEvent.objects.filter(
            kind=DocumentEvent.Kind.VIEW, occurred_at__gte=since
        ).count(),
        "median_hours": median_decision_hours(since),
        "pending": AccessRequest.objects.filter(status=AccessRequest.Status.PENDING).count(),
    }
