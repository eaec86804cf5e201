"""Staff pages of end-of-contract cases, for legal: the list with filters, a case with its
timeline, holds, unfeasibility statement, erasure and countersignature."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from exports.end_of_contract import periods, selectors, services
from exports.end_of_contract.forms import CaseFilterForm, HoldForm, UnfeasibilityForm
from exports.end_of_contract.models import DeletionCertificate, EndOfContractCase, LegalHold
from exports.end_of_contract.views_portal import certificate_response
from exports.sources import all_categories
from trustcentre.accounts.mfa import fresh_authentication_required
from trustcentre.accounts.permissions import staff_role_required
from trustcentre.jobs.models import JobStatus

CASES_PER_PAGE = 20


def _case(public_id) -> EndOfContractCase:
    return get_object_or_404(
        EndOfContractCase.objects.select_related("organisation"), public_id=public_id
    )


@never_cache
@staff_role_required("legal")
@require_GET
def case_list(request):
    filters = CaseFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    cases = selectors.staff_case_list(
        search=data.get("q", ""), status=data.get("status", ""), choice=data.get("choice", "")
    )
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "end_of_contract/staff/case_list.html",
        {"filters": filters, "page_obj": page, "filtered": any(data.values()) if data else False},
    )


def _detail(request, case, *, forms=None, status=200):
    forms = forms or {}
    certificate = (
        DeletionCertificate.objects.filter(case=case).select_related("countersigned_by").first()
    )
    job = selectors.latest_job(case)
    names = {c.id: c.name for c in all_categories()}
    holds = [
        {"hold": hold, "name": names.get(hold.category, hold.category)}
        for hold in case.holds.select_related("placed_by", "released_by")
    ]
    today = timezone.now().date()
    statement_due = periods.unfeasibility_statement_due(case.request_day)
    job_rows = []
    if job is not None:
        for category_id in [*job.categories, *job.held_categories]:
            job_rows.append(
                {
                    "name": names.get(category_id, category_id),
                    "expected": job.expected_counts.get(category_id),
                    "deleted": job.deleted_counts.get(category_id, 0),
                    "held": category_id in job.held_categories,
                    "finished": category_id in job.finished_categories,
                }
            )
    context = {
        "case": case,
        "timeline": selectors.case_timeline(case, certificate=certificate),
        "next_step": selectors.case_next_step(case),
        "holds": holds,
        "hold_form": forms.get("hold") or HoldForm(),
        "unfeasibility_form": forms.get("unfeasibility") or UnfeasibilityForm(),
        "statement_due": statement_due,
        "can_state_unfeasibility": selectors.unfeasibility_refusal(case, today) is None,
        "latest_alternative_end": periods.latest_alternative_transition_end(case.transition_start),
        "before_erasure": case.status in selectors.BEFORE_ERASURE,
        "deletion_due": today >= case.deletion_due_on or case.early_deletion_confirmed_at,
        "job": job,
        "job_rows": job_rows,
        "job_failed": job is not None and job.status == JobStatus.FAILED,
        "certificate": certificate,
    }
    return render(request, "end_of_contract/staff/case_detail.html", context, status=status)


@never_cache
@staff_role_required("legal")
@require_GET
def case_detail(request, public_id):
    return _detail(request, _case(public_id))


def _post(request, public_id, form_class, key, action, success):
    case = _case(public_id)
    form = form_class(request.POST) if form_class else None
    if form is None or form.is_valid():
        try:
            action(case, form.cleaned_data if form else {})
        except services.DeletionAlreadyRunning:
            messages.error(request, _("An erasure of this case is already running."))
            return redirect("end_of_contract_staff:case_detail", public_id=case.public_id)
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect("end_of_contract_staff:case_detail", public_id=case.public_id)
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect("end_of_contract_staff:case_detail", public_id=case.public_id)
    return _detail(request, case, forms={key: form}, status=400)


@never_cache
@staff_role_required("legal")
@require_POST
def state_unfeasibility(request, public_id):
    def action(case, data):
        services.case_state_unfeasibility(case=case, user=request.user, request=request, **data)

    return _post(
        request,
        public_id,
        UnfeasibilityForm,
        "unfeasibility",
        action,
        _("The unfeasibility statement is recorded and the customer informed."),
    )


@never_cache
@staff_role_required("legal")
@require_POST
def place_hold(request, public_id):
    def action(case, data):
        services.hold_place(case=case, user=request.user, request=request, **data)

    return _post(request, public_id, HoldForm, "hold", action, _("The legal hold is placed."))


@never_cache
@staff_role_required("legal")
@require_POST
def release_hold(request, public_id, hold_id):
    def action(case, data):
        hold = get_object_or_404(LegalHold, case=case, public_id=hold_id)
        services.hold_release(hold=hold, user=request.user, request=request)

    return _post(request, public_id, None, "", action, _("The legal hold is released."))


@never_cache
@staff_role_required("legal")
@require_POST
@fresh_authentication_required
def start_deletion(request, public_id):
    def action(case, data):
        services.deletion_start(case=case, user=request.user, request=request)

    return _post(request, public_id, None, "", action, _("The erasure has started."))


@never_cache
@staff_role_required("legal")
@require_POST
def retry_deletion(request, public_id):
    def action(case, data):
        job = selectors.latest_job(case)
        if job is None:
            raise ValidationError(_("There is no erasure to retry."))
        services.deletion_retry(job=job, user=request.user, request=request)

    return _post(request, public_id, None, "", action, _("The erasure continues."))


@never_cache
@staff_role_required("legal")
@require_POST
def countersign(request, public_id):
    def action(case, data):
        certificate = get_object_or_404(DeletionCertificate, case=case)
        services.certificate_countersign(
            certificate=certificate, user=request.user, request=request
        )

    return _post(
        request,
        public_id,
        None,
        "",
        action,
        _("The certificate is countersigned; the case is closed."),
    )


@never_cache
@staff_role_required("legal")
@require_GET
def certificate_download(request, public_id):
    certificate = get_object_or_404(
        DeletionCertificate.objects.select_related("case__organisation"), case__public_id=public_id
    )
    return certificate_response(certificate)
