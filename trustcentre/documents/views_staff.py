"""Staff pages: legal reviews access requests and countersigned NDAs and revokes grants; trust
admins curate documents and their versions; staff answer security questionnaires."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trustcentre.accounts.models import User
from trustcentre.accounts.permissions import staff_role_required
from trustcentre.documents import services
from trustcentre.documents.forms import (
    AnswerForm,
    ApproveForm,
    DocumentForm,
    NdaRegisterFilterForm,
    NdaVersionForm,
    ReasonForm,
    StaffRequestFilterForm,
    VersionForm,
)
from trustcentre.documents.models import (
    AccessGrant,
    AccessRequest,
    Document,
    DocumentEvent,
    NdaAcceptance,
    NdaVersion,
    Questionnaire,
)
from trustcentre.documents.views_portal import nda_receipt_pdf
from trustcentre.lib.files import file_response, read_private

PER_PAGE = 25
REVIEWERS = ("legal", "trust_admin")


def staff_users():
    return User.objects.filter(
        Q(is_superuser=True) | Q(groups__name__in=("legal", "trust_admin", "dpo"))
    ).distinct()


def _upload_posted(request, form, call, success) -> bool:
    """On a valid POST, call the service with the form's data; a refused file is an error on
    the form's file field. True once done (the message is queued; the caller redirects)."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        form.add_error("file", error)
        return False
    messages.success(request, success)
    return True


@never_cache
@staff_role_required(*REVIEWERS)
@require_GET
def access_request_list(request):
    form = StaffRequestFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = (
        AccessRequest.objects.select_related("organisation", "requester")
        .annotate(document_count=Count("documents"))
        .order_by("-created_at")
    )
    status = filters.get("status") if request.GET else AccessRequest.Status.PENDING
    if status:
        rows = rows.filter(status=status)
    if filters.get("q"):
        rows = rows.filter(Q(email__icontains=filters["q"]) | Q(company__icontains=filters["q"]))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    pending_ndas = NdaAcceptance.objects.filter(status=NdaAcceptance.Status.PENDING).order_by(
        "accepted_at"
    )
    return render(
        request,
        "documents/staff/access_request_list.html",
        {
            "form": form,
            "page_obj": page,
            "status": status,
            "pending_ndas": list(pending_ndas),
        },
    )


@never_cache
@staff_role_required(*REVIEWERS)
@require_GET
def nda_register(request):
    """Who accepted which NDA version when, newest first, each with its receipt."""
    form = NdaRegisterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = NdaAcceptance.objects.select_related("nda_version", "organisation").order_by(
        "-accepted_at", "-pk"
    )
    if filters.get("q"):
        q = filters["q"]
        rows = rows.filter(
            Q(signer_name__icontains=q) | Q(email__icontains=q) | Q(company__icontains=q)
        )
    if filters.get("version"):
        rows = rows.filter(nda_version=filters["version"])
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("in_force"):
        rows = rows.filter(status=NdaAcceptance.Status.ACCEPTED, expires_at__gt=timezone.now())
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/staff/nda_register.html",
        {"form": form, "page_obj": page, "now": timezone.now()},
    )


@never_cache
@staff_role_required(*REVIEWERS)
@require_GET
def nda_register_receipt(request, public_id):
    acceptance = get_object_or_404(
        NdaAcceptance.objects.select_related("nda_version"),
        public_id=public_id,
        kind=NdaAcceptance.Kind.CLICK_THROUGH,
    )
    return file_response(
        nda_receipt_pdf(acceptance),
        filename=f"nda-receipt-{str(acceptance.public_id)[:8]}.pdf",
        content_type="application/pdf",
    )


def _access_request(public_id) -> AccessRequest:
    return get_object_or_404(
        AccessRequest.objects.select_related("organisation", "requester", "decided_by"),
        public_id=public_id,
    )


