"""Uploads are checked by their bytes, not their names: empty, oversized, disguised and
encrypted files are refused with a clear message and nothing is stored."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from tests.documents.conftest import encrypted_pdf, make_pdf, upload
from trustcentre.audit.models import AuditEvent
from trustcentre.documents import services
from trustcentre.documents.models import AccessLevel, DocumentVersion

pytestmark = pytest.mark.django_db


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def document(make_document):
    return make_document(AccessLevel.NDA)


def refused(document, user, data, name):
    before = DocumentVersion.objects.count()
    with pytest.raises(ValidationError) as error:
        services.document_version_add(document=document, user=user, upload=upload(data, name))
    assert DocumentVersion.objects.count() == before
    return error.value.messages[0]


def test_a_file_that_is_not_what_its_name_says(document, trust_admin_user, private_storage):
    stored_before = list(private_storage.rglob("*"))
    message = refused(document, trust_admin_user, b"MZ\x90\x00 an executable", "report.pdf")
    assert "not what its name says" in message
    message = refused(document, trust_admin_user, make_pdf(), "report.docx")
    assert "not what its name says" in message
    assert list(private_storage.rglob("*")) == stored_before


def test_an_unknown_type_is_refused(document, trust_admin_user):
    assert "Only these file types" in refused(document, trust_admin_user, b"hello", "notes.txt")


def test_an_empty_file_is_refused(document, trust_admin_user):
    assert refused(document, trust_admin_user, b"", "report.pdf") == "The file is empty."


def test_an_oversized_file_is_refused(document, trust_admin_user, settings):
    settings.TRUST_UPLOAD_MAX_BYTES = 1024 * 1024
    data = make_pdf() + b"\n%" + b"x" * (1024 * 1024)
    assert "larger than the limit of 1 MB" in refused(document, trust_admin_user, data, "big.pdf")


def test_an_encrypted_pdf_is_refused_for_an_nda_document(document, trust_admin_user):
    assert "encrypted" in refused(document, trust_admin_user, encrypted_pdf(), "locked.pdf")


def test_an_encrypted_pdf_is_flagged_on_a_registered_document(make_document, client, prospect):
    from trustcentre.documents.views import download_url

    document = make_document(AccessLevel.REGISTERED, data=encrypted_pdf(), name="locked.pdf")
    version = document.current_version
    assert version.is_encrypted
    client.force_login(prospect)
    response = client.get(download_url(version, prospect))
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="document.downloaded").details["stamped"] is False


def test_an_office_document_is_accepted_and_versions_are_kept(document, trust_admin_user):
    first = document.current_version
    version = services.document_version_add(
        document=document, user=trust_admin_user, upload=upload(docx_bytes(), "Policy.docx")
    )
    assert version.number == 2
    assert version.content_type.endswith("wordprocessingml.document")
    document.refresh_from_db()
    assert document.current_version == version
    assert list(document.versions.order_by("number")) == [first, version]
    event = AuditEvent.objects.filter(action="document.version_published").order_by("seq").last()
    assert event.details["sha256"] == version.sha256


def test_a_staff_upload_with_a_bad_file_shows_the_error(client, legal_user, document):
    from tests.conftest import login_with_second_factor

    login_with_second_factor(client, legal_user)
    response = client.post(
        f"/staff/documents/{document.public_id}/",
        {"file": upload(b"not a pdf", "report.pdf"), "notes": ""},
    )
    assert response.status_code == 200
    assert "not what its name says" in response.content.decode()
    assert document.versions.count() == 1
