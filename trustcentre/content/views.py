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
from trustcentre.content.forms import EDITABLE, OverviewForm
from trustcentre.content.models import (
    Certification,
    Control,
    ControlGroup,
    FaqCategory,
    FaqEntry,
    Overview,
)
from trustcentre.documents.forms import DownloadLookupForm
from trustcentre.documents.models import Document, DocumentEvent
from trustcentre.documents.views_staff import staff_users
from trustcentre.lib.moments import format_day

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
                "categories": FaqCategory.objects.count(),
                "certifications": Certification.objects.count(),
            },
            "overview": Overview.objects.order_by("-pk").first(),
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
        {
            "rows": [(item, item.opens_for(request.user)) for item in items],
            "mine": mine,
            "soon_days": settings.TRUST_REVIEW_DUE_SOON_DAYS,
        },
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
        % {"title": obj, "date": format_day(obj.next_review_on)},
    )
    return redirect(safe_next_url(request, reverse("content_staff:reviews")))


def _editable(kind):
    spec = EDITABLE.get(kind)
    if spec is None:
        raise Http404
    return spec


def _cell(obj, path: str):
    for attr in path.split("."):
        obj = getattr(obj, attr, None)
    return obj


@never_cache
@staff_role_required(*CONTENT_ROLES)
@require_GET
def item_list(request, kind):
    spec = _editable(kind)
    items = spec.form._meta.model.objects.select_related(*spec.related)
    rows = [
        {
            "obj": item,
            "key": getattr(item, spec.key),
            "cells": [_cell(item, path) for _, path in spec.columns],
        }
        for item in items
    ]
    return render(
        request,
        "content/staff/item_list.html",
        {"kind": kind, "spec": spec, "rows": rows, "title": spec.title},
    )


@never_cache
@staff_role_required(*CONTENT_ROLES)
@require_http_methods(["GET", "POST"])
def item_edit(request, kind, key=None):
    """Create or edit a piece of the public trust centre; the change is audited and the
    public page shows it at once."""
    spec = _editable(kind)
    instance = None
    if key is not None:
        try:
            instance = spec.form._meta.model.objects.filter(**{spec.key: key}).first()
        except ValidationError:  # not a UUID
            instance = None
        if instance is None:
            raise Http404
    form = spec.form(request.POST if request.method == "POST" else None, instance=instance)
    if "owner" in form.fields:
        form.fields["owner"].queryset = staff_users()
    if request.method == "POST" and form.is_valid():
        obj = services.content_save(form=form, kind=kind, user=request.user, request=request)
        messages.success(request, _("“%(title)s” saved.") % {"title": obj})
        return redirect("content_staff:item_list", kind=kind)
    return render(
        request,
        "content/staff/item_edit.html",
        {"form": form, "kind": kind, "spec": spec, "instance": instance, "title": spec.title},
    )


@never_cache
@staff_role_required(*CONTENT_ROLES)
@require_http_methods(["GET", "POST"])
def overview_edit(request):
    """The text at the top of the public page: one, edited in place."""
    instance = Overview.objects.order_by("-pk").first()
    form = OverviewForm(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.content_save(form=form, kind="overview", user=request.user, request=request)
        messages.success(request, _("The overview is saved; the public page shows it now."))
        return redirect("content_staff:home")
    return render(request, "content/staff/overview_edit.html", {"form": form, "overview": instance})


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
