"""Public pages: the current list, notices with their deadline as iCalendar, versions and their
comparison, the Atom feed, and the subscription flow (double opt-in, one-click unsubscribe)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from subprocessors import selectors, services
from subprocessors.changes import change_lines
from subprocessors.forms import SubscribeForm
from subprocessors.ics import deadline_ics
from subprocessors.models import ChangeNotice, ListVersion
from subprocessors.services.subscriptions import subscription_check_confirm_token
from trustcentre.accounts.throttling import cache_key_digest, count_in_window
from trustcentre.audit.services import client_ip
from trustcentre.lib.moments import format_moment
from trustcentre.lib.signed_links import SignatureExpired
from trustcentre.pages.public_cache import public_page

NOTICES_PER_PAGE = 20


@require_GET
@public_page
def subprocessor_list(request):
    version = selectors.current_version()
    entries = version.entries if version else []
    assessed = selectors.last_assessment_by_entry(entries)
    entries = [{**entry, "assessment": assessed.get(entry["id"])} for entry in entries]
    return render(
        request,
        "subprocessors/list.html",
        {
            "version": version,
            "entries": entries,
            "upcoming": list(selectors.upcoming_notices()[:20]),
            "recent": list(selectors.public_notices()[:5]),
        },
    )


@require_GET
def notice_list(request):
    notices = selectors.public_notices()
    status = request.GET.get("status", "")
    if status in ChangeNotice.Status.values and status != ChangeNotice.Status.DRAFT:
        notices = notices.filter(status=status)
    page = Paginator(notices, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "subprocessors/notice_list.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": ChangeNotice.Status.choices[1:],
        },
    )


def _public_notice(public_id) -> ChangeNotice:
    return get_object_or_404(selectors.public_notices(), public_id=public_id)


@require_GET
def notice_detail(request, public_id):
    notice = _public_notice(public_id)
    return render(
        request,
        "subprocessors/notice_detail.html",
        {
            "notice": notice,
            "change_lines": change_lines(notice),
            "own_deadlines": selectors.viewer_deadlines(notice, request.user),
        },
    )


@require_GET
def notice_ics(request, public_id):
    """The objection deadline as an iCalendar event: the viewer's organisation's when signed
    in (one per organisation), else the default window's."""
    notice = _public_notice(public_id)
    if notice.objection_deadline is None:
        raise Http404
    own = selectors.viewer_deadlines(notice, request.user)
    deadlines = [(row.objection_deadline, row.organisation) for row in own] or [
        (notice.objection_deadline, None)
    ]
    url = settings.SITE_URL + reverse(
        "subprocessors:notice", kwargs={"public_id": notice.public_id}
    )
    body = deadline_ics(notice=notice, deadlines=deadlines, url=url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="objection-deadline-{str(notice.public_id)[:8]}.ics"'
    )
    return response


@require_GET
def version_list(request):
    versions = ListVersion.objects.select_related("notice").order_by("-number")
    page = Paginator(versions, 50).get_page(request.GET.get("page"))
    return render(request, "subprocessors/version_list.html", {"page_obj": page})


@require_GET
def version_detail(request, number):
    version = get_object_or_404(ListVersion.objects.select_related("notice"), number=number)
    return render(request, "subprocessors/version_detail.html", {"version": version})


@require_GET
def version_compare(request):
    versions = list(ListVersion.objects.order_by("-number").values_list("number", flat=True))
    context = {"numbers": versions, "error": ""}
    try:
        older_number = int(request.GET.get("from") or (versions[1] if len(versions) > 1 else 0))
        newer_number = int(request.GET.get("to") or (versions[0] if versions else 0))
    except ValueError:
        older_number = newer_number = 0
    older = ListVersion.objects.filter(number=older_number).first()
    newer = ListVersion.objects.filter(number=newer_number).first()
    if older is None or newer is None:
        if versions:
            context["error"] = _("Choose two versions that exist.")
    else:
        if older.number > newer.number:
            older, newer = newer, older
        context.update(older=older, newer=newer, diff=selectors.version_diff(older, newer))
    return render(request, "subprocessors/version_compare.html", context)