def _access_request_page(request, access_request, **forms):
    """The request, its grant and the downloads under it, with the decision forms (bound ones
    when a decision was refused, to show what to correct)."""
    grant = AccessGrant.objects.filter(access_request=access_request).first()
    downloads = (
        DocumentEvent.objects.filter(grant=grant, kind=DocumentEvent.Kind.DOWNLOAD)
        .select_related("document", "version")
        .order_by("-occurred_at")[:50]
        if grant
        else []
    )
    return render(
        request,
        "documents/staff/access_request_detail.html",
        {
            "access_request": access_request,
            "documents": list(access_request.documents.all()),
            "grant": grant,
            "approve_form": forms.get("approve_form") or ApproveForm(),
            "reject_form": forms.get("reject_form") or ReasonForm(),
            "revoke_form": forms.get("revoke_form") or ReasonForm(),
            "downloads": list(downloads),
            "ndas": list(
                NdaAcceptance.objects.filter(user=access_request.requester).select_related(
                    "nda_version"
                )
            ),
        },
    )


def _decided(request, public_id, decide, success: str):
    """Run a decision; a refusal by the service is shown as an error, never a 500."""
    try:
        decide()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("documents_staff:access_request_detail", public_id=public_id)


@never_cache
@staff_role_required(*REVIEWERS)
@require_GET
def access_request_detail(request, public_id):
    return _access_request_page(request, _access_request(public_id))


@staff_role_required(*REVIEWERS)
@require_POST
def access_request_approve(request, public_id):
    access_request = _access_request(public_id)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _access_request_page(request, access_request, approve_form=form)
    return _decided(
        request,
        public_id,
        lambda: services.access_request_approve(
            access_request=access_request,
            user=request.user,
            term_days=form.cleaned_data["term_days"],
            request=request,
        ),
        _("Approved; the requester has been emailed."),
    )


