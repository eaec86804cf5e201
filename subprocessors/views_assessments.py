"""Legal's pages for sub-processor assessments (/staff/subprocessors/...): the assessments of one
sub-processor, record, correct or remove one, and its evidence by a signed, expiring link."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from subprocessors import services
from subprocessors.forms import AssessmentForm
from subprocessors.models import Assessment, AssessmentEvidence, SubProcessor
from trustcentre.accounts.permissions import staff_role_required
from trustcentre.lib.forms import add_validation_error
from trustcentre.lib.signed_links import BadSignature

legal_required = staff_role_required("legal")


def _assessment(public_id) -> Assessment:
    return get_object_or_404(
        Assessment.objects.select_related("subprocessor", "assessor"), public_id=public_id
    )


@never_cache
@legal_required
@require_GET
def assessment_list(request, public_id):
    subprocessor = get_object_or_404(SubProcessor, public_id=public_id)
    return render(
        request,
        "subprocessors/staff_assessments.html",
        {
            "subprocessor": subprocessor,
            "assessments": subprocessor.assessments.select_related("assessor").order_by(
                "-assessed_on", "-created_at"
            ),
        },
    )


@never_cache
@legal_required
@require_http_methods(["GET", "POST"])
def assessment_new(request, public_id):
    subprocessor = get_object_or_404(SubProcessor, public_id=public_id)
    posted = request.method == "POST"
    form = AssessmentForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"assessed_on": timezone.localdate()},
    )
    if posted and form.is_valid():
        try:
            assessment = services.assessment_record(
                subprocessor=subprocessor, assessor=request.user, request=request, **form.values()
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The assessment of %(name)s is recorded: %(result)s.")
                % {"name": subprocessor.name, "result": assessment.get_result_display()},
            )
            return redirect("subprocessors_staff:assessment", public_id=assessment.public_id)
    return render(
        request,
        "subprocessors/staff_assessment_form.html",
        {"form": form, "subprocessor": subprocessor, "assessment": None},
        status=400 if posted else 200,
    )


@never_cache
@legal_required
@require_http_methods(["GET", "POST"])
def assessment_detail(request, public_id):
    assessment = _assessment(public_id)
    posted = request.method == "POST"
    form = AssessmentForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=AssessmentForm.initial_for(assessment),
    )
    if posted and form.is_valid():
        try:
            services.assessment_update(
                assessment=assessment, user=request.user, request=request, **form.values()
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("subprocessors_staff:assessment", public_id=assessment.public_id)
    evidence = [
        (item, services.evidence_token(item, request.user)) for item in assessment.evidence.all()
    ]
    return render(
        request,
        "subprocessors/staff_assessment_form.html",
        {
            "form": form,
            "subprocessor": assessment.subprocessor,
            "assessment": assessment,
            "evidence": evidence,
        },
        status=400 if posted else 200,
    )


@never_cache
@legal_required
@require_POST
def assessment_delete(request, public_id):
    assessment = _assessment(public_id)
    subprocessor = assessment.subprocessor
    services.assessment_delete(assessment=assessment, user=request.user, request=request)
    messages.success(request, _("The assessment is deleted."))
    return redirect("subprocessors_staff:assessments", public_id=subprocessor.public_id)


@never_cache
@legal_required
@require_GET
def evidence_download(request, token):
    # The link is a bearer secret: it must also be this legal user's, and still valid.
    try:
        evidence = services.evidence_from_token(token, request.user)
    except (BadSignature, ValueError, AssessmentEvidence.DoesNotExist):
        raise Http404(_("This link is not valid or has expired.")) from None
    return services.evidence_file_response(evidence=evidence, user=request.user, request=request)
