"""The prospect's or customer's own side: document requests and grants, the NDA (accept online
or upload a countersigned copy, receipt PDF), and security questionnaires."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from trustcentre.documents import services
from trustcentre.documents.access import (
    company_named_by,
    nda_in_force,
    organisation_of,
    requestable_documents,
)
from trustcentre.documents.forms import (
    AccessRequestForm,
    NdaAcceptForm,
    NdaUploadForm,
    QuestionnaireForm,
)
from trustcentre.documents.models import (
    AccessRequest,
    NdaAcceptance,
    NdaVersion,
    Questionnaire,
)
from trustcentre.lib.files import file_response
from trustcentre.lib.pdf import template_to_pdf
from trustcentre.lib.signed_links import (
    BadSignature,
    SignatureExpired,
    make_signed_token,
    read_signed_token,
)

ANSWER_PURPOSE = "questionnaire-answer"


@never_cache
@login_required
@require_GET
def access_request_list(request):
    user = request.user
    requests = (
        AccessRequest.objects.filter(requester=user)
        .select_related("grant")
        .prefetch_related("documents")
        .order_by("-created_at")
    )
    return render(
        request,
        "documents/portal/access_request_list.html",
        {
            "access_requests": list(requests),
            "nda": nda_in_force(user),
            "pending_nda": NdaAcceptance.objects.filter(
                user=user, status=NdaAcceptance.Status.PENDING
            ).first(),
            "acceptances": list(
                NdaAcceptance.objects.filter(user=user).select_related("nda_version")
            ),
            "now": timezone.now(),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def access_request_new(request):
    requestable = requestable_documents(request.user)
    initial = {
        "documents": request.GET.getlist("document"),
        "name": request.user.full_name,
        "company": company_named_by(request.user),
    }
    form = AccessRequestForm(
        request.POST if request.method == "POST" else None, initial=initial, requestable=requestable
    )
    if request.method == "POST" and form.is_valid():
        try:
            access_request = services.access_request_create(
                user=request.user,
                documents=form.cleaned_data["documents"],
                name=form.cleaned_data["name"],
                company=form.cleaned_data["company"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if access_request.status == AccessRequest.Status.APPROVED:
                messages.success(request, _("Your request was approved."))
            elif access_request.status == AccessRequest.Status.REJECTED:
                messages.error(request, _("Your request could not be approved."))
            else:
                messages.success(
                    request, _("Your request was sent; our legal team will review it.")
                )
            return redirect("documents_portal:access_request_list")
    return render(
        request,
        "documents/portal/access_request_form.html",
        {"form": form, "nothing_to_request": not requestable.exists()},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def nda_accept(request):
    """GET shows the agreement; only the POST of the form accepts it."""
    nda = NdaVersion.current()
    if nda is None:
        raise Http404
    form = NdaAcceptForm(
        request.POST if request.method == "POST" else None,
        initial={
            "signer_name": request.user.full_name,
            "company": company_named_by(request.user),
        },
    )
    if request.method == "POST" and form.is_valid():
        acceptance = services.nda_accept(
            user=request.user,
            nda_version=nda,
            signer_name=form.cleaned_data["signer_name"],
            signer_title=form.cleaned_data["signer_title"],
            company=form.cleaned_data["company"],
            request=request,
        )
        messages.success(request, _("Thank you: the NDA is accepted. Your receipt is below."))
        next_url = request.GET.get("next", "")
        if next_url.startswith("/documents/") and "//" not in next_url:
            return redirect(next_url)
        return redirect("documents_portal:nda_detail", public_id=acceptance.public_id)
    return render(
        request,
        "documents/portal/nda_accept.html",
        {"nda": nda, "form": form, "in_force": nda_in_force(request.user)},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def nda_upload(request):
    form = NdaUploadForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.nda_upload_countersigned(
                user=request.user,
                upload=form.cleaned_data["file"],
                signer_name=form.cleaned_data["signer_name"],
                signer_title=form.cleaned_data["signer_title"],
                company=form.cleaned_data["company"],
                request=request,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Thank you; legal will check the countersigned NDA."))
            return redirect("documents_portal:access_request_list")
    return render(request, "documents/portal/nda_upload.html", {"form": form})


def _own_acceptance(request, public_id) -> NdaAcceptance:
    return get_object_or_404(
        NdaAcceptance.objects.select_related("nda_version"),
        user=request.user,
        public_id=public_id,
    )


@never_cache
@login_required
@require_GET
def nda_detail(request, public_id):
    return render(
        request,
        "documents/portal/nda_detail.html",
        {"acceptance": _own_acceptance(request, public_id)},
    )


def nda_receipt_pdf(acceptance: NdaAcceptance) -> bytes:
    return template_to_pdf(
        "documents/pdf/nda_receipt.html",
        {"acceptance": acceptance, "provider_name": settings.PROVIDER_NAME},
    )


@never_cache
@login_required
@require_GET
def nda_receipt(request, public_id):
    acceptance = _own_acceptance(request, public_id)
    if acceptance.kind != NdaAcceptance.Kind.CLICK_THROUGH:
        raise Http404
    return file_response(
        nda_receipt_pdf(acceptance),
        filename=f"nda-receipt-{str(acceptance.public_id)[:8]}.pdf",
        content_type="application/pdf",
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_list(request):
    organisation = organisation_of(request.user)
    form = QuestionnaireForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        initial={"company": organisation.name if organisation else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_submit(
                user=request.user,
                upload=form.cleaned_data["file"],
                company=form.cleaned_data["company"],
                due_on=form.cleaned_data["due_on"],
                request=request,
            )
        except ValidationError as error:
            form.add_error("due_on" if error.code == "due_on" else "file", error)
        else:
            messages.success(request, _("Your questionnaire was sent to our security team."))
            return redirect("documents_portal:questionnaire_list")
    questionnaires = Questionnaire.objects.filter(requester=request.user)
    rows = [
        {
            "questionnaire": q,
            "answer_url": reverse(
                "documents_portal:questionnaire_answer",
                kwargs={
                    "token": make_signed_token(
                        ANSWER_PURPOSE, f"{q.public_id}:{request.user.public_id}"
                    )
                },
            )
            if q.status == Questionnaire.Status.ANSWERED
            else None,
        }
        for q in questionnaires
    ]
    return render(request, "documents/portal/questionnaire_list.html", {"form": form, "rows": rows})


@never_cache
@login_required
@require_GET
def questionnaire_answer(request, token):
    """The answer file, through a signed link bound to the requester, checked again now."""
    try:
        value = read_signed_token(ANSWER_PURPOSE, token, settings.TRUST_DOWNLOAD_LINK_MAX_AGE)
    except SignatureExpired:
        return render(request, "documents/download_refused.html", {"reason": "expired"}, status=410)
    except BadSignature:
        raise Http404 from None
    public_id, _sep, owner = value.partition(":")
    if owner != str(request.user.public_id):
        return render(
            request, "documents/download_refused.html", {"reason": "other_user"}, status=403
        )
    questionnaire = get_object_or_404(
        Questionnaire, public_id=public_id, requester=request.user, status="answered"
    )
    data = services.questionnaire_answer_deliver(
        questionnaire=questionnaire, user=request.user, request=request
    )
    return file_response(
        data,
        filename=questionnaire.answer_filename,
        content_type="application/octet-stream",
    )
