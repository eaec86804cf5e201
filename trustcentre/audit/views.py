"""Staff pages of the audit log: the filtered list, one event, and the CSV export's job page."""

import json
import uuid

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from trustcentre.accounts.models import STAFF_ROLES
from trustcentre.accounts.permissions import staff_role_required
from trustcentre.audit import selectors, services
from trustcentre.audit.forms import AuditEventFilterForm
from trustcentre.audit.models import AuditEvent, AuditExportJob, UnknownChainKey
from trustcentre.jobs.models import JobStatus
from trustcentre.lib.signed_links import (
    BadSignature,
    SignatureExpired,
    make_signed_token,
    read_signed_token,
)

EVENTS_PER_PAGE = 50
EXPORT_LINK_PURPOSE = "audit-export-download"
EXPORT_LINK_MAX_AGE = 10 * 60  # seconds; the job page makes a fresh link on every visit

# Every staff role reads the log: legal and the DPO investigate, trust admins operate.
audit_staff_required = staff_role_required(*STAFF_ROLES)


@never_cache
@audit_staff_required
def event_list(request):
    filters = AuditEventFilterForm(request.GET or None)
    if filters.is_bound and not filters.is_valid():
        events = AuditEvent.objects.none()
    else:
        zone = timezone.get_current_timezone_name()
        criteria = filters.to_filters(time_zone=zone) if filters.is_bound else {}
        events = selectors.audit_event_list(**criteria)
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {
            "filters": filters,
            "filtered": filters.is_bound and any(filters.data.get(f) for f in filters.fields),
            "page_obj": page,
            "recent_exports": list(AuditExportJob.objects.filter(requested_by=request.user)[:5]),
        },
    )


@never_cache
@audit_staff_required
def event_detail(request, public_id):
    event = get_object_or_404(
        AuditEvent.objects.select_related("actor", "organisation"), public_id=public_id
    )
    neighbours = dict(
        AuditEvent.objects.filter(seq__in=[event.seq - 1, event.seq + 1]).values_list(
            "seq", "public_id"
        )
    )
    return render(
        request,
        "audit/event_detail.html",
        {
            "event": event,
            "details_json": json.dumps(
                event.canonical_payload()["details"], indent=2, sort_keys=True
            ),
            "hash_matches": _hash_matches(event),
            "previous_id": neighbours.get(event.seq - 1),
            "next_id": neighbours.get(event.seq + 1),
        },
    )


def _hash_matches(event: AuditEvent) -> bool:
    try:
        return event.compute_hash() == event.hash
    except UnknownChainKey:
        return False


@never_cache
@audit_staff_required
@require_POST
def export_create(request):
    filters = AuditEventFilterForm(request.POST)
    if not filters.is_valid():
        messages.error(request, _("The filters are not valid; correct them before exporting."))
        return redirect("audit:event_list")
    job = services.audit_export_request(
        user=request.user,
        filters=filters.to_filters(time_zone=timezone.get_current_timezone_name()),
        request=request,
    )
    return redirect("audit:export_detail", public_id=job.public_id)


@never_cache
@audit_staff_required
def export_detail(request, public_id):
    job = get_object_or_404(AuditExportJob, public_id=public_id)
    download_url = None
    if job.status == JobStatus.COMPLETED:
        token = make_signed_token(EXPORT_LINK_PURPOSE, str(job.public_id))
        download_url = reverse("audit:export_download", kwargs={"token": token})
    return render(
        request,
        "audit/export_detail.html",
        {
            "job": job,
            "download_url": download_url,
            "link_minutes": EXPORT_LINK_MAX_AGE // 60,
            "refresh": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
        },
    )


@never_cache
@audit_staff_required
@require_POST
def export_retry(request, public_id):
    job = get_object_or_404(AuditExportJob, public_id=public_id)
    try:
        services.audit_export_retry(job=job, user=request.user, request=request)
    except services.AuditExportNotRetryable:
        messages.error(request, _("Only a failed export can be retried."))
    else:
        messages.success(request, _("The export was queued again."))
    return redirect("audit:export_detail", public_id=job.public_id)


@never_cache
@audit_staff_required  # the link is a bearer secret: the role is checked again here
def export_download(request, token):
    try:
        public_id = uuid.UUID(read_signed_token(EXPORT_LINK_PURPOSE, token, EXPORT_LINK_MAX_AGE))
    except SignatureExpired:
        return render(request, "audit/link_expired.html", status=410)
    except (BadSignature, ValueError) as error:
        raise Http404 from error
    job = get_object_or_404(AuditExportJob, public_id=public_id, status=JobStatus.COMPLETED)
    try:
        handle = default_storage.open(job.file_name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    services.audit_export_delivered(job=job, user=request.user, request=request)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"audit-events-{job.created_at:%Y%m%d}-{str(job.public_id)[:8]}.csv",
        content_type="text/csv; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    return response
