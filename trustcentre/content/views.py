"""Staff pages of the trust centre's content: what is due for review, "mark reviewed", the
analytics, and the public security.txt."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trustcentre.accounts.mfa import safe_next_url
from trustcentre.accounts.permissions import staff_role_required
from trustcentre.content import selectors, services
from trustcentre.content.forms import EDITABLE
from trustcentre.content.models import Certification, Control, ControlGroup, FaqEntry
from trustcentre.documents.forms import DownloadLookupForm
from trustcentre.documents.models import Document, DocumentEvent
from trustcentre.documents.views_staff import staff_users

CONTENT_ROLES = ("trust_admin", "legal")


@never_cache
@staff_role_required(*CONTENT_ROLES)
@require_GET
def home(request):
    due = services.reviews_due()
    return render(
        request,
        "content/staff/home.html",
        {
            "counts": {
                "documents": Document.objects.count(),
                "controls": Control.objects.count(),
                "groups": ControlGroup.objects.count(),
                "faq": FaqEntry.objects.count(),
                "certifications": Certification.objects.count(),
            },
            "overdue": sum(1 for item in due if item.overdue),
            "due_soon": sum(1 for item in due if not item.overdue),
        },
    )


@never_cache
@staff_role_required(*CONTENT_ROLES)
@require_GET
def reviews(request):
    mine = request.GET.get("mine") == "1"
    items = services.reviews_due(owner=request.user if mine else None)
    return render(
        request,
        "content/staff/reviews.html",
        {"items": items, "mine": mine, "soon_days": settings.TRUST_REVIEW_DUE_SOON_DAYS},
    )


@never_cache
@staff_role_required(*CONTENT_ROLES)
@require_POST
def mark_reviewed(request, kind, public_id):
    model = services.REVIEWABLE.get(kind)
    if model is None:
        raise Http404
    obj = get_object_or_404(model, public_id=public_id)
    services.mark_reviewed(kind=kind, obj=obj, user=request.user, request=request)
    messages.success(
        request,
        _("“%(title)s” marked reviewed; next review on %(date)s.")
        % {"title": obj, "date": obj.next_review_on.strftime("%d %b %Y")},
    )
    return redirect(safe_next_url(request, reverse("content_staff:reviews")))


@never_cache
@staff_role_required(*CONTENT_ROLES)
@require_GET
def item_list(request, kind):
    form_class = EDITABLE.get(kind)
    if form_class is None:
        raise Http404
    model = form_class._meta.model
    parent = "group" if kind == "control" else "category"
    items = model.objects.select_related(parent, "owner")
    return render(
        request,
        "content/staff/item_list.html",
        {"kind": kind, "items": list(items), "parent": parent, "title": _title(kind)},
    )


def _title(kind) -> str:
    return _("Controls") if kind == "control" else _("FAQ")


@never_cache
@staff_role_required(*CONTENT_ROLES)
@require_http_methods(["GET", "POST"])
def item_edit(request, kind, public_id=None):
    """Create or edit a control or an FAQ entry; the change is audited."""
    form_class = EDITABLE.get(kind)
    if form_class is None:
        raise Http404
    instance = None
    if public_id is not None:
        instance = get_object_or_404(form_class._meta.model, public_id=public_id)
    form = form_class(request.POST if request.method == "POST" else None, instance=instance)
    form.fields["owner"].queryset = staff_users()
    if request.method == "POST" and form.is_valid():
        obj = services.content_save(form=form, kind=kind, user=request.user, request=request)
        messages.success(request, _("“%(title)s” saved.") % {"title": obj})
        return redirect("content_staff:item_list", kind=kind)
    return render(
        request,
        "content/staff/item_edit.html",
        {"form": form, "kind": kind, "instance": instance, "title": _title(kind)},
    )


@never_cache
@staff_role_required(*CONTENT_ROLES)
@require_GET
def analytics(request):
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in (7, 30, 90) else 30
    lookup = DownloadLookupForm(request.GET if "download_id" in request.GET else None)
    found = None
    if lookup.is_bound and lookup.is_valid():
        found = (
            DocumentEvent.objects.select_related("user", "organisation", "document", "version")
            .filter(public_id=lookup.cleaned_data["download_id"], kind=DocumentEvent.Kind.DOWNLOAD)
            .first()
        )
        if found is None:
            lookup.add_error("download_id", ValidationError(_("No download has this id.")))
    return render(
        request,
        "content/staff/analytics.html",
        {**selectors.analytics(days=days), "lookup": lookup, "found": found},
    )


@require_GET
def security_txt(request):
    """RFC 9116, generated from settings; to be routed at /.well-known/security.txt."""
    expires = timezone.now() + datetime.timedelta(days=settings.TRUST_SECURITY_TXT_DAYS)
    lines = [f"Contact: mailto:{settings.TRUST_SECURITY_CONTACT}"]
    lines.append(f"Expires: {expires.astimezone(datetime.UTC):%Y-%m-%dT%H:%M:%SZ}")
    site = settings.SITE_URL.rstrip("/")
    lines.append(f"Policy: {site}{reverse('pages:home')}")
    lines.append(f"Preferred-Languages: {settings.TRUST_SECURITY_TXT_LANGUAGES}")
    lines.append(f"Canonical: {site}/.well-known/security.txt")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
