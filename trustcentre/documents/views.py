"""Public pages of the document library, and the one view that serves document files: from a
signed link that expires and is bound to the person it was made for, re-checking their right
at the moment of download."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from trustcentre.audit.services import audit_record
from trustcentre.documents import services
from trustcentre.documents.access import (
    download_decision,
    granted_document_ids,
    is_staff_viewer,
    nda_in_force,
)
from trustcentre.documents.forms import LibraryFilterForm
from trustcentre.documents.models import AccessLevel, AccessRequest, Document, DocumentVersion
from trustcentre.lib.files import file_response
from trustcentre.lib.signed_links import (
    BadSignature,
    SignatureExpired,
    make_signed_token,
    read_signed_token,
)
from trustcentre.pages.public_cache import public_page

DOCUMENTS_PER_PAGE = 50
LEVEL_BADGES = {
    AccessLevel.PUBLIC: "badge-ok",
    AccessLevel.REGISTERED: "badge-quiet",
    AccessLevel.NDA: "badge-warn",
    AccessLevel.PRIVATE: "badge-danger",
}
DOWNLOAD_PURPOSE = "document-download"
ANONYMOUS = "-"


def download_token(version: DocumentVersion, user) -> str:
    """Signed for this version and this person (or for nobody, on a public document)."""
    owner = str(user.public_id) if user.is_authenticated else ANONYMOUS
    return make_signed_token(DOWNLOAD_PURPOSE, f"{version.public_id}:{owner}")


def download_url(version: DocumentVersion, user) -> str:
    return reverse("documents:download", kwargs={"token": download_token(version, user)})


def library_documents(*, user, q="", category=None, level=""):
    documents = Document.objects.listed().select_related("category", "current_version")
    if is_staff_viewer(user):
        documents = Document.objects.filter(current_version__isnull=False).select_related(
            "category", "current_version"
        )
    if q:
        documents = documents.filter(Q(title__icontains=q) | Q(description__icontains=q))
    if category is not None:
        documents = documents.filter(category=category)
    if level:
        documents = documents.filter(access_level=level)
    return documents.order_by("category__order", "category__name", "title")


def access_label(document: Document, user, granted: set[int], has_nda: bool) -> str:
    """What the library shows about the viewer's access, without a query per document."""
    if document.access_level == AccessLevel.PUBLIC or is_staff_viewer(user):
        return "open"
    if not user.is_authenticated:
        return "sign_in"
    if document.access_level == AccessLevel.REGISTERED:
        return "open"
    if document.pk in granted:
        return "open" if has_nda else "nda"
    return "request"


@require_GET
@public_page
def document_list(request):
    form = LibraryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    documents = library_documents(
        user=request.user,
        q=filters.get("q", ""),
        category=filters.get("category"),
        level=filters.get("level", ""),
    )
    page = Paginator(documents, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    granted = granted_document_ids(request.user)
    has_nda = bool(granted) and nda_in_force(request.user) is not None
    # Labels and classes are worked out here once, not per row in the template: the list is
    # the trust centre's busiest page (see benchmarks/pages.py).
    labels = {
        "open": _("Available"),
        "sign_in": _("Sign in"),
        "nda": _("Accept the NDA"),
        "request": _("Request access"),
    }
    level_labels = dict(AccessLevel.choices)
    rows = []
    for document in page.object_list:
        access = access_label(document, request.user, granted, has_nda)
        rows.append(
            {
                "document": document,
                "access": access,
                "access_label": labels[access],
                "badge": LEVEL_BADGES[document.access_level],
                "level_label": level_labels[document.access_level],
            }
        )
    return render(
        request,
        "documents/document_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "labels": labels,
            "list_url": reverse("documents:list"),
        },
    )


@never_cache
@require_GET
def document_detail(request, public_id):
    document = get_object_or_404(
        Document.objects.select_related("category", "current_version", "owner"),
        public_id=public_id,
    )
    decision = download_decision(request.user, document)
    if decision.not_found:
        raise Http404
    versions = list(document.versions.filter(published_at__isnull=False).order_by("-number"))
    if document.current_version is None:
        raise Http404
    services.document_view_record(document=document, user=request.user, request=request)
    pending = None
    if decision.reason == "grant":
        pending = AccessRequest.objects.filter(
            requester=request.user, documents=document, status=AccessRequest.Status.PENDING
        ).first()
    links = {}
    if decision.allowed:
        links = {v.pk: download_url(v, request.user) for v in versions}
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "versions": [{"version": v, "url": links.get(v.pk)} for v in versions],
            "decision": decision,
            "pending_request": pending,
            "link_minutes": max(settings.TRUST_DOWNLOAD_LINK_MAX_AGE // 60, 1),
            "stamped": document.is_gated,
        },
    )


def _refused(request, status: int, reason: str, document=None):
    return render(
        request,
        "documents/download_refused.html",
        {"reason": reason, "document": document},
        status=status,
    )


@never_cache
@require_GET
def document_download(request, token):
    try:
        value = read_signed_token(DOWNLOAD_PURPOSE, token, settings.TRUST_DOWNLOAD_LINK_MAX_AGE)
    except SignatureExpired:
        return _refused(request, 410, "expired")
    except BadSignature:
        audit_record(
            action="authz.denied",
            request=request,
            object_type="documents.documentversion",
            details={"reason": "download link tampered with or made for another purpose"},
        )
        raise Http404 from None
    version_id, _sep, owner = value.partition(":")
    version = (
        DocumentVersion.objects.select_related("document", "document__category")
        .filter(public_id=version_id, published_at__isnull=False)
        .first()
    )
    if version is None:
        raise Http404
    current_owner = str(request.user.public_id) if request.user.is_authenticated else ANONYMOUS
    if owner != current_owner:
        audit_record(
            action="authz.denied",
            request=request,
            obj=version.document,
            details={"reason": "download link used by someone else", "version": version_id},
        )
        return _refused(request, 403, "other_user", version.document)
    try:
        data, _sha256 = services.document_deliver(
            version=version, user=request.user, request=request
        )
    except services.AccessDenied as denied:
        if denied.decision.not_found:
            raise Http404 from None
        return _refused(request, 403, denied.decision.reason, version.document)
    return file_response(
        data, filename=version.download_filename, content_type=version.content_type
    )
