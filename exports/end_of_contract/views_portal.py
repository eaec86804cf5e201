"""Portal pages of leaving: the timeline of the organisation's case and the customer admin's
choices. Members see the same page read-only; another organisation's case is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exports.end_of_contract import selectors, services
from exports.end_of_contract.forms import (
    ChoiceForm,
    EarlyDeletionForm,
    ExtendRetrievalForm,
    ExtendTransitionForm,
    SwitchRequestForm,
)
from exports.end_of_contract.models import DeletionCertificate
from trustcentre.accounts.mfa import fresh_authentication_required
from trustcentre.accounts.models import Organisation
from trustcentre.accounts.permissions import is_organisation_admin


def _organisation(request, slug) -> Organisation:
    return get_object_or_404(selectors.leaving_organisations(user=request.user), slug=slug)


def _refused(request, organisation):
    """A member who is not an admin: the page again, read-only, saying why (nothing changed)."""
    messages.error(
        request,
        _("Only an admin of the organisation can make this choice; nothing was changed."),
    )
    return _page(request, organisation, status=403)


def _open_case_or_404(organisation):
    case = selectors.current_case(organisation)
    if case is None:
        raise Http404
    return case


def _page(request, organisation, forms=None, status=200):
    case = selectors.current_case(organisation)
    certificate = getattr(case, "certificate", None) if case else None
    job = selectors.latest_job(case) if case else None
    is_admin = is_organisation_admin(request.user, organisation)
    forms = forms or {}
    actions = selectors.customer_actions(case, organisation)
    context = {
        "organisation": organisation,
        "case": case,
        "is_admin": is_admin,
        "timeline": selectors.case_timeline(case, certificate=certificate) if case else [],
        "next_step": selectors.case_next_step(case) if case else "",
        "actions": actions,
        "job": job,
        "certificate": certificate,
        "holds": list(case.holds.filter(released_at__isnull=True)) if case else [],
        "choice_form": forms.get("choice") or ChoiceForm(),
        "switch_form": forms.get("switch") or SwitchRequestForm(),
        "extend_transition_form": forms.get("extend_transition") or ExtendTransitionForm(),
        "extend_retrieval_form": forms.get("extend_retrieval") or ExtendRetrievalForm(),
        "organisations": list(selectors.leaving_organisations(user=request.user)),
    }
    return render(request, "end_of_contract/leaving.html", context, status=status)


@never_cache
@login_required
@require_GET
def home(request):
    organisations = list(selectors.leaving_organisations(user=request.user))
    if len(organisations) == 1:
        return _page(request, organisations[0])
    return render(request, "end_of_contract/leaving_home.html", {"organisations": organisations})


@never_cache
@login_required
@require_GET
def organisation_page(request, slug):
    return _page(request, _organisation(request, slug))


def _post_form(request, slug, form_class, key, action):
    """Parse the form, call the service; on bad input show the page again with the errors."""
    organisation = _organisation(request, slug)
    if not is_organisation_admin(request.user, organisation):
        return _refused(request, organisation)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(organisation, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("end_of_contract:organisation", slug=slug)
    return _page(request, organisation, forms={key: form}, status=400)


@never_cache
@login_required
@require_POST
def request_switch(request, slug):
    def action(organisation, data):
        try:
            services.case_request_switch(
                organisation=organisation, user=request.user, request=request, **data
            )
        except services.CaseAlreadyOpen:
            raise ValidationError(_("A case is already open for this organisation.")) from None
        messages.success(request, _("Your switching request is recorded."))

    return _post_form(request, slug, SwitchRequestForm, "switch", action)


def _post_case_form(request, slug, form_class, key, service, success):
    """A choice on the organisation's open case (404 without one), then the success message."""

    def action(organisation, data):
        case = _open_case_or_404(organisation)
        service(case=case, user=request.user, request=request, **data)
        messages.success(request, success)

    return _post_form(request, slug, form_class, key, action)


@never_cache
@login_required
@require_POST
def choose(request, slug):
    return _post_case_form(
        request, slug, ChoiceForm, "choice", services.case_choose, _("Your choice is recorded.")
    )


@never_cache
@login_required
@require_POST
def extend_transition(request, slug):
    return _post_case_form(
        request,
        slug,
        ExtendTransitionForm,
        "extend_transition",
        services.case_extend_transition,
        _("The transition is extended."),
    )


@never_cache
@login_required
@require_POST
def extend_retrieval(request, slug):
    return _post_case_form(
        request,
        slug,
        ExtendRetrievalForm,
        "extend_retrieval",
        services.case_extend_retrieval,
        _("Data retrieval is extended."),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@fresh_authentication_required
def confirm_deletion(request, slug):
    """A page of its own: erasing before the retrieval period ends is a written decision."""
    organisation = _organisation(request, slug)
    if not is_organisation_admin(request.user, organisation):
        return _refused(request, organisation)
    case = _open_case_or_404(organisation)
    form = EarlyDeletionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_confirm_early_deletion(
                case=case, user=request.user, request=request, **form.cleaned_data
            )
        except services.DeletionAlreadyRunning:
            messages.error(request, _("The erasure is already running."))
            return redirect("end_of_contract:organisation", slug=slug)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The erasure has started."))
            return redirect("end_of_contract:organisation", slug=slug)
    return render(
        request,
        "end_of_contract/confirm_deletion.html",
        {"organisation": organisation, "case": case, "form": form},
        status=400 if form.errors else 200,
    )


def certificate_response(certificate: DeletionCertificate) -> FileResponse:
    from django.core.files.storage import default_storage

    try:
        handle = default_storage.open(certificate.file_name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    filename = get_valid_filename(
        f"{certificate.case.organisation.slug}-deletion-certificate-{certificate.case.reference}.pdf"
    )
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@never_cache
@login_required
@require_GET
def certificate_download(request, public_id):
    """Any member of the organisation may read its certificate (auditors included)."""
    organisations = selectors.leaving_organisations(user=request.user)
    certificate = get_object_or_404(
        DeletionCertificate.objects.select_related("case__organisation").filter(
            Q(case__organisation__in=organisations)
        ),
        case__public_id=public_id,
    )
    return certificate_response(certificate)
