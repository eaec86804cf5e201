"""The stamp put on every page of a gated PDF at download time (uploads are checked and kept by
trustcentre.lib.files)."""

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    RectangleObject,
)


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
