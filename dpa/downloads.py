"""Downloading an executed agreement: a signed, expiring, single-purpose link bound to the
person it was made for; the view re-checks their access, the bytes are checked against the
stored SHA-256, and the delivery is audited."""

import hashlib

from django.conf import settings
from django.http import HttpResponse

from dpa.models import Agreement
from trustcentre.audit.services import audit_record
from trustcentre.lib.files import file_response, read_private
from trustcentre.lib.signed_links import make_signed_token, read_signed_token

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
