"""Documents and their versions: create, publish a version checked by its bytes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from trustcentre.audit.services import audit_record
from trustcentre.documents.models import (
    AccessLevel,
    Document,
    DocumentVersion,
)
from trustcentre.lib.files import check_upload, store_private
from trustcentre.pages.public_cache import public_content_changed

# Documents and versions


@transaction.atomic
def document_create(
    *,
    user,
    title,
    description,
    category,
    access_level,
    owner=None,
    next_review_on=None,
    request=None,
):
    """A document without a version yet. Its review falls due a year from today unless a date
    is given."""
    fields = {"next_review_on": next_review_on} if next_review_on else {}
    document = Document.objects.create(
        title=title,
        description=description,
        category=category,
        access_level=access_level,
        owner=owner or user,
        **fields,
    )
    public_content_changed()
    audit_record(
        action="document.created",
        actor=user,
        obj=document,
        request=request,
        details={"access_level": access_level},
    )
    return document


@transaction.atomic
def document_publish(*, user, upload, request=None, **fields) -> Document:
    """A new document with its first version, or nothing at all when the file is refused."""
    document = document_create(user=user, request=request, **fields)
    document_version_add(document=document, user=user, upload=upload, request=request)
    return document


def document_version_add(*, document: Document, user, upload, notes: str = "", request=None):
    """Check the upload by its bytes, store it privately, publish it as the current version."""
    checked = check_upload(upload)
    if checked.has_javascript:
        raise ValidationError(
            _(
                "This PDF contains JavaScript, which some readers run when the file is opened; "
                "the trust centre publishes no active content. Save it again without scripts "
                "(for example by printing it to PDF) and upload that copy."
            ),
            code="javascript",
        )
    if checked.is_encrypted and document.access_level == AccessLevel.NDA:
        raise ValidationError(
            _(
                "This PDF is encrypted, so it cannot be stamped with who downloads it; documents "
                "under NDA must be stamped. Upload an unencrypted copy."
            ),
            code="encrypted",
        )
    storage_name = store_private(checked.data, "documents")
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        number = (document.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        now = timezone.now()
        version = DocumentVersion.objects.create(
            document=document,
            number=number,
            storage_name=storage_name,
            filename=checked.filename,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=checked.sha256,
            is_encrypted=checked.is_encrypted,
            notes=notes,
            uploaded_by=user,
            uploaded_at=now,
            published_at=now,
        )
        document.current_version = version
        document.save(update_fields=["current_version"])
        public_content_changed()
        audit_record(
            action="document.version_published",
            actor=user,
            obj=document,
            request=request,
            details={
                "version": number,
                "sha256": checked.sha256,
                "bytes": len(checked.data),
                "encrypted": checked.is_encrypted,
            },
        )
    return version
