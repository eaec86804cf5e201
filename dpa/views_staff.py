"""Staff pages of the DPA, for legal: every customer's status with filters and reminders,
the versions (draft, preview as PDF, publish, who signed), countersignature and uploads."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dpa import selectors, services
from dpa.downloads import agreement_file_response
from dpa.forms import CountersignForm, NegotiatedUploadForm, StatusFilterForm, VersionForm
from dpa.models import Agreement, DpaVersion
from trustcentre.accounts import mfa
from trustcentre.accounts.mfa import safe_next_url
from trustcentre.accounts.models import Organisation
from trustcentre.accounts.permissions import staff_role_required
from trustcentre.lib.files import file_response

ORGANISATIONS_PER_PAGE = 25
legal_required = staff_role_required("legal")


def _customer(slug) -> Organisation:
    return get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.CUSTOMER)


def _version(public_id) -> DpaVersion:
    return get_object_or_404(DpaVersion, public_id=public_id)


def _agreement(public_id) -> Agreement:
    return get_object_or_404(
        Agreement.objects.select_related(
            "organisation", "version", "signed_by", "countersigned_by"
        ),
        public_id=public_id,
    )


@never_cache
@legal_required
@require_GET
def home(request):
    filters = StatusFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    organisations = selectors.organisation_status_list(
        search=data.get("q", ""), status=data.get("status", "")
    )
    page = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "organisation": org,
            "status_label": selectors.DpaStatus.LABELS[org.dpa_status],
            "may_remind": org.dpa_status in selectors.DpaStatus.NEEDS_SIGNATURE,
        }
        for org in page
    ]
    return render(
        request,
        "dpa/staff/home.html",
        {
            "filters": filters,
            "page_obj": page,
            "rows": rows,
            "filtered": any(data.values()) if data else False,
            "latest": selectors.latest_published_version(),
            "awaiting_count": Agreement.objects.filter(
                status=Agreement.Status.AWAITING_COUNTERSIGNATURE
            ).count(),
        },
    )


@never_cache
@legal_required
@require_POST
def remind(request, slug):
    organisation = _customer(slug)
    try:
        reminder = services.reminder_send(
            organisation=organisation, user=request.user, request=request
        )
    except services.DpaRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("A reminder went to %(count)d admin(s) of %(name)s.")
            % {"count": reminder.recipients, "name": organisation.name},
        )
    # Back to the filtered list the button was on.
    return redirect(safe_next_url(request, reverse("dpa_staff:home")))


@never_cache
@legal_required
@require_GET
def version_list(request):
    versions = DpaVersion.objects.select_related("created_by", "published_by").order_by(
        "status", "-number", "-created_at"
    )
    page = Paginator(versions, 20).get_page(request.GET.get("page"))
    return render(request, "dpa/staff/version_list.html", {"page_obj": page})


def _version_form_page(request, form, version=None, status=200):
    return render(
        request,
        "dpa/staff/version_form.html",
        {"form": form, "version": version},
        status=status,
    )


@never_cache
@legal_required
@require_http_methods(["GET", "POST"])
def version_create(request):
    latest = selectors.latest_published_version()
    initial = {}
    if latest is not None:
        initial = {field: getattr(latest, field) for field in DpaVersion.EDITABLE_FIELDS}
        initial["summary_of_changes"] = ""
    form = VersionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                version = services.version_create(
                    user=request.user, data=form.cleaned_data, request=request
                )
            except services.TemplateRefused as refusal:
                form.add_error("body", refusal.problems)
            else:
                messages.success(
                    request, _("The draft is saved. Preview it as the PDF before publishing.")
                )
                return redirect("dpa_staff:version_detail", public_id=version.public_id)
        return _version_form_page(request, form, status=400)
    return _version_form_page(request, form)


@never_cache
@legal_required
@require_http_methods(["GET", "POST"])
def version_edit(request, public_id):
    version = _version(public_id)
    if version.is_published:
        if request.method == "POST":
            try:
                services.version_update(
                    version=version, user=request.user, data={}, request=request
                )
            except services.DpaRefused as refusal:
                messages.error(request, refusal.message)
        else:
            messages.info(request, _("A published version is frozen; draft a new one instead."))
        return redirect("dpa_staff:version_detail", public_id=version.public_id)
    form = VersionForm(request.POST if request.method == "POST" else None, instance=version)
    if request.method == "POST":
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in DpaVersion.EDITABLE_FIELDS}
            try:
                # A fresh copy: the form's instance already holds the new values.
                services.version_update(
                    version=_version(public_id), user=request.user, data=data, request=request
                )
            except services.TemplateRefused as refusal:
                form.add_error("body", refusal.problems)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("dpa_staff:version_detail", public_id=version.public_id)
        return _version_form_page(request, form, version, status=400)
    return _version_form_page(request, form, version)


@never_cache
@legal_required
@require_GET
def version_detail(request, public_id):
    version = _version(public_id)
    signers = list(selectors.signers_of(version)) if version.is_published else []
    return render(
        request,
        "dpa/staff/version_detail.html",
        {"version": version, "signers": signers},
    )


@never_cache
@legal_required
@require_GET
def version_preview(request, public_id):
    version = _version(public_id)
    label = f"v{version.number}" if version.number else "draft"
    return file_response(
        services.version_preview_pdf(version),
        filename=f"DPA-{label}-preview.pdf",
        content_type="application/pdf",
        inline=True,
    )


@never_cache
@legal_required
@require_POST
def version_publish(request, public_id):
    version = _version(public_id)
    try:
        published = services.version_publish(version=version, user=request.user, request=request)
    except services.DpaRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("Version %(number)s is published; subscribers and customer admins are notified.")
            % {"number": published.number},
        )
    return redirect("dpa_staff:version_detail", public_id=version.public_id)


def _agreement_page(request, agreement, form=None, status=200):
    return render(
        request,
        "dpa/staff/agreement_detail.html",
        {
            "agreement": agreement,
            "organisation": agreement.organisation,
            "annexes": agreement.annexes or {},
            "countersign_form": form or CountersignForm(),
        },
        status=status,
    )


@never_cache
@legal_required
@require_GET
def agreement_detail(request, public_id):
    return _agreement_page(request, _agreement(public_id))


@never_cache
@sensitive_post_parameters("code")
@legal_required
@require_POST
def agreement_countersign(request, public_id):
    agreement = _agreement(public_id)
    form = CountersignForm(request.POST)
    if not form.is_valid():
        return _agreement_page(request, agreement, form, status=400)
    try:
        mfa.verify_second_factor(request=request, user=request.user, code=form.cleaned_data["code"])
    except mfa.SecondFactorRefused as refusal:
        form.add_error("code", refusal.message)
        return _agreement_page(request, agreement, form, status=400)
    try:
        agreement = services.agreement_countersign(
            agreement=agreement, user=request.user, request=request
        )
    except services.DpaRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("Countersigned. The executed PDF is stored; SHA-256 %(sha)s.")
            % {"sha": agreement.executed_sha256},
        )
    return redirect("dpa_staff:agreement_detail", public_id=agreement.public_id)


@never_cache
@legal_required
@require_GET
def agreement_download(request, public_id):
    agreement = _agreement(public_id)
    if not agreement.is_executed:
        raise Http404
    return agreement_file_response(agreement, request=request)


@never_cache
@legal_required
@require_http_methods(["GET", "POST"])
def negotiated_upload(request, slug):
    organisation = _customer(slug)
    form = NegotiatedUploadForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                agreement = services.agreement_upload_negotiated(
                    organisation=organisation,
                    user=request.user,
                    upload=data["file"],
                    customer_legal_name=data["customer_legal_name"],
                    notices_email=data["notices_email"],
                    effective_date=data["effective_date"],
                    objection_window_days=data["objection_window_days"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error("file", error)
            except services.DpaRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("The negotiated DPA is recorded and in force."))
                return redirect("dpa_staff:agreement_detail", public_id=agreement.public_id)
    return render(
        request,
        "dpa/staff/negotiated_upload.html",
        {"form": form, "organisation": organisation},
        status=status,
    )
