"""Views and downloads: logged, re-checked at the moment of download, gated PDFs stamped."""

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone

from trustcentre.audit.services import audit_record, client_ip
from trustcentre.documents.access import (
    download_decision,
    organisation_of,
)
from trustcentre.documents.files import stamp_pdf
from trustcentre.documents.models import (
    Document,
    DocumentEvent,
    DocumentVersion,
)
from trustcentre.documents.services._common import AccessDenied
from trustcentre.lib.files import read_private

# Views and downloads


def document_view_record(*, document: Document, user, request=None) -> None:
    DocumentEvent.objects.create(
        kind=DocumentEvent.Kind.VIEW,
        document=document,
        version_id=document.current_version_id,
        user=user if user.is_authenticated else None,
        ip_address=client_ip(request),
    )


def stamp_lines(*, user, organisation, when, event_id, grant) -> list[str]:
    who = user.email if user.is_authenticated else "anonymous"
    # Someone without an organisation in the portal is marked with the company they gave.
    org = organisation.name if organisation else (grant.access_request.company if grant else "-")
    return [
        f"Confidential - downloaded by {who} ({org}) on {when:%Y-%m-%d %H:%M} UTC",
        f"Download id {event_id}" + (f" - grant {grant.public_id}" if grant else ""),
    ]


def document_deliver(*, version: DocumentVersion, user, request=None) -> tuple[bytes, str]:
    """The bytes to send for `version`, after checking the right to it at this moment: stamped
    on every page when gated and a PDF. Logs the download and the SHA-256 delivered.
    Raises AccessDenied (and records it) when refused."""
    document = version.document
    decision = download_decision(user, document)
    organisation = organisation_of(user)
    if not decision.allowed:
        audit_record(
            action="authz.denied",
            actor=user if user.is_authenticated else None,
            obj=document,
            organisation=organisation,
            request=request,
            details={"reason": decision.reason, "version": str(version.public_id)},
        )
        raise AccessDenied(decision)
    data = read_private(version.storage_name)
    now = timezone.now()
    event = DocumentEvent(
        kind=DocumentEvent.Kind.DOWNLOAD,
        document=document,
        version=version,
        user=user if user.is_authenticated else None,
        organisation=organisation,
        grant=decision.grant,
        ip_address=client_ip(request),
        occurred_at=now,
    )
    stamped = document.is_gated and version.is_pdf and not version.is_encrypted
    if stamped:
        data = stamp_pdf(
            data,
            stamp_lines(
                user=user,
                organisation=organisation,
                when=now.astimezone(datetime.UTC),
                event_id=event.public_id,
                grant=decision.grant,
            ),
        )
    event.sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        event.save()
        audit_record(
            action="document.downloaded",
            actor=user if user.is_authenticated else None,
            obj=document,
            organisation=organisation,
            request=request,
            details={
                "version": version.number,
                "download": str(event.public_id),
                "sha256": event.sha256,
                "stamped": stamped,
                "grant": str(decision.grant.public_id) if decision.grant else None,
            },
        )
    return data, event.sha256