class NoticeFeed(Feed):
    """Atom 1.0: one entry per notice (announced, effective or withdrawn)."""

    feed_type = Atom1Feed

    def title(self):
        return _("%(provider)s sub-processor changes") % {"provider": settings.PROVIDER_NAME}

    def subtitle(self):
        return _("Changes to the sub-processors %(provider)s uses, with objection deadlines.") % {
            "provider": settings.PROVIDER_NAME
        }

    def link(self):
        return settings.SITE_URL + reverse("subprocessors:list")

    def feed_url(self):
        return settings.SITE_URL + reverse("subprocessors:feed")

    def feed_guid(self):
        return self.feed_url()

    def author_name(self):
        return settings.PROVIDER_NAME

    def items(self):
        return selectors.public_notices()[:50]

    def item_title(self, notice):
        return f"{notice.get_kind_display()}: {notice.summary} ({notice.get_status_display()})"

    def item_description(self, notice):
        parts = [
            _("Sub-processor: %(name)s (%(entity)s)")
            % {"name": notice.subprocessor.name, "entity": notice.subprocessor.legal_entity},
            *[str(line) for line in change_lines(notice)],
            _("Reason: %(reason)s") % {"reason": notice.reason},
        ]
        if notice.objection_deadline:
            parts.append(
                _("Objection deadline (default window): %(deadline)s")
                % {"deadline": format_moment(notice.objection_deadline)}
            )
        if notice.effective_at:
            parts.append(
                _("Takes effect: %(date)s") % {"date": format_moment(notice.effective_day)}
            )
        return "\n".join(parts)

    def item_link(self, notice):
        return settings.SITE_URL + reverse(
            "subprocessors:notice", kwargs={"public_id": notice.public_id}
        )

    def item_guid(self, notice):
        return f"urn:uuid:{notice.public_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, notice):
        return notice.announced_at or notice.created_at

    def item_updateddate(self, notice):
        return (
            notice.withdrawn_at
            or notice.became_effective_at
            or notice.announced_at
            or notice.created_at
        )


SUBSCRIBE_LIMIT_PER_MINUTE = 10


def _over_ip_limit(request) -> bool:
    """Anonymous form posts per IP per minute (the API has its own throttle)."""
    allowed, _seconds_left = count_in_window(
        # Hashed, like every per-address limit: the cache never holds the address.
        f"subprocessors-subscribe:{cache_key_digest(client_ip(request) or '-')}",
        SUBSCRIBE_LIMIT_PER_MINUTE,
    )
    return not allowed


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _over_ip_limit(request):
        form.add_error(None, _("Too many requests from your network; try again in a minute."))
        return render(request, "subprocessors/subscribe.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_request(
                email=form.cleaned_data["email"],
                topics=form.cleaned_data["topics"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # The same page whether the address was new, pending or already subscribed.
            return redirect("subprocessors:subscribe_sent")
    return render(request, "subprocessors/subscribe.html", {"form": form})


@require_GET
def subscribe_sent(request):
    return render(request, "subprocessors/subscribe_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows the button (mail scanners open links); POST confirms."""
    try:
        subscription = subscription_check_confirm_token(token)
    except SignatureExpired:
        return render(
            request, "subprocessors/token_problem.html", {"reason": "expired"}, status=410
        )
    except services.SubscriptionTokenInvalid:
        return render(
            request, "subprocessors/token_problem.html", {"reason": "invalid"}, status=404
        )
    if request.method == "POST":
        subscription = services.subscription_confirm(token=token, request=request)
        return render(request, "subprocessors/confirmed.html", {"subscription": subscription})
    return render(
        request,
        "subprocessors/confirm.html",
        {"subscription": subscription, "topics": subscription.pending_topics},
    )


@csrf_exempt  # RFC 8058: the mail client POSTs without cookies; the signed token is the proof
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        subscription = services.subscription_for_unsubscribe_token(token)
    except services.SubscriptionTokenInvalid:
        return render(
            request, "subprocessors/token_problem.html", {"reason": "invalid"}, status=404
        )
    if request.method == "POST":
        services.subscription_unsubscribe(token=token, request=request)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            # The mail client's one-click POST: a plain 200, no redirect.
            return HttpResponse(
                _("You are unsubscribed."), content_type="text/plain; charset=utf-8"
            )
        return render(request, "subprocessors/unsubscribed.html")
    return render(request, "subprocessors/unsubscribe.html", {"subscription": subscription})
