"""Rendering a PDF never reaches out: an address in the HTML is not fetched, a file outside the
project is not read, while inline images still render."""

import base64
import http.server
import io
import threading

import pytest
from pypdf import PdfReader

from trustcentre.lib.pdf import html_to_pdf

# A 1×1 red PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


@pytest.fixture
def listener():
    """A local web server that records every request it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PIXEL)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


def images_in(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_an_address_in_the_html_is_not_fetched(listener, tmp_path):
    port, hits = listener
    outside = tmp_path / "secret.png"
    outside.write_bytes(PIXEL)
    pdf = html_to_pdf(
        "<p>Sub-processor list</p>"
        f'<img src="http://127.0.0.1:{port}/internal-metadata">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">'
        f'<img src="file://{outside}">'
    )
    assert pdf.startswith(b"%PDF")
    assert hits == []
    assert images_in(pdf) == 0
    assert "Sub-processor list" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_inline_images_still_render():
    inline = "data:image/png;base64," + base64.b64encode(PIXEL).decode()
    assert images_in(html_to_pdf(f'<img src="{inline}" style="width:2cm">')) == 1