@staff_role_required(*REVIEWERS)
@require_POST
def access_request_reject(request, public_id):
    access_request = _access_request(public_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _access_request_page(request, access_request, reject_form=form)
    return _decided(
        request,
        public_id,
        lambda: services.access_request_reject(
            access_request=access_request,
            user=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        ),
        _("Rejected; the requester has been emailed."),
    )


@staff_role_required(*REVIEWERS)
@require_POST
def access_request_revoke(request, public_id):
    access_request = _access_request(public_id)
    grant = get_object_or_404(AccessGrant, access_request=access_request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _access_request_page(request, access_request, revoke_form=form)
    return _decided(
        request,
        public_id,
        lambda: services.grant_revoke(
            grant=grant, user=request.user, reason=form.cleaned_data["reason"], request=request
        ),
        _("Access revoked; the holder has been emailed."),
    )


@never_cache
@staff_role_required(*REVIEWERS)
@require_http_methods(["GET", "POST"])
def nda_upload_detail(request, public_id):
    acceptance = get_object_or_404(
        NdaAcceptance.objects.select_related("user", "organisation"),
        public_id=public_id,
        kind=NdaAcceptance.Kind.COUNTERSIGNED,
    )
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        approve = request.POST.get("action") == "approve"
        try:
            services.nda_upload_decide(
                acceptance=acceptance,
                user=request.user,
                approve=approve,
                reason=request.POST.get("reason", ""),
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("NDA approved.") if approve else _("NDA rejected."))
        return redirect("documents_staff:nda_upload_detail", public_id=public_id)
    return render(
        request, "documents/staff/nda_upload_detail.html", {"acceptance": acceptance, "form": form}
    )


@never_cache
@staff_role_required(*REVIEWERS)
@require_GET
def nda_upload_file(request, public_id):
    acceptance = get_object_or_404(
        NdaAcceptance, public_id=public_id, kind=NdaAcceptance.Kind.COUNTERSIGNED
    )
    return file_response(
        read_private(acceptance.storage_name),
        filename=f"countersigned-nda-{str(acceptance.public_id)[:8]}.pdf",
        content_type="application/pdf",
    )


@never_cache
@staff_role_required(*REVIEWERS)
@require_http_methods(["GET", "POST"])
def document_list(request):
    form = DocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        staff_users=staff_users(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_publish(
                user=request.user,
                upload=data["file"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                access_level=data["access_level"],
                owner=data["owner"],
                next_review_on=data.get("next_review_on"),
                request=request,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Document published."))
            return redirect("documents_staff:document_detail", public_id=document.public_id)
    documents = Document.objects.select_related("category", "current_version", "owner").annotate(
        downloads=Count("events", filter=Q(events__kind=DocumentEvent.Kind.DOWNLOAD))
    )
    page = Paginator(documents.order_by("title"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "documents/staff/document_list.html", {"form": form, "page_obj": page})


@never_cache
@staff_role_required(*REVIEWERS)
@require_http_methods(["GET", "POST"])
def document_detail(request, public_id):
    document = get_object_or_404(
        Document.objects.select_related("category", "current_version", "owner"),
        public_id=public_id,
    )
    form = VersionForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if _upload_posted(
        request,
        form,
        lambda data: services.document_version_add(
            document=document,
            user=request.user,
            upload=data["file"],
            notes=data["notes"],
            request=request,
        ),
        _("New version published; older versions are kept."),
    ):
        return redirect("documents_staff:document_detail", public_id=public_id)
    events = (
        DocumentEvent.objects.filter(document=document)
        .select_related("user", "organisation", "version")
        .order_by("-occurred_at")[:50]
    )
    return render(
        request,
        "documents/staff/document_detail.html",
        {
            "document": document,
            "versions": list(document.versions.select_related("uploaded_by")),
            "events": list(events),
            "form": form,
        },
    )


@never_cache
@staff_role_required(*REVIEWERS)
@require_GET
def questionnaire_list(request):
    rows = Questionnaire.objects.select_related("requester", "organisation", "assigned_to")
    status = request.GET.get("status", "")
    if status in Questionnaire.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/staff/questionnaire_list.html",
        {"page_obj": page, "status": status, "statuses": Questionnaire.Status.choices},
    )


@never_cache
@staff_role_required(*REVIEWERS)
@require_http_methods(["GET", "POST"])
def questionnaire_detail(request, public_id):
    questionnaire = get_object_or_404(
        Questionnaire.objects.select_related("requester", "organisation", "assigned_to"),
        public_id=public_id,
    )
    form = AnswerForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if _upload_posted(
        request,
        form,
        lambda data: services.questionnaire_answer(
            questionnaire=questionnaire, user=request.user, upload=data["file"], request=request
        ),
        _("Answer sent; the requester has been emailed."),
    ):
        return redirect("documents_staff:questionnaire_detail", public_id=public_id)
    return render(
        request,
        "documents/staff/questionnaire_detail.html",
        {"questionnaire": questionnaire, "form": form},
    )


@never_cache
@staff_role_required(*REVIEWERS)
@require_POST
def questionnaire_assign(request, public_id):
    questionnaire = get_object_or_404(Questionnaire, public_id=public_id)
    services.questionnaire_assign(
        questionnaire=questionnaire, user=request.user, assignee=request.user, request=request
    )
    messages.success(request, _("Assigned to you."))
    return redirect("documents_staff:questionnaire_detail", public_id=public_id)


@never_cache
@staff_role_required(*REVIEWERS)
@require_GET
def questionnaire_file(request, public_id):
    questionnaire = get_object_or_404(Questionnaire, public_id=public_id)
    return file_response(
        read_private(questionnaire.storage_name),
        filename=questionnaire.filename,
        content_type="application/octet-stream",
    )


@never_cache
@staff_role_required(*REVIEWERS)
@require_http_methods(["GET", "POST"])
def nda_version_list(request):
    """Every NDA version with how many accepted it, and the form that publishes the next one
    (prefilled with the current text: versions are never edited in place)."""
    accepted = Q(acceptances__status=NdaAcceptance.Status.ACCEPTED)
    versions = list(NdaVersion.objects.annotate(accepted=Count("acceptances", filter=accepted)))
    current = NdaVersion.current()
    initial = {"title": current.title, "text": current.text} if current else None
    form = NdaVersionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if current is not None and form.cleaned_data["text"] == current.text:
            form.add_error("text", _("The text is the same as the current version's."))
        else:
            version = services.nda_version_publish(
                user=request.user,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                request=request,
            )
            messages.success(
                request,
                _("Version %(number)d is published; new acceptances are of this text.")
                % {"number": version.number},
            )
            return redirect("documents_staff:nda_version_list")
    return render(
        request,
        "documents/staff/nda_version_list.html",
        {"versions": versions, "current": current, "form": form},
    )
