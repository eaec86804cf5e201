"""Portal pages (/portal/subprocessors/): a customer's notices with its own deadlines, its list,
acknowledgement and objections (admins), webhooks (admins), and anyone's own subscriptions.

| who                        | see notices, list | acknowledge | object, webhooks | subscriptions |
|----------------------------|-------------------|-------------|------------------|---------------|
| admin of the customer      | yes               | yes         | yes              | own           |
| member of the customer     | yes               | yes         | 403              | own           |
| anyone else, staff included| 404               | 404         | 404              | own           |
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from subprocessors import selectors, services
from subprocessors.changes import change_lines
from subprocessors.forms import ObjectionForm, PortalSubscriptionForm, WebhookEndpointForm
from subprocessors.models import NoticeOrganisation, Subscription
from trustcentre.notifications.models import WebhookEndpoint, WebhookMessage
from trustcentre.notifications.webhooks import webhook_endpoint_create, webhook_endpoint_delete


def _organisation(request, slug):
    return get_object_or_404(selectors.customer_organisations_of(request.user), slug=slug)


def _admin_organisation(request, slug):
    organisation = _organisation(request, slug)
    if not selectors.is_admin_of(request.user, organisation):
        raise PermissionDenied
    return organisation


def _row(organisation, public_id) -> NoticeOrganisation:
    return get_object_or_404(
        NoticeOrganisation.objects.select_related("notice", "notice__subprocessor", "organisation"),
        organisation=organisation,
        notice__public_id=public_id,
        notice__status__in=["announced", "effective", "withdrawn"],
    )


@never_cache
@login_required
@require_GET
def home(request):
    organisations = list(selectors.customer_organisations_of(request.user))
    if len(organisations) == 1:
        return redirect("subprocessors_portal:organisation", slug=organisations[0].slug)
    return render(request, "subprocessors/portal_home.html", {"organisations": organisations})


@never_cache
@login_required
@require_GET
def organisation_page(request, slug):
    organisation = _organisation(request, slug)
    objections = selectors.objections_by_notice(organisation)
    rows = [
        {"row": row, "objection": objections.get(row.notice_id)}
        for row in selectors.organisation_notice_rows(organisation)
    ]
    is_admin = selectors.is_admin_of(request.user, organisation)
    return render(
        request,
        "subprocessors/portal_organisation.html",
        {
            "organisation": organisation,
            "rows": rows,
            "subprocessors": selectors.applicable_subprocessors(organisation),
            "version": selectors.current_version(),
            "is_admin": is_admin,
            "endpoints": list(WebhookEndpoint.objects.filter(organisation=organisation))
            if is_admin
            else [],
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def notice_page(request, slug, public_id):
    organisation = _organisation(request, slug)
    row = _row(organisation, public_id)
    is_admin = selectors.is_admin_of(request.user, organisation)
    objection = row.notice.objections.filter(organisation=organisation).first()
    form = ObjectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.objection_raise(
                    notice=row.notice,
                    organisation=organisation,
                    grounds=form.cleaned_data["grounds"],
                    user=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            except services.ObjectionTooLate as late:
                form.add_error(None, late.message)
            except services.AlreadyObjected:
                form.add_error(None, _("Your organisation has already objected to this change."))
            except services.ObjectionClosed:
                form.add_error(None, _("This notice is no longer open for objections."))
            else:
                messages.success(request, _("Your objection was sent to our legal team."))
                return redirect("subprocessors_portal:notice", slug=slug, public_id=public_id)
    return render(
        request,
        "subprocessors/portal_notice.html",
        {
            "organisation": organisation,
            "row": row,
            "notice": row.notice,
            "change_lines": change_lines(row.notice),
            "objection": objection,
            "objection_replies": list(objection.replies.all()) if objection else [],
            "is_admin": is_admin,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
@require_POST
def acknowledge(request, slug, public_id):
    organisation = _organisation(request, slug)
    row = _row(organisation, public_id)
    services.notice_acknowledge(row=row, user=request.user, request=request)
    messages.success(request, _("Thank you: the notice is marked as acknowledged."))
    return redirect("subprocessors_portal:notice", slug=slug, public_id=public_id)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request):
    subscription = Subscription.objects.filter(email=request.user.email.lower()).first()
    current = subscription.topics if subscription and subscription.status == "verified" else []
    form = PortalSubscriptionForm(
        request.POST if request.method == "POST" else None, initial={"topics": current}
    )
    if request.method == "POST" and form.is_valid():
        organisations = list(selectors.customer_organisations_of(request.user)[:1])
        services.subscription_set_topics(
            user=request.user,
            topics=form.cleaned_data["topics"],
            organisation=organisations[0] if organisations else None,
            request=request,
        )
        messages.success(request, _("Your subscriptions are saved."))
        return redirect("subprocessors_portal:subscriptions")
    return render(
        request,
        "subprocessors/portal_subscriptions.html",
        {"form": form, "subscription": subscription},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def webhooks(request, slug):
    organisation = _admin_organisation(request, slug)
    form = WebhookEndpointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = webhook_endpoint_create(
                organisation=organisation,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # The secret is shown on this response only; it is never displayed again.
            return render(
                request,
                "subprocessors/portal_webhook_created.html",
                {"organisation": organisation, "endpoint": endpoint, "secret": secret},
            )
    endpoints = WebhookEndpoint.objects.filter(organisation=organisation)
    return render(
        request,
        "subprocessors/portal_webhooks.html",
        {"organisation": organisation, "form": form, "endpoints": endpoints},
    )


@never_cache
@login_required
@require_GET
def webhook_detail(request, slug, public_id):
    organisation = _admin_organisation(request, slug)
    endpoint = get_object_or_404(WebhookEndpoint, organisation=organisation, public_id=public_id)
    deliveries = (
        WebhookMessage.objects.filter(endpoint=endpoint)
        .prefetch_related("tries")
        .order_by("-created_at")[:50]
    )
    return render(
        request,
        "subprocessors/portal_webhook_detail.html",
        {"organisation": organisation, "endpoint": endpoint, "deliveries": deliveries},
    )


@never_cache
@login_required
@require_POST
def webhook_delete(request, slug, public_id):
    organisation = _admin_organisation(request, slug)
    endpoint = get_object_or_404(WebhookEndpoint, organisation=organisation, public_id=public_id)
    webhook_endpoint_delete(endpoint=endpoint, user=request.user, request=request)
    messages.success(request, _("The endpoint was deleted; nothing more is sent to it."))
    return redirect("subprocessors_portal:webhooks", slug=slug)
