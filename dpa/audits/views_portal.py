"""Audit and information requests in the portal (/portal/audits/): the requests of the
viewer's customer organisations with their status and due date, a new request (admins), the
thread, and the shared documents. Another organisation's request is a 404, a member's write a
403; both attempts are audited."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dpa.audits import selectors, services
from dpa.audits.deadlines import answer_days_for
from dpa.audits.forms import MessageForm, RequestForm
from dpa.audits.models import AuditDocument, AuditRequest
from trustcentre.accounts.models import Membership
from trustcentre.documents.access import nda_in_force
from trustcentre.lib.files import file_response
from trustcentre.lib.forms import add_validation_error
from trustcentre.lib.moments import format_day
from trustcentre.lib.signed_links import (
    BadSignature,
    SignatureExpired,
    make_signed_token,
    read_signed_token,
)

DOWNLOAD_PURPOSE = "audit-document-download"


def download_url(document: AuditDocument, user) -> str:
    token = make_signed_token(DOWNLOAD_PURPOSE, f"{document.public_id}:{user.public_id}")
    return reverse("audits_portal:document_download", args=[token])


def _membership(request, slug) -> Membership:
    """The viewer's membership of a customer organisation, or a 404."""
    membership = (
        Membership.objects.filter(
            user=request.user,
            organisation__slug=slug,
            organisation__kind__in=selectors.CUSTOMER_KINDS,
        )
        .select_related("organisation")
        .first()
    )
    if membership is None:
        services.refusal_record(
            request=request,
            reason="authz:audit request for an organisation the person does not belong to",
            details={"slug": slug[:100], "method": request.method},
        )
        raise Http404
    return membership


def _audit_request(request, public_id) -> AuditRequest:
    audit_request = (
        AuditRequest.objects.select_related("organisation", "requested_by", "assignee")
        .filter(public_id=public_id)
        .first()
    )
    if audit_request is None:
        raise Http404
    if not audit_request.organisation.memberships.filter(user=request.user).exists():
        services.refusal_record(
            request=request,
            reason="authz:audit request of another organisation",
            obj=audit_request,
            organisation=audit_request.organisation,
            details={"method": request.method},
        )
        raise Http404
    return audit_request


def _is_admin(request, audit_request) -> bool:
    return audit_request.organisation.memberships.filter(
        user=request.user, role=Membership.Role.ADMIN
    ).exists()


@never_cache
@login_required
@require_GET
def request_list(request):
    memberships = selectors.customer_organisations(request.user)
    return render(
        request,
        "audits/portal_request_list.html",
        {
            "rows": selectors.with_timing(selectors.requests_for_member(request.user)),
            "admin_of": [m.organisation for m in memberships if m.is_admin],
            "memberships": memberships,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def request_new(request, slug):
    membership = _membership(request, slug)
    organisation = membership.organisation
    if not membership.is_admin:
        services.refusal_record(
            request=request,
            reason="authz:audit request by a member who is not an admin",
            organisation=organisation,
            details={"method": request.method},
        )
        return render(
            request,
            "audits/portal_admins_only.html",
            {"organisation": organisation},
            status=403,
        )
    form = RequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            audit_request = services.audit_request_submit(
                user=request.user, organisation=organisation, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Request %(reference)s received. We answer by %(due)s.")
                % {
                    "reference": audit_request.reference,
                    "due": format_day(audit_request.due_on),
                },
            )
            return redirect("audits_portal:request_detail", public_id=audit_request.public_id)
    if request.method == "POST":
        services.refusal_record(
            request=request,
            reason="invalid audit request",
            organisation=organisation,
            details={"fields": sorted(form.errors)},
        )
    return render(
        request,
        "audits/portal_request_form.html",
        {
            "form": form,
            "organisation": organisation,
            "answer_days": answer_days_for(organisation),
        },
        status=400 if request.method == "POST" else 200,
    )


def _detail(request, audit_request, *, message_form=None, status=200):
    has_nda = nda_in_force(request.user) is not None
    thread = selectors.thread(audit_request)
    if has_nda:
        for message in thread:
            for document in message.documents.all():
                document.url = download_url(document, request.user)
    return render(
        request,
        "audits/portal_request_detail.html",
        {
            "audit_request": audit_request,
            "thread": thread,
            "has_nda": has_nda,
            "has_documents": any(m.documents.all() for m in thread),
            "reply_url": reverse("audits_portal:message_post", args=[audit_request.public_id])
            if _is_admin(request, audit_request) and not audit_request.is_closed
            else "",
            "is_admin": _is_admin(request, audit_request),
            "message_form": message_form or MessageForm(),
            "overdue": selectors.is_overdue(audit_request),
            "late": selectors.answered_late(audit_request),
            "link_minutes": max(settings.TRUST_DOWNLOAD_LINK_MAX_AGE // 60, 1),
        },
        status=status,
    )


@never_cache
@login_required
@require_GET
def request_detail(request, public_id):
    return _detail(request, _audit_request(request, public_id))


@never_cache
@login_required
@require_POST
def message_post(request, public_id):
    audit_request = _audit_request(request, public_id)
    if not _is_admin(request, audit_request):
        services.refusal_record(
            request=request,
            reason="authz:audit request message by a member who is not an admin",
            obj=audit_request,
            organisation=audit_request.organisation,
        )
        return render(
            request,
            "audits/portal_admins_only.html",
            {"organisation": audit_request.organisation},
            status=403,
        )
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.audit_message_post(
                audit_request=audit_request,
                user=request.user,
                body=form.cleaned_data["body"],
                request=request,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        except services.AuditStateError as error:
            messages.error(request, str(error))
            return redirect("audits_portal:request_detail", public_id=public_id)
        else:
            messages.success(request, _("Your message is sent."))
            return redirect(reverse("audits_portal:request_detail", args=[public_id]) + "#thread")
    return _detail(request, audit_request, message_form=form, status=400)


@never_cache
@login_required
@require_GET
def document_download(request, token):
    try:
        value = read_signed_token(DOWNLOAD_PURPOSE, token, settings.TRUST_DOWNLOAD_LINK_MAX_AGE)
    except SignatureExpired:
        return render(request, "audits/link_expired.html", status=410)
    except BadSignature:
        services.refusal_record(
            request=request, reason="authz:audit document link tampered with or for another purpose"
        )
        raise Http404 from None
    document_id, _sep, owner = value.partition(":")
    document = (
        AuditDocument.objects.select_related("request", "request__organisation")
        .filter(public_id=document_id)
        .first()
    )
    if document is None:
        raise Http404
    if owner != str(request.user.public_id):
        services.refusal_record(
            request=request,
            reason="authz:audit document link used by someone else",
            obj=document.request,
            organisation=document.request.organisation,
        )
        raise Http404
    try:
        data, _sha256 = services.audit_document_deliver(
            document=document, user=request.user, request=request
        )
    except services.NdaRequired:
        return render(
            request,
            "audits/portal_nda_required.html",
            {"audit_request": document.request},
            status=403,
        )
    except services.NotAllowed:
        raise Http404 from None
    return file_response(data, filename=document.filename, content_type="application/pdf")
