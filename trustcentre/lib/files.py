"""Private files: what an upload really is (by its bytes, not its name), where it is kept
(private storage, under a key the server chooses), and the headers every file the portal hands
out carries, so a file is never cached, rendered as a page of the site, sniffed or referred from."""

import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseBase
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


def private_file(response: HttpResponseBase) -> HttpResponseBase:
    """Never cached, sniffed, rendered as a page of the site (sandboxed) or referred from.
    For file responses only: under no-referrer, browsers send "Origin: null" with a form's
    POST and CSRF protection rightly refuses it, so pages with a form must not use it."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def file_response(
    data: bytes, *, filename: str, content_type: str, inline: bool = False
) -> HttpResponse:
    """The bytes as a private file: an attachment, or shown in the browser when `inline`."""
    response = HttpResponse(data, content_type=content_type)
    safe = get_valid_filename(filename) or "document"
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{safe}"'
    response["Content-Length"] = str(len(data))
    return private_file(response)


# extension -> (content type, family); the family is what the bytes must show.
FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "ooxml",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml"),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ooxml",
    ),
    "odt": ("application/vnd.oasis.opendocument.text", "odf"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "odf"),
    "doc": ("application/msword", "ole"),
    "xls": ("application/vnd.ms-excel", "ole"),
}
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass
class CheckedFile:
    data: bytes
    filename: str
    content_type: str
    sha256: str
    is_encrypted: bool
    has_javascript: bool = False


def _family_of(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "[Content_Types].xml" in names:
                    return "ooxml"
                if "mimetype" in names and archive.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument"
                ):
                    return "odf"
        except zipfile.BadZipFile:
            return None
    return None


# PDF names that carry or start JavaScript (ISO 32000-1, 12.6.4.16): a JavaScript action, its
# script, and the document-level name tree of scripts.
JAVASCRIPT_TOKENS = (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/JS/", b"/JS\n", b"/JS\r")


def pdf_has_javascript(reader: PdfReader) -> bool:
    """Whether any object reachable from the document's trailer is a JavaScript action or
    script (in compressed object streams too, which a byte search cannot see)."""
    seen: set[tuple[int, int]] = set()
    pending = [reader.trailer]
    while pending:
        value = pending.pop()
        if isinstance(value, IndirectObject):
            key = (value.idnum, value.generation)
            if key in seen:
                continue
            seen.add(key)
            value = value.get_object()
        if isinstance(value, DictionaryObject):
            if "/JS" in value or value.get("/S") == "/JavaScript" or "/JavaScript" in value:
                return True
            pending.extend(value.values())
        elif isinstance(value, ArrayObject):
            pending.extend(value)
    return False


def check_upload(upload, *, pdf_only: bool = False) -> CheckedFile:
    """The upload's bytes, checked: not empty, not over the size limit, and of the type its
    name says (by content). Raises ValidationError with a message for the person."""
    limit = settings.TRUST_UPLOAD_MAX_BYTES
    if upload is None or not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is larger than the limit of %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            code="too_large",
        )
    data = upload.read()
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    name = get_valid_filename(upload.name or "document")[:150] or "document"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = {"pdf"} if pdf_only else set(FORMATS)
    if extension not in allowed:
        raise ValidationError(
            _("Only these file types are accepted: %(types)s.")
            % {"types": ", ".join(sorted(allowed))},
            code="file_type",
        )
    content_type, family = FORMATS[extension]
    if _family_of(data) != family:
        raise ValidationError(
            _("The file is not what its name says: %(name)s is not a real .%(ext)s file.")
            % {"name": name, "ext": extension},
            code="content_mismatch",
        )
    is_encrypted = has_javascript = False
    if family == "pdf":
        try:
            reader = PdfReader(io.BytesIO(data))
            is_encrypted = reader.is_encrypted
            if not is_encrypted:
                len(reader.pages)
                has_javascript = pdf_has_javascript(reader)
        except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as error:
            raise ValidationError(
                _("The PDF cannot be read; it may be damaged."), code="bad_pdf"
            ) from error
        # Where the objects cannot be walked (encrypted), the raw names still tell.
        has_javascript = has_javascript or any(token in data for token in JAVASCRIPT_TOKENS)
    return CheckedFile(
        data=data,
        filename=name,
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        is_encrypted=is_encrypted,
        has_javascript=has_javascript,
    )


def store_private(data: bytes, folder: str) -> str:
    """Save under a server-chosen key in private storage (never under a static or media URL)."""
    return default_storage.save(f"{folder}/{uuid.uuid4()}", ContentFile(data))


def read_private(storage_name: str) -> bytes:
    with default_storage.open(storage_name, "rb") as handle:
        return handle.read()
