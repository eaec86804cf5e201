"""The DPO workbench: the queue, one request with its history and actions, the response
letter, and the statistics. DPOs (and superusers) only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rights_requests import services
from rights_requests.forms import (
    AssignForm,
    DuplicateForm,
    OverrideForm,
    QueueFilterForm,
    RectificationForm,
    RejectForm,
    TextForm,
)
from rights_requests.letters import letter_filename, letter_pdf
from rights_requests.models import FulfilmentJob, RightsRequest
from rights_requests.selectors import (
    dpo_users,
    referrals_waiting,
    rights_request_queue,
    rights_request_stats,
)
from rights_requests.services.fulfilment import FLAG_TYPES, KIND_FOR_TYPE
from trustcentre.accounts.permissions import staff_role_required
from trustcentre.lib.files import private_file

REQUESTS_PER_PAGE = 25
dpo_required = staff_role_required("dpo")


def _request_or_404(reference) -> RightsRequest:
    return get_object_or_404(RightsRequest.objects.in_queue(), reference=reference)


@never_cache
@dpo_required
@require_GET
def request_list(request):
    assignees = list(dpo_users())
    form = QueueFilterForm(request.GET or None, assignees=assignees)
    filters = form.cleaned_data if form.is_valid() else {}
    queue = rights_request_queue(user=request.user, filters=filters)
    page = Paginator(queue, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    waiting = referrals_waiting([rr.pk for rr in page], today=today)
    rows = [
        {"rr": rr, "days_left": rr.days_left(today), "waiting": waiting.get(rr.pk, [])}
        for rr in page
    ]
    return render(
        request,
        "rights_requests/staff/request_list.html",
        {"form": form, "page_obj": page, "rows": rows, "today": today},
    )


def _detail_context(rr: RightsRequest) -> dict:
    today = timezone.localdate()
    jobs = list(rr.fulfilment_jobs.all())
    referrals = list(rr.referrals.select_related("organisation", "instructed_by", "override_by"))
    return {
        "rr": rr,
        "days_left": rr.days_left(today),
        "events": list(rr.events.select_related("actor")),
        "pauses": list(rr.pauses.all()),
        "referrals": referrals,
        "pending_referrals": [r for r in referrals if r.is_pending and rr.is_open],
        "override_form": OverrideForm(),
        "fulfilment_refusal": services.fulfilment_refusal(rr),
        "results": list(rr.results.select_related("organisation", "done_by")),
        "rectifications": list(rr.rectifications.select_related("done_by")),
        "jobs": jobs,
        "active_job": next((j for j in jobs if not j.is_finished), None),
        "duplicates": list(rr.duplicates.all()),
        "assign_form": AssignForm(
            initial={"assignee": str(rr.assignee.public_id) if rr.assignee else ""},
            assignees=list(dpo_users()),
        ),
        "text_form": TextForm(),
        "reject_form": RejectForm(),
        "duplicate_form": DuplicateForm(
            initial={"original": rr.duplicate_of.reference if rr.duplicate_of else ""}
        ),
        "rectification_form": RectificationForm(fields=services.rectifiable_fields()),
        "can_pause": services.pause_refusal(rr) is None,
        "can_extend": services.extension_refusal(rr, today) is None,
        "fulfil_kind": KIND_FOR_TYPE.get(rr.type),
        "sets_flags": rr.type in FLAG_TYPES,
        "is_rectification": rr.type == "rectification",
    }


@never_cache
@dpo_required
@require_GET
def request_detail(request, reference):
    rr = _request_or_404(reference)
    return render(request, "rights_requests/staff/request_detail.html", _detail_context(rr))


def _assign(request, rr):
    form = AssignForm(request.POST, assignees=list(dpo_users()))
    if not form.is_valid():
        raise ValidationError(_("Choose a DPO."))
    assignee = (
        dpo_users().filter(public_id=form.cleaned_data["assignee"]).first()
        if form.cleaned_data["assignee"]
        else None
    )
    services.rights_request_assign(rr=rr, assignee=assignee, actor=request.user, request=request)
    return _("Assignment saved.")


def _with_text(service, done):
    def action(request, rr):
        form = TextForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Write the text (at most 10,000 characters)."))
        field = (
            "reason"
            if service in (services.rights_request_pause, services.rights_request_extend)
            else ("outcome" if service is services.rights_request_complete else "text")
        )
        service(rr=rr, actor=request.user, request=request, **{field: form.cleaned_data["text"]})
        return done

    return action


def _resume(request, rr):
    services.rights_request_resume(rr=rr, actor=request.user, request=request)
    return _("The clock runs again.")


def _reject(request, rr):
    form = RejectForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Choose the legal reason and explain it."))
    services.rights_request_reject(rr=rr, actor=request.user, request=request, **form.cleaned_data)
    return _("The request was rejected and the requester told why.")


def _duplicate(request, rr):
    form = DuplicateForm(request.POST)
    original = None
    if form.is_valid():
        original = (
            RightsRequest.objects.in_queue()
            .filter(reference=form.cleaned_data["original"].strip().upper())
            .first()
        )
    if original is None:
        raise ValidationError(_("There is no request with that reference."))
    services.rights_request_mark_duplicate(
        rr=rr, original=original, actor=request.user, request=request
    )
    return _("Marked as a duplicate.")


def _spam(request, rr):
    services.rights_request_mark_spam(rr=rr, actor=request.user, request=request)
    return _("Marked as spam.")


def _rectify(request, rr):
    form = RectificationForm(request.POST, fields=services.rectifiable_fields())
    if not form.is_valid():
        raise ValidationError(_("Choose the field and write its corrected value."))
    services.rectification_record(rr=rr, actor=request.user, request=request, **form.cleaned_data)
    return _("The correction was written into the subject's records.")


def _override(request, rr):
    form = OverrideForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Fill in who confirmed it, how, and why."))
    referral = get_object_or_404(rr.referrals, public_id=form.cleaned_data["referral"])
    services.referral_override(
        referral=referral,
        reason=form.cleaned_data["reason"],
        confirmed_by=form.cleaned_data["confirmed_by"],
        channel=form.cleaned_data["channel"],
        actor=request.user,
        request=request,
    )
    return _("The override was recorded; you may now act on the customer's data.")


def _fulfil(request, rr):
    if rr.type in FLAG_TYPES:
        services.fulfilment_apply_flags(rr=rr, actor=request.user, request=request)
        return _("The flags were set.")
    services.fulfilment_start(rr=rr, actor=request.user, request=request)
    return _("The fulfilment job was started.")


ACTIONS = {
    "assign": _assign,
    "note": _with_text(services.rights_request_note, gettext_lazy("The note was added.")),
    "message": _with_text(services.rights_request_message, gettext_lazy("The message was sent.")),
    "pause": _with_text(services.rights_request_pause, gettext_lazy("The clock is paused.")),
    "resume": _resume,
    "extend": _with_text(
        services.rights_request_extend, gettext_lazy("The deadline was extended.")
    ),
    "reject": _reject,
    "duplicate": _duplicate,
    "spam": _spam,
    "rectify": _rectify,
    "override": _override,
    "fulfil": _fulfil,
    "complete": _with_text(
        services.rights_request_complete, gettext_lazy("The request is complete.")
    ),
}


@never_cache
@dpo_required
@require_POST
def request_action(request, reference, action):
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    rr = _request_or_404(reference)
    try:
        done = handler(request, rr)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("rights_requests_staff:request_detail", reference=reference)


@never_cache
@dpo_required
@require_GET
def job_status(request, reference, public_id):
    rr = _request_or_404(reference)
    job = get_object_or_404(FulfilmentJob, request=rr, public_id=public_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.is_finished,
            "progress": job.progress,
        }
    )


@never_cache
@dpo_required
@require_GET
def request_letter(request, reference):
    rr = _request_or_404(reference)
    response = HttpResponse(letter_pdf(rr), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter_filename(rr)}"'
    return private_file(response)


@never_cache
@dpo_required
@require_GET
def request_stats(request):
    return render(request, "rights_requests/staff/stats.html", {"stats": rights_request_stats()})
