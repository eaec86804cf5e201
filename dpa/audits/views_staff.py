"""Legal's queue of audit and information requests (/staff/audits/): status and due date of
each, the request with its thread, and the steps: triage, answer with documents, schedule the
audit, write, close."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from dpa.audits import selectors, services
from dpa.audits.forms import AnswerForm, CloseForm, MessageForm, ScheduleForm, TriageForm
from dpa.audits.models import AuditRequest
from trustcentre.accounts.permissions import staff_role_required
from trustcentre.lib.forms import add_validation_error

legal_required = staff_role_required("legal")

STATUS_FILTERS = [("open", gettext_lazy("Awaiting an answer")), *AuditRequest.Status.choices]


@never_cache
@legal_required
@require_GET
def request_list(request):
    status = request.GET.get("status", "open")
    if status not in dict(STATUS_FILTERS):
        status = ""
    search = request.GET.get("q", "").strip()[:100]
    requests = selectors.staff_requests(status=status, search=search)
    return render(
        request,
        "audits/staff_request_list.html",
        {
            "rows": selectors.with_timing(requests),
            "status": status,
            "q": search,
            "status_filters": STATUS_FILTERS,
        },
    )


def _detail(request, audit_request, *, forms=None, status=200):
    forms = forms or {}
    return render(
        request,
        "audits/staff_request_detail.html",
        {
            "audit_request": audit_request,
            "thread": selectors.thread(audit_request),
            "overdue": selectors.is_overdue(audit_request),
            "late": selectors.answered_late(audit_request),
            "triage_form": forms.get("triage")
            or TriageForm(initial={"assignee": audit_request.assignee_id or request.user.pk}),
            "answer_form": forms.get("answer") or AnswerForm(),
            "schedule_form": forms.get("schedule") or ScheduleForm(),
            "message_form": forms.get("message") or MessageForm(),
            "close_form": forms.get("close") or CloseForm(),
        },
        status=status,
    )


def _request(public_id) -> AuditRequest:
    return get_object_or_404(
        AuditRequest.objects.select_related("organisation", "requested_by", "assignee"),
        public_id=public_id,
    )


@never_cache
@legal_required
@require_GET
def request_detail(request, public_id):
    return _detail(request, _request(public_id))


def _step(request, public_id, *, name, form, call, success):
    """Run one of legal's steps: the form, then the service; its errors on the page."""
    audit_request = _request(public_id)
    if form.is_valid():
        try:
            call(audit_request, form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        except services.AuditStateError as error:
            messages.error(request, str(error))
            return redirect("audits_staff:request_detail", public_id=public_id)
        else:
            messages.success(request, success)
            return redirect(reverse("audits_staff:request_detail", args=[public_id]) + "#thread")
    services.refusal_record(
        request=request,
        reason=f"invalid {name} input",
        obj=audit_request,
        organisation=audit_request.organisation,
        details={"fields": sorted(form.errors)},
    )
    return _detail(request, audit_request, forms={name: form}, status=400)


@never_cache
@legal_required
@require_POST
def request_triage(request, public_id):
    return _step(
        request,
        public_id,
        name="triage",
        form=TriageForm(request.POST),
        call=lambda audit_request, data: services.audit_request_triage(
            audit_request=audit_request, user=request.user, request=request, **data
        ),
        success=_("The request is in review."),
    )


@never_cache
@legal_required
@require_POST
def request_answer(request, public_id):
    return _step(
        request,
        public_id,
        name="answer",
        form=AnswerForm(request.POST, request.FILES),
        call=lambda audit_request, data: services.audit_request_answer(
            audit_request=audit_request,
            user=request.user,
            body=data["body"],
            uploads=data["documents"],
            request=request,
        ),
        success=_("The answer is sent to the customer's admins."),
    )


@never_cache
@legal_required
@require_POST
def request_schedule(request, public_id):
    return _step(
        request,
        public_id,
        name="schedule",
        form=ScheduleForm(request.POST),
        call=lambda audit_request, data: services.audit_request_schedule(
            audit_request=audit_request, user=request.user, request=request, **data
        ),
        success=_("The audit is scheduled and the customer's admins are told."),
    )


@never_cache
@legal_required
@require_POST
def message_post(request, public_id):
    return _step(
        request,
        public_id,
        name="message",
        form=MessageForm(request.POST),
        call=lambda audit_request, data: services.audit_message_post(
            audit_request=audit_request, user=request.user, body=data["body"], request=request
        ),
        success=_("Your message is sent."),
    )


@never_cache
@legal_required
@require_POST
def request_close(request, public_id):
    return _step(
        request,
        public_id,
        name="close",
        form=CloseForm(request.POST),
        call=lambda audit_request, data: services.audit_request_close(
            audit_request=audit_request, user=request.user, request=request, **data
        ),
        success=_("The request is closed."),
    )
