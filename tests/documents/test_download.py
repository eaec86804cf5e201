"""The download view: the signed link is bound to one person and expires; a tampered, expired,
borrowed or revoked link serves no bytes and, where it is a security matter, leaves an audit
event. Gated PDFs are stamped on every page; the SHA-256 delivered is in the audit event."""

import hashlib
import io
import time

import pytest
from django.core import signing
from pypdf import PdfReader

from tests.conftest import make_user
from tests.documents.conftest import accept_nda, grant_access
from trustcentre.audit.models import AuditEvent
from trustcentre.documents import services
from trustcentre.documents.models import DocumentEvent
from trustcentre.documents.views import download_url
from trustcentre.lib.files import read_private

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(client, prospect, nda_version, legal_user, documents):
    grant_access(prospect, [documents["nda"]], legal_user)
    accept_nda(prospect, nda_version)
    client.force_login(prospect)
    return prospect


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_a_gated_pdf_is_stamped_on_every_page_and_logged(client, holder, documents):
    document = documents["nda"]
    response = client.get(download_url(document.current_version, holder))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Named after the document and its version, not the name the file was uploaded under.
    assert response["Content-Disposition"] == 'attachment; filename="nda-document-v1.pdf"'
    event = DocumentEvent.objects.get(kind="download")
    texts = page_texts(response.content)
    assert len(texts) == 2
    for text in texts:
        assert "pat@initech.test" in text
        assert "Initech" in text
        assert str(event.public_id) in text
    delivered = hashlib.sha256(response.content).hexdigest()
    assert event.sha256 == delivered
    audit = AuditEvent.objects.get(action="document.downloaded")
    assert audit.details["sha256"] == delivered
    assert audit.details["download"] == str(event.public_id)
    assert audit.details["stamped"] is True
    # The stored original is untouched: its hash is still the published one.
    original = read_private(document.current_version.storage_name)
    assert hashlib.sha256(original).hexdigest() == document.current_version.sha256


def test_two_viewers_get_different_stamps_and_hashes(
    client, holder, documents, legal_user, nda_version, prospect_org
):
    from tests.conftest import add_member

    first = client.get(download_url(documents["nda"].current_version, holder)).content
    other = make_user("olga@initech.test")
    add_member(other, prospect_org)
    grant_access(other, [documents["nda"]], legal_user)
    accept_nda(other, nda_version)
    client.force_login(other)
    second = client.get(download_url(documents["nda"].current_version, other)).content
    assert hashlib.sha256(first).digest() != hashlib.sha256(second).digest()
    assert all("olga@initech.test" in text for text in page_texts(second))
    hashes = {e.details["sha256"] for e in AuditEvent.objects.filter(action="document.downloaded")}
    assert hashes == {hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest()}


def test_a_public_pdf_is_served_as_published(client, documents):
    version = documents["public"].current_version
    response = client.get(download_url(version, client.get("/").wsgi_request.user))
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == version.sha256


def test_a_tampered_link_is_404_and_logged(client, holder, documents):
    url = download_url(documents["nda"].current_version, holder)
    token = url.rstrip("/").rsplit("/", 1)[-1]
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.get(f"/documents/download/{flipped}/")
    assert response.status_code == 404
    assert b"%PDF" not in response.content
    assert AuditEvent.objects.filter(action="authz.denied").count() == 1
    assert not DocumentEvent.objects.filter(kind="download").exists()


def test_a_token_made_for_another_purpose_opens_nothing(client, holder, documents):
    from trustcentre.lib.signed_links import make_signed_token

    version = documents["nda"].current_version
    token = make_signed_token("export-download", f"{version.public_id}:{holder.public_id}")
    assert client.get(f"/documents/download/{token}/").status_code == 404


def test_an_expired_link_is_410(client, holder, documents, monkeypatch, settings):
    settings.TRUST_DOWNLOAD_LINK_MAX_AGE = 600
    made_at = time.time() - 601
    monkeypatch.setattr(signing.time, "time", lambda: made_at)
    url = download_url(documents["nda"].current_version, holder)
    monkeypatch.undo()
    response = client.get(url)
    assert response.status_code == 410
    assert b"has expired" in response.content
    assert not DocumentEvent.objects.filter(kind="download").exists()


def test_a_link_used_by_another_user_is_403_and_logged(client, holder, documents, member_a):
    url = download_url(documents["nda"].current_version, holder)
    client.force_login(member_a)
    response = client.get(url)
    assert response.status_code == 403
    assert b"made for someone else" in response.content
    denied = AuditEvent.objects.get(action="authz.denied")
    assert denied.actor == member_a


def test_a_link_opened_after_the_grant_was_revoked_is_refused(
    client, holder, documents, legal_user
):
    url = download_url(documents["nda"].current_version, holder)
    grant = holder.access_grants.get()
    services.grant_revoke(grant=grant, user=legal_user, reason="Deal lost")
    response = client.get(url)
    assert response.status_code == 403
    assert b"%PDF" not in response.content
    denied = AuditEvent.objects.get(action="authz.denied")
    assert denied.details["reason"] == "grant"


def test_an_unknown_version_is_404(client, holder):
    from trustcentre.lib.signed_links import make_signed_token

    token = make_signed_token(
        "document-download", f"00000000-0000-0000-0000-000000000000:{holder.public_id}"
    )
    assert client.get(f"/documents/download/{token}/").status_code == 404


def test_a_view_of_the_document_page_is_logged(client, holder, documents):
    client.get(f"/documents/{documents['nda'].public_id}/")
    event = DocumentEvent.objects.get(kind="view")
    assert (event.document, event.user) == (documents["nda"], holder)


def test_no_file_is_reachable_under_a_static_or_media_url(client, documents, settings):
    version = documents["nda"].current_version
    assert settings.STORAGES["default"]["OPTIONS"]["base_url"] is None
    for prefix in ("/static/", "/media/"):
        assert client.get(prefix + version.storage_name).status_code == 404
