"""Files of the trust centre: what an upload really is (by its bytes, not its name), where it
is kept (private storage, under a key the server chooses), and the stamp put on every page of a
gated PDF at download time."""

import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    RectangleObject,
)

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


def _pdf_text(value: str) -> str:
    """A PDF literal string: Helvetica speaks Latin-1; brackets and backslashes escaped."""
    text = value.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _stamp_page(writer: PdfWriter, box: RectangleObject, lines: list[str]):
    """A page of the given size carrying the stamp text along its bottom edge."""
    page = writer.add_blank_page(width=float(box.width), height=float(box.height))
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/TcStamp"): font})}
    )
    x, y = float(box.left) + 24, float(box.bottom) + 12 + 10 * (len(lines) - 1)
    commands = ["q", "0.75 0.1 0.1 rg", "BT", "/TcStamp 7 Tf", f"{x:.1f} {y:.1f} Td", "10 TL"]
    for line in lines:
        commands.append(f"({_pdf_text(line)}) Tj T*")
    commands += ["ET", "Q"]
    stream = DecodedStreamObject()
    stream.set_data("\n".join(commands).encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    return page


def stamp_pdf(data: bytes, lines: list[str]) -> bytes:
    """The PDF with `lines` drawn at the foot of every page; the original bytes are untouched."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    scratch = PdfWriter()
    for source in reader.pages:
        page = writer.add_page(source)
        stamp = _stamp_page(scratch, page.mediabox, lines)
        page.merge_page(stamp)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
