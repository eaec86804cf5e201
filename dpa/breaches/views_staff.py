"""The DPO's incident pages (/staff/incidents/): record and edit an incident, notify the
affected customers, send follow-ups, follow each delivery and acknowledgement. Legal may read
them."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dpa.breaches import selectors, services, services_follow_ups
from dpa.breaches.forms import FollowUpForm, IncidentFilterForm, IncidentForm, NotifyForm
from dpa.breaches.models import Incident
from dpa.breaches.permissions import dpo_required, incident_viewer_required
from trustcentre.accounts.permissions import has_staff_role
from trustcentre.lib.forms import add_validation_error


def _input_refused(request, form, *, incident=None) -> None:
    services.refusal_record(
        request=request,
        reason="invalid incident input",
        obj=incident,
        details={"fields": sorted(form.errors)},
    )


@never_cache
@incident_viewer_required
@require_GET
def incident_list(request):
    filters = IncidentFilterForm(request.GET or None)
    status = search = ""
    if filters.is_valid():
        status, search = filters.cleaned_data["status"], filters.cleaned_data["q"]
    page = Paginator(
        selectors.staff_incidents(status=status, search=search), settings.BREACHES_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "breaches/staff_incident_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "filtered": bool(status or search),
            "can_write": has_staff_role(request.user, "dpo"),
        },
    )


@never_cache
@dpo_required
@require_http_methods(["GET", "POST"])
def incident_new(request):
    form = IncidentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                incident = services.incident_record(
                    user=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("Incident %(reference)s recorded as a draft. Check it, then notify.")
                    % {"reference": incident.reference},
                )
                return redirect("breaches_staff:incident_detail", public_id=incident.public_id)
        _input_refused(request, form)
    return render(
        request,
        "breaches/staff_incident_form.html",
        {"form": form, "incident": None, "hours": settings.DPA_BREACH_NOTIFICATION_HOURS},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@dpo_required
@require_http_methods(["GET", "POST"])
def incident_edit(request, public_id):
    incident = get_object_or_404(Incident, public_id=public_id)
    if not incident.is_draft:
        messages.error(request, _("Customers were notified: what they were told stays as sent."))
        return redirect("breaches_staff:incident_detail", public_id=public_id)
    form = IncidentForm(
        request.POST if request.method == "POST" else None,
        initial=IncidentForm.initial_for(incident),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.incident_update(
                    incident=incident, user=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                add_validation_error(form, error)
            except services.IncidentStateError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Saved."))
                return redirect("breaches_staff:incident_detail", public_id=public_id)
        _input_refused(request, form, incident=incident)
    return render(
        request,
        "breaches/staff_incident_form.html",
        {"form": form, "incident": incident, "hours": settings.DPA_BREACH_NOTIFICATION_HOURS},
        status=400 if request.method == "POST" else 200,
    )


def _detail(request, incident, *, notify_form=None, follow_up_form=None, status=200):
    return render(
        request,
        "breaches/staff_incident_detail.html",
        {
            "incident": incident,
            "rows": selectors.incident_notification_rows(incident),
            "follow_ups": selectors.incident_follow_ups(incident),
            "follow_up_form": follow_up_form or FollowUpForm(),
            "due_at": selectors.incident_due_at(incident),
            "hours": settings.DPA_BREACH_NOTIFICATION_HOURS,
            "remaining": list(selectors.notifiable_organisations(incident)),
            "notify_form": notify_form or NotifyForm(),
            "selected": set(request.POST.getlist("organisations")) if notify_form else set(),
            "can_write": has_staff_role(request.user, "dpo"),
        },
        status=status,
    )


@never_cache
@incident_viewer_required
@require_GET
def incident_detail(request, public_id):
    incident = get_object_or_404(Incident, public_id=public_id)
    return _detail(request, incident)


@never_cache
@dpo_required
@require_POST
def incident_notify(request, public_id):
    incident = get_object_or_404(Incident, public_id=public_id)
    form = NotifyForm(request.POST)
    if not form.is_valid():
        if form.is_tampered():
            services.refusal_record(
                request=request,
                reason="authz:notify form names an organisation that is not a customer",
                obj=incident,
                details={"submitted": request.POST.getlist("organisations")[:50]},
            )
        else:
            _input_refused(request, form, incident=incident)
        return _detail(request, incident, notify_form=form, status=400)
    try:
        result = services.incident_notify(
            incident=incident,
            organisations=form.cleaned_data["organisations"],
            user=request.user,
            request=request,
        )
    except ValidationError as error:
        add_validation_error(form, error)
        _input_refused(request, form, incident=incident)
        return _detail(request, incident, notify_form=form, status=400)
    except services.IncidentStateError as error:
        messages.error(request, str(error))
        return redirect("breaches_staff:incident_detail", public_id=public_id)
    if result.notified:
        messages.success(
            request,
            _("Notified: %(names)s.")
            % {"names": ", ".join(n.organisation.name for n in result.notified)},
        )
    if result.already_notified:
        messages.info(
            request,
            _("Already notified before, not sent again: %(names)s.")
            % {"names": ", ".join(o.name for o in result.already_notified)},
        )
    return redirect("breaches_staff:incident_detail", public_id=public_id)


@never_cache
@dpo_required
@require_POST
def incident_follow_up(request, public_id):
    incident = get_object_or_404(Incident, public_id=public_id)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            result = services_follow_ups.follow_up_send(
                incident=incident, user=request.user, request=request, **form.service_arguments()
            )
        except ValidationError as error:
            add_validation_error(form, error)
        except services.IncidentStateError as error:
            messages.error(request, str(error))
            return redirect("breaches_staff:incident_detail", public_id=public_id)
        else:
            number = result.follow_up.number
            if result.created:
                count = len(result.notices)
                messages.success(
                    request,
                    ngettext(
                        "Follow-up %(number)s sent to the %(count)s notified organisation.",
                        "Follow-up %(number)s sent to the %(count)s notified organisations.",
                        count,
                    )
                    % {"number": number, "count": count},
                )
            else:
                messages.info(
                    request, _("Follow-up %(number)s was already sent.") % {"number": number}
                )
            path = reverse("breaches_staff:incident_detail", args=[public_id])
            return redirect(f"{path}#follow-up-{number}")
    _input_refused(request, form, incident=incident)
    return _detail(request, incident, follow_up_form=form, status=400)


@never_cache
@dpo_required
@require_POST
def incident_close(request, public_id):
    incident = get_object_or_404(Incident, public_id=public_id)
    try:
        services.incident_close(incident=incident, user=request.user, request=request)
    except services.IncidentStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The incident is closed."))
    return redirect("breaches_staff:incident_detail", public_id=public_id)
