"""Security notices in the portal (/portal/security-notices/): the breach notifications of the
organisations the viewer belongs to and their follow-ups, to read and acknowledge one by one.
Another organisation's notice is a 404, and the attempt is audited. The email's link opens the
page; only its buttons change anything."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from dpa.breaches import selectors, services, services_follow_ups
from dpa.breaches.forms import NoticeFilterForm
from dpa.breaches.models import Notification


def _notification(request, public_id) -> Notification:
    notification = (
        Notification.objects.select_related("incident", "organisation", "acknowledged_by")
        .filter(public_id=public_id)
        .first()
    )
    if notification is None:
        raise Http404
    if (
        not selectors.member_organisations(request.user)
        .filter(pk=notification.organisation_id)
        .exists()
    ):
        services.refusal_record(
            request=request,
            reason="authz:security notice of another organisation",
            obj=notification,
            organisation=notification.organisation,
            details={"method": request.method},
        )
        raise Http404
    return notification


@never_cache
@login_required
@require_GET
def notice_list(request):
    organisations = list(selectors.member_organisations(request.user))
    filters = NoticeFilterForm(request.GET or None, organisations=organisations)
    slug = state = ""
    if filters.is_valid():
        slug, state = filters.cleaned_data["organisation"], filters.cleaned_data["state"]
    notifications = selectors.notifications_for_member(
        request.user, organisation_slug=slug, state=state
    )
    page = Paginator(notifications, settings.BREACHES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "breaches/portal_notice_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "filtered": bool(slug or state),
            "several_organisations": len(organisations) > 1,
        },
    )


@never_cache
@login_required
@require_GET
def notice_detail(request, public_id):
    notification = _notification(request, public_id)
    return render(
        request,
        "breaches/portal_notice_detail.html",
        {
            "notification": notification,
            "incident": notification.incident,
            "follow_up_notices": list(selectors.follow_up_notices_of(notification)),
        },
    )


@never_cache
@login_required
@require_POST
def notice_acknowledge(request, public_id):
    notification = _notification(request, public_id)
    if services.notification_acknowledge(
        notification=notification, user=request.user, request=request
    ):
        messages.success(request, _("Thank you: the notice is marked as acknowledged."))
    else:
        messages.info(request, _("This notice was already acknowledged."))
    return redirect("breaches_portal:notice_detail", public_id=public_id)


@never_cache
@login_required
@require_POST
def follow_up_acknowledge(request, public_id, number):
    notification = _notification(request, public_id)
    notice = selectors.follow_up_notices_of(notification).filter(follow_up__number=number).first()
    if notice is None:
        raise Http404
    if services_follow_ups.follow_up_acknowledge(notice=notice, user=request.user, request=request):
        messages.success(
            request,
            _("Thank you: follow-up %(number)s is marked as acknowledged.") % {"number": number},
        )
    else:
        messages.info(
            request, _("Follow-up %(number)s was already acknowledged.") % {"number": number}
        )
    path = reverse("breaches_portal:notice_detail", args=[public_id])
    return redirect(f"{path}#follow-up-{number}")
