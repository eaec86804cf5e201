"""Legal's staff pages for the register's statements: the overview with the versions, a form
per row (add, change, remove) and the custom-export statement. Each save publishes a version."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from exports import statements
from exports.statements import StatementKind
from exports.statements_forms import FORMS, CustomExportsForm, PublicationFields
from exports.statements_models import CustomExportStatement, RegisterVersion
from trustcentre.accounts.permissions import staff_role_required

legal_required = staff_role_required("legal")
VERSIONS_SHOWN = 20

TITLES = {
    StatementKind.EXCLUDED: gettext_lazy("Excluded categories"),
    StatementKind.SWITCHING: gettext_lazy("Switching methods"),
    StatementKind.MEASURES: gettext_lazy("Measures against governmental access"),
}


def _model(kind: str):
    try:
        return StatementKind.MODELS[kind]
    except KeyError:
        raise Http404("No such kind of statement.") from None


def _put_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _published(request, version) -> None:
    messages.success(
        request,
        _("Version %(number)d of the register is published.") % {"number": version.number},
    )


@never_cache
@legal_required
@require_GET
def home(request):
    return render(
        request,
        "exports/staff/statements_home.html",
        {
            "sections": [
                (kind, TITLES[kind], list(StatementKind.MODELS[kind].objects.all()))
                for kind in (
                    StatementKind.EXCLUDED,
                    StatementKind.SWITCHING,
                    StatementKind.MEASURES,
                )
            ],
            "custom": CustomExportStatement.objects.order_by("-pk").first(),
            "versions": list(RegisterVersion.objects.select_related("published_by"))[
                :VERSIONS_SHOWN
            ],
        },
    )


@never_cache
@legal_required
@require_http_methods(["GET", "POST"])
def row_edit(request, kind, public_id=None):
    model = _model(kind)
    instance = get_object_or_404(model, public_id=public_id) if public_id else None
    form = FORMS[kind](request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            version = statements.statement_save(
                kind=kind,
                user=request.user,
                data=form.statement_data(),
                instance=instance,
                summary=form.cleaned_data["summary"],
                notify=form.cleaned_data["notify"],
                request=request,
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            _published(request, version)
            return redirect("data_act_staff:home")
    return render(
        request,
        "exports/staff/statement_form.html",
        {"form": form, "kind": kind, "title": TITLES[kind], "instance": instance},
    )


@never_cache
@legal_required
@require_http_methods(["GET", "POST"])
def row_delete(request, kind, public_id):
    instance = get_object_or_404(_model(kind), public_id=public_id)
    form = PublicationFields(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            version = statements.statement_delete(
                kind=kind,
                user=request.user,
                instance=instance,
                summary=form.cleaned_data["summary"],
                notify=form.cleaned_data["notify"],
                request=request,
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            _published(request, version)
            return redirect("data_act_staff:home")
    return render(
        request,
        "exports/staff/statement_delete.html",
        {"form": form, "kind": kind, "title": TITLES[kind], "instance": instance},
    )


@never_cache
@legal_required
@require_http_methods(["GET", "POST"])
def custom_exports_edit(request):
    current = CustomExportStatement.objects.order_by("-pk").first()
    form = CustomExportsForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            version = statements.custom_exports_save(
                user=request.user,
                data=form.statement_data(),
                summary=form.cleaned_data["summary"],
                notify=form.cleaned_data["notify"],
                request=request,
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            _published(request, version)
            return redirect("data_act_staff:home")
    return render(
        request,
        "exports/staff/statement_form.html",
        {"form": form, "kind": "custom", "title": _("Custom exports and support")},
    )
