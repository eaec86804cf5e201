"""PDFs with scripts: a document version with JavaScript is refused for publication, at every
access level; a customer's countersigned NDA with scripts or encryption is kept (it is their
signed copy) but marked for legal, who sees why before approving."""

import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from tests.conftest import login_with_second_factor
from tests.documents.conftest import encrypted_pdf, make_pdf, upload
from trustcentre.documents import services
from trustcentre.documents.models import AccessLevel, DocumentVersion, NdaAcceptance

pytestmark = pytest.mark.django_db


def pdf_with_document_script() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_open_action(JavaScript("app.alert('hello');"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_a_script_run_on_opening() -> bytes:
    """No document-level script: an OpenAction of type JavaScript on the catalogue."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("level", [AccessLevel.PUBLIC, AccessLevel.REGISTERED, AccessLevel.NDA])
@pytest.mark.parametrize("data", [pdf_with_document_script(), pdf_with_a_script_run_on_opening()])
def test_a_pdf_with_javascript_is_refused_for_publication(
    make_document, trust_admin_user, level, data
):
    document = make_document(level)
    before = DocumentVersion.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.document_version_add(
            document=document, user=trust_admin_user, upload=upload(data, "report.pdf")
        )
    assert "contains JavaScript" in refused.value.messages[0]
    assert DocumentVersion.objects.count() == before


def test_a_plain_pdf_is_still_published(make_document, trust_admin_user):
    document = make_document(AccessLevel.NDA)
    version = services.document_version_add(
        document=document, user=trust_admin_user, upload=upload(make_pdf(2, "Report"), "r.pdf")
    )
    assert version.number >= 1


@pytest.mark.parametrize(
    ("data", "flag", "text"),
    [
        (pdf_with_document_script(), "javascript", "contains JavaScript"),
        (encrypted_pdf(), "encrypted", "is encrypted"),
    ],
)
def test_a_countersigned_nda_with_scripts_or_encryption_is_kept_and_marked_for_legal(
    client, prospect, legal_user, nda_version, data, flag, text
):
    client.force_login(prospect)
    response = client.post(
        "/portal/nda/upload/",
        {
            "signer_name": "Pat",
            "signer_title": "CISO",
            "company": "Initech",
            "file": upload(data, "nda.pdf"),
        },
    )
    assert response.status_code == 302
    acceptance = NdaAcceptance.objects.get()
    assert acceptance.status == NdaAcceptance.Status.PENDING
    assert acceptance.review_flags == [flag]

    login_with_second_factor(client, legal_user)
    listing = client.get("/staff/access-requests/").content.decode()
    assert "check the file" in listing
    page = client.get(f"/staff/nda-uploads/{acceptance.public_id}/").content.decode()
    assert "Check this file before approving it." in page
    assert text in page


def test_a_plain_countersigned_nda_carries_no_mark(client, prospect, nda_version):
    client.force_login(prospect)
    client.post(
        "/portal/nda/upload/",
        {
            "signer_name": "Pat",
            "signer_title": "CISO",
            "company": "Initech",
            "file": upload(make_pdf(1, "Signed NDA"), "nda.pdf"),
        },
    )
    assert NdaAcceptance.objects.get().review_flags == []
