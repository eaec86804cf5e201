"""Portal pages of exports: choose an organisation, request an export, follow its progress,
download the archive through a signed link that expires."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exports import services
from exports.forms import ExportRequestForm
from exports.models import ExportJob
from exports.permissions import export_organisations, exports_visible_to, organisation_may_export
from exports.sources import exportable_categories
from trustcentre.accounts.mfa import fresh_authentication_required
from trustcentre.accounts.models import Organisation
from trustcentre.accounts.selectors import portal_organisations
from trustcentre.audit.services import audit_record
from trustcentre.lib.files import private_file
from trustcentre.lib.signed_links import (
    BadSignature,
    SignatureExpired,
    make_signed_token,
    read_signed_token,
)

EXPORTS_PER_PAGE = 20
DOWNLOAD_LINK_PURPOSE = "export-download"


def download_token(job: ExportJob) -> str:
    return make_signed_token(DOWNLOAD_LINK_PURPOSE, str(job.public_id))


def read_download_token(token: str) -> uuid.UUID:
    """The job's public id; SignatureExpired when too old, BadSignature (or ValueError) when
    tampered with or made for another purpose."""
    return uuid.UUID(read_signed_token(DOWNLOAD_LINK_PURPOSE, token, settings.EXPORT_LINK_MAX_AGE))


def archive_filename(job: ExportJob) -> str:
    # Built from the slug and the job, never from user input; sanitised all the same.
    return get_valid_filename(
        f"{job.organisation.slug}-export-{job.created_at:%Y%m%d}-{str(job.public_id)[:8]}.zip"
    )


def archive_response(job: ExportJob) -> FileResponse:
    """The archive as an attachment, never cached, rendered or sniffed. Http404 when the file
    is gone."""
    try:
        handle = default_storage.open(job.archive_name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=archive_filename(job), content_type="application/zip"
    )
    return private_file(response)


def _export_organisation(request, slug) -> Organisation:
    # Someone else's organisation answers 404, so its existence is not disclosed; a prospect
    # of one's own has no customer data to export.
    organisation = get_object_or_404(portal_organisations(user=request.user), slug=slug)
    if not organisation_may_export(organisation):
        raise PermissionDenied
    return organisation


def _job_or_404(organisation, public_id) -> ExportJob:
    return get_object_or_404(
        ExportJob.objects.select_related("organisation", "requested_by"),
        organisation=organisation,
        public_id=public_id,
    )


@never_cache
@login_required
@require_GET
def export_home(request):
    organisations = list(export_organisations(user=request.user))
    if len(organisations) == 1:
        return redirect("exports:list", slug=organisations[0].slug)
    return render(request, "exports/export_home.html", {"organisations": organisations})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@fresh_authentication_required
def export_list(request, slug):
    organisation = _export_organisation(request, slug)
    form = ExportRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.export_request(
                organisation=organisation,
                user=request.user,
                request=request,
                **form.cleaned_data,
            )
        except services.ExportAlreadyRunning as running:
            messages.error(
                request, _("An export of this organisation is already running; it is shown below.")
            )
            return redirect("exports:detail", slug=slug, public_id=running.job.public_id)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("exports:detail", slug=slug, public_id=job.public_id)
    jobs = ExportJob.objects.for_organisation(organisation).select_related("requested_by")
    page = Paginator(jobs, EXPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "exports/export_list.html",
        {
            "organisation": organisation,
            "form": form,
            "page_obj": page,
            "running": jobs.active().first(),
        },
    )


def _category_rows(job: ExportJob) -> list[dict]:
    names = {c.id: c.name for c in exportable_categories()}
    return [
        {"id": c, "name": names.get(c, c), "rows": job.row_counts.get(c)} for c in job.categories
    ]


@never_cache
@login_required
@require_GET
def export_detail(request, slug, public_id):
    organisation = _export_organisation(request, slug)
    job = _job_or_404(organisation, public_id)
    download_url = None
    if job.is_downloadable:
        download_url = reverse(
            "exports:download", kwargs={"slug": slug, "token": download_token(job)}
        )
    return render(
        request,
        "exports/export_detail.html",
        {
            "organisation": organisation,
            "job": job,
            "category_rows": _category_rows(job),
            "download_url": download_url,
            "link_minutes": max(settings.EXPORT_LINK_MAX_AGE // 60, 1),
        },
    )


@never_cache
@login_required
@require_GET
def export_status(request, slug, public_id):
    """The job's progress for the page's script (static/js/job_progress.js)."""
    organisation = _export_organisation(request, slug)
    job = _job_or_404(organisation, public_id)
    return JsonResponse(
        {
            "status": job.display_status,
            "status_label": job.get_status_display(),
            "finished": job.is_finished,
            "progress": job.progress,
            "rows_written": job.rows_written,
            "total_rows_expected": job.total_rows_expected,
            "row_counts": job.row_counts,
        }
    )


@never_cache
@login_required
@require_POST
@fresh_authentication_required
def export_retry(request, slug, public_id):
    organisation = _export_organisation(request, slug)
    job = _job_or_404(organisation, public_id)
    try:
        services.export_retry(job=job, user=request.user, request=request)
    except services.ExportNotRetryable:
        messages.error(request, _("Only a failed export can be retried."))
    except services.ExportAlreadyRunning as running:
        messages.error(
            request, _("Another export of this organisation is running; wait for it to finish.")
        )
        return redirect("exports:detail", slug=slug, public_id=running.job.public_id)
    else:
        messages.success(
            request, _("The export was queued again; the files already written are kept.")
        )
    return redirect("exports:detail", slug=slug, public_id=job.public_id)


@never_cache
@login_required
@require_GET
def export_download(request, slug, token):
    """The link is a bearer secret: membership is checked again now, not when it was made."""
    try:
        public_id = read_download_token(token)
    except SignatureExpired:
        return render(
            request, "exports/link_expired.html", {"slug": slug, "reason": "link"}, status=410
        )
    except (BadSignature, ValueError) as error:
        raise Http404 from error
    job = ExportJob.objects.select_related("organisation").filter(public_id=public_id).first()
    if job is None or job.organisation.slug != slug:
        raise Http404
    if not exports_visible_to(user=request.user).filter(pk=job.pk).exists():
        # A good link in the wrong hands, or of someone who lost access since it was made.
        audit_record(
            action="authz.denied",
            request=request,
            obj=job,
            organisation=job.organisation,
            details={"reason": "export download without access"},
        )
        raise Http404
    if job.is_expired:
        return render(
            request, "exports/link_expired.html", {"slug": slug, "reason": "archive"}, status=410
        )
    if not job.is_downloadable:
        raise Http404
    response = archive_response(job)
    services.export_delivered(job=job, user=request.user, request=request, via="portal")
    return response
