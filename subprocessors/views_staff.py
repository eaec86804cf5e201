"""Legal's workbench (/staff/subprocessors/): the register, notices (draft, announce, withdraw),
who was notified and acknowledged, and objections to resolve. Legal only, behind the second
factor."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from subprocessors import selectors, services, terms
from subprocessors.changes import change_lines
from subprocessors.forms import (
    AnnounceForm,
    NoticeFilterForm,
    NoticeForm,
    ObjectionReplyForm,
    ProceedForm,
    ResolveForm,
    SubProcessorForm,
    WithdrawForm,
)
from subprocessors.models import ChangeNotice, NoticeDispatch, Objection, SubProcessor
from trustcentre.accounts.permissions import staff_role_required
from trustcentre.lib.forms import add_validation_error

legal_required = staff_role_required("legal")


@never_cache
@legal_required
@require_GET
def home(request):
    filters = NoticeFilterForm(request.GET or None)
    status = search = ""
    if filters.is_valid():
        status, search = filters.cleaned_data["status"], filters.cleaned_data["q"]
    notices = selectors.staff_notices(status=status, search=search)
    page = Paginator(notices, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "subprocessors/staff_home.html",
        {
            "filters": filters,
            "page_obj": page,
            "open_objections": Objection.objects.filter(status=Objection.Status.OPEN)
            .select_related("notice", "organisation")
            .order_by("created_at")[:20],
            "held": list(selectors.held_notices()),
            "version": selectors.current_version(),
            "filtered": bool(status or search),
        },
    )


@never_cache
@legal_required
@require_GET
def register(request):
    subprocessors = list(SubProcessor.objects.order_by("status", "name"))
    latest = services.latest_assessments(sp.pk for sp in subprocessors)
    rows = [(sp, latest.get(sp.pk)) for sp in subprocessors]
    return render(request, "subprocessors/staff_register.html", {"rows": rows})


@never_cache
@legal_required
@require_http_methods(["GET", "POST"])
def subprocessor_new(request):
    form = SubProcessorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            subprocessor = services.subprocessor_create(
                user=request.user, request=request, **form.values()
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was added as proposed; announce it with a notice.")
                % {"name": subprocessor.name},
            )
            return redirect("subprocessors_staff:notice_new")
    return render(
        request, "subprocessors/staff_subprocessor_form.html", {"form": form, "subprocessor": None}
    )


@never_cache
@legal_required
@require_http_methods(["GET", "POST"])
def subprocessor_edit(request, public_id):
    subprocessor = get_object_or_404(SubProcessor, public_id=public_id)
    form = SubProcessorForm(
        request.POST if request.method == "POST" else None,
        initial=SubProcessorForm.initial_for(subprocessor),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.subprocessor_update(
                subprocessor=subprocessor, user=request.user, request=request, **form.values()
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("subprocessors_staff:register")
    return render(
        request,
        "subprocessors/staff_subprocessor_form.html",
        {"form": form, "subprocessor": subprocessor},
    )


@never_cache
@legal_required
@require_http_methods(["GET", "POST"])
def notice_new(request):
    form = NoticeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_create(
                kind=data["kind"],
                subprocessor=data["subprocessor"],
                replaces=data["replaces"],
                summary=data["summary"],
                reason=data["reason"],
                proposed_changes=form.proposed_changes(),
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return redirect("subprocessors_staff:notice", public_id=notice.public_id)
    return render(request, "subprocessors/staff_notice_new.html", {"form": form})


def _notice(public_id) -> ChangeNotice:
    return get_object_or_404(
        ChangeNotice.objects.select_related("subprocessor", "replaces", "dispatch"),
        public_id=public_id,
    )


def _notice_context(notice, **extra) -> dict:
    now = timezone.now()
    latest_if_now = terms.objection_deadline(
        announced_at=now, window_days=terms.objection_window_for(None)
    )
    context = {
        "notice": notice,
        "change_lines": change_lines(notice),
        "recipients": notice.recipients.select_related("organisation", "acknowledged_by"),
        "objections": notice.objections.select_related("organisation", "raised_by", "resolved_by")
        .prefetch_related("replies")
        .order_by("status", "created_at"),
        "announce_form": AnnounceForm(
            initial={"effective_date": terms.earliest_effective_date(latest_if_now)}
        ),
        "withdraw_form": WithdrawForm(),
        "resolve_form": ResolveForm(),
        "reply_form": ObjectionReplyForm(),
        "proceed_form": ProceedForm(),
        "held_by": selectors.held_by(notice),
        "dispatch": notice.dispatch,
        "dispatch_statuses": NoticeDispatch.Status,
        "assessment": services.latest_assessment(notice.subprocessor),
    }
    context.update(extra)
    return context


@never_cache
@legal_required
@require_GET
def notice_detail(request, public_id):
    notice = _notice(public_id)
    return render(request, "subprocessors/staff_notice.html", _notice_context(notice))


@never_cache
@legal_required
@require_POST
def notice_announce(request, public_id):
    notice = _notice(public_id)
    form = AnnounceForm(request.POST)
    if form.is_valid():
        try:
            services.notice_announce(
                notice=notice,
                effective_date=form.cleaned_data["effective_date"],
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        except services.NoticeStateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The change is announced. The emails go out within a few minutes.")
            )
            return redirect("subprocessors_staff:notice", public_id=public_id)
    return render(
        request,
        "subprocessors/staff_notice.html",
        _notice_context(notice, announce_form=form),
        status=400,
    )


@never_cache
@legal_required
@require_POST
def notice_withdraw(request, public_id):
    notice = _notice(public_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.notice_withdraw(
                notice=notice,
                reason=form.cleaned_data["reason"],
                user=request.user,
                request=request,
            )
        except (ValidationError, services.NoticeStateError) as error:
            form.add_error(
                None, error.messages[0] if isinstance(error, ValidationError) else str(error)
            )
        else:
            messages.success(request, _("The notice is withdrawn."))
            return redirect("subprocessors_staff:notice", public_id=public_id)
    return render(
        request,
        "subprocessors/staff_notice.html",
        _notice_context(notice, withdraw_form=form),
        status=400,
    )


@never_cache
@legal_required
@require_POST
def notice_proceed(request, public_id):
    notice = _notice(public_id)
    form = ProceedForm(request.POST)
    if form.is_valid():
        try:
            services.notice_proceed_despite_objections(
                notice=notice,
                reason=form.cleaned_data["reason"],
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        except services.NoticeStateError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "The change has taken effect despite the open objections; each objecting "
                    "customer is emailed the decision and its remedy."
                ),
            )
            return redirect("subprocessors_staff:notice", public_id=public_id)
    return render(
        request,
        "subprocessors/staff_notice.html",
        _notice_context(notice, proceed_form=form),
        status=400,
    )


@never_cache
@legal_required
@require_POST
def objection_reply(request, public_id):
    objection = get_object_or_404(Objection.objects.select_related("notice"), public_id=public_id)
    form = ObjectionReplyForm(request.POST)
    if form.is_valid():
        try:
            services.objection_reply(
                objection=objection,
                text=form.cleaned_data["text"],
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # Resolved meanwhile: the page no longer has a reply box to show the error in.
                messages.error(request, " ".join(error.messages))
                return redirect("subprocessors_staff:notice", public_id=objection.notice.public_id)
            add_validation_error(form, error)
        else:
            messages.success(request, _("Your reply was emailed to the customer."))
            return redirect("subprocessors_staff:notice", public_id=objection.notice.public_id)
    return render(
        request,
        "subprocessors/staff_notice.html",
        _notice_context(objection.notice, reply_form=form, replying=objection),
        status=400,
    )


@never_cache
@legal_required
@require_POST
def objection_resolve(request, public_id):
    objection = get_object_or_404(Objection.objects.select_related("notice"), public_id=public_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.objection_resolve(
                objection=objection,
                resolution=form.cleaned_data["resolution"],
                notes=form.cleaned_data["notes"],
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The objection is resolved and the customer was emailed."))
            return redirect("subprocessors_staff:notice", public_id=objection.notice.public_id)
    return render(
        request,
        "subprocessors/staff_notice.html",
        _notice_context(objection.notice, resolve_form=form, resolving=objection),
        status=400,
    )
