"""Downloading an executed agreement: a signed, expiring, single-purpose link bound to the
person it was made for; the view re-checks their access, the bytes are checked against the
stored SHA-256, and the delivery is audited."""

import hashlib

from django.conf import settings
from django.http import HttpResponse

from dpa.models import Agreement
from dpa.selectors import dpa_organisations_of
from trustcentre.audit.services import audit_record
from trustcentre.lib.files import file_response, read_private
from trustcentre.lib.signed_links import (
    BadSignature,
    SignatureExpired,
    make_signed_token,
    read_signed_token,
)

DOWNLOAD_PURPOSE = "dpa-download"


class StoredFileChanged(Exception):
    """The stored PDF no longer has the SHA-256 recorded when it was executed."""


def download_token(agreement: Agreement, user) -> str:
    return make_signed_token(DOWNLOAD_PURPOSE, f"{agreement.public_id}:{user.public_id}")


def read_download_token(token: str) -> tuple[str, str]:
    value = read_signed_token(DOWNLOAD_PURPOSE, token, settings.DPA_DOWNLOAD_LINK_MAX_AGE)
    public_id, _sep, owner = value.partition(":")
    if not public_id or not owner:
        raise ValueError("malformed token")
    return public_id, owner


def agreement_pdf(agreement: Agreement) -> bytes:
    data = read_private(agreement.executed_file)
    if hashlib.sha256(data).hexdigest() != agreement.executed_sha256:
        raise StoredFileChanged(str(agreement.public_id))
    return data


def agreement_file_response(agreement: Agreement, *, request) -> HttpResponse:
    data = agreement_pdf(agreement)
    audit_record(
        action="dpa.downloaded",
        request=request,
        obj=agreement,
        organisation=agreement.organisation,
        details={"sha256": agreement.executed_sha256},
    )
    return file_response(data, filename=agreement.executed_filename, content_type="application/pdf")


class DownloadRefused(Exception):
    """The link was tampered with, or is not the person's, or its agreement is gone: recorded as
    a security event; the page answers 404 so that nothing about the agreement is revealed."""


def agreement_to_download(*, slug: str, token: str, user, request) -> Agreement:
    """The executed agreement a download link opens for `user`; the link is a bearer secret, so
    membership is checked again now. Raises SignatureExpired (the person gets a fresh link) or
    DownloadRefused."""
    try:
        public_id, owner = read_download_token(token)
    except SignatureExpired:
        raise  # a subclass of BadSignature, but not a tampered link
    except (BadSignature, ValueError):
        audit_record(
            action="authz.denied",
            request=request,
            object_type="dpa.agreement",
            details={"reason": "DPA download link tampered with"},
        )
        raise DownloadRefused from None
    agreement = (
        Agreement.objects.select_related("organisation", "version")
        .filter(public_id=public_id, organisation__slug=slug, status=Agreement.Status.EXECUTED)
        .first()
    )
    if agreement is None:
        raise DownloadRefused
    member = dpa_organisations_of(user).filter(pk=agreement.organisation_id)
    if owner != str(user.public_id) or not member.exists():
        audit_record(
            action="authz.denied",
            request=request,
            obj=agreement,
            organisation=agreement.organisation,
            details={"reason": "DPA download without access"},
        )
        raise DownloadRefused
    return agreement
