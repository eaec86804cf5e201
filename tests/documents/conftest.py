"""Fixtures of the trust-centre document tests: private storage in a temp folder, real PDFs made
with WeasyPrint, documents at each access level, an NDA, and people in each situation."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from tests.conftest import add_member, make_organisation, make_user
from tests.dpa.factories import give_dpa
from trustcentre.accounts.models import Organisation
from trustcentre.documents import services
from trustcentre.documents.models import AccessLevel, DocumentCategory


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private), "base_url": None},
        },
    }
    settings.TRUST_DENY_DOMAINS = ["blocked.test"]
    settings.TRUST_ALLOW_DOMAINS = ["partner.test"]
    settings.TRUST_FREE_MAIL_DOMAINS = ["freemail.test"]
    return private


_PDF_CACHE = {}


def make_pdf(pages: int = 2, text: str = "Confidential report") -> bytes:
    key = (pages, text)
    if key not in _PDF_CACHE:
        from weasyprint import HTML

        body = "".join(
            f"<p style='page-break-after:always'>{text}, page {n + 1}</p>" for n in range(pages)
        )
        _PDF_CACHE[key] = HTML(string=f"<html><body>{body}</body></html>").write_pdf()
    return _PDF_CACHE[key]


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(data: bytes, name: str = "report.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def category(db):
    return DocumentCategory.objects.create(name="Reports", slug="reports")


@pytest.fixture
def make_document(category, trust_admin_user):
    def make(level=AccessLevel.NDA, title=None, data=None, name="report.pdf"):
        document = services.document_create(
            user=trust_admin_user,
            title=title or f"{level} document",
            description="A document for the tests.",
            category=category,
            access_level=level,
        )
        services.document_version_add(
            document=document, user=trust_admin_user, upload=upload(data or make_pdf(), name)
        )
        document.refresh_from_db()
        return document

    return make


@pytest.fixture
def documents(make_document):
    return {level: make_document(level) for level in AccessLevel.values}


@pytest.fixture
def nda_version(db):
    return services.nda_version_publish(
        user=None, title="Mutual NDA", text="1. Keep it secret.\n2. Keep it safe."
    )


@pytest.fixture
def prospect(prospect_org):
    user = make_user("pat@initech.test", full_name="Pat Prospect")
    add_member(user, prospect_org)
    return user


@pytest.fixture
def customer_user(db):
    organisation = make_organisation("umbrella", kind=Organisation.Kind.CUSTOMER)
    give_dpa(organisation)  # the customer rule needs a DPA in force
    user = make_user("cara@umbrella.test", full_name="Cara Customer")
    add_member(user, organisation)
    return user


def accept_nda(user, nda_version, *, accepted_at=None):
    acceptance = services.nda_accept(
        user=user,
        nda_version=nda_version,
        signer_name="Pat Prospect",
        signer_title="CISO",
        company="Initech",
    )
    if accepted_at is not None:
        acceptance.accepted_at = accepted_at
        acceptance.expires_at = services.nda_expiry(accepted_at)
        acceptance.save()
    return acceptance


def grant_access(user, documents, legal_user, *, term_days=90):
    access_request = services.access_request_create(
        user=user, documents=documents, company="Initech", reason="Vendor review"
    )
    if access_request.status == "pending":
        services.access_request_approve(
            access_request=access_request, user=legal_user, term_days=term_days
        )
    access_request.refresh_from_db()
    return access_request.grant


def long_ago(days=400):
    return timezone.now() - datetime.timedelta(days=days)
