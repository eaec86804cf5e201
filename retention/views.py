"""The public retention schedule (/retention/) and legal's page for the periods it maintains
(/staff/retention/)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from retention import services
from retention.forms import RetentionRuleForm
from retention.models import RetentionRule
from retention.schedule import build_schedule
from trustcentre.accounts.permissions import staff_role_required
from trustcentre.lib.forms import add_validation_error
from trustcentre.pages.public_cache import public_page

legal_required = staff_role_required("legal")


@require_safe
@public_page
def schedule_page(request):
    return render(request, "retention/schedule.html", {"schedule": build_schedule()})


@never_cache
@legal_required
@require_http_methods(["GET", "POST"])
def staff_rules(request):
    """The maintained periods, and a form to add one."""
    form = RetentionRuleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.retention_rule_create(
                user=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("“%(data)s” is on the schedule.") % {"data": rule.data})
            return redirect("retention_staff:rules")
    return render(
        request,
        "retention/staff_rules.html",
        {"rules": RetentionRule.objects.order_by("order", "data"), "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@never_cache
@legal_required
@require_http_methods(["GET", "POST"])
def staff_rule_edit(request, public_id):
    rule = get_object_or_404(RetentionRule, public_id=public_id)
    form = RetentionRuleForm(
        request.POST if request.method == "POST" else None,
        initial=RetentionRuleForm.initial_for(rule),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.retention_rule_update(
                rule=rule, user=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Saved and published."))
            return redirect("retention_staff:rules")
    return render(
        request,
        "retention/staff_rule_form.html",
        {"rule": rule, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
