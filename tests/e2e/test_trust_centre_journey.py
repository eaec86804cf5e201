"""The trust centre end to end: a prospect signs up and confirms the email address, asks for a
document under NDA, accepts the NDA; legal signs in with the second factor and approves the
request in /staff/; the prospect downloads the PDF, whose every page carries the stamp."""

import io
import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.conftest import PASSWORD, make_user
from tests.documents.conftest import make_pdf, upload
from tests.e2e.conftest import main_nav_link, sign_in, sign_out
from trustcentre.documents import services
from trustcentre.documents.models import AccessRequest, DocumentCategory, DocumentEvent
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.e2e

PROSPECT = "nora@newco.test"
NEW_PASSWORD = "a long and unusual passphrase 42"


@pytest.fixture
def library(db, settings, tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private), "base_url": None},
        },
    }
    trust = make_user("tess@provider.test", roles=["trust_admin"])
    category = DocumentCategory.objects.create(name="Audit reports", slug="reports")
    document = services.document_create(
        user=trust,
        title="Penetration test summary",
        description="Findings of the 2026 test.",
        category=category,
        access_level="nda",
    )
    services.document_version_add(
        document=document, user=trust, upload=upload(make_pdf(3, "Pen test findings"), "pt.pdf")
    )
    services.nda_version_publish(user=trust, title="Mutual NDA", text="1. Keep it secret.")
    return document


@pytest.fixture
def legal():
    user = make_user("lena@provider.test", roles=["legal"], full_name="Lena Legal")
    key = bytes(range(20))
    TOTPDevice.objects.create(user=user, name="Phone", key=key.hex(), confirmed=True)
    return user, key


def test_prospect_gets_a_stamped_nda_document(page, library, legal):
    main = page.locator("main")

    # Sign up and confirm the address with the link from the email.
    page.goto("/")
    page.locator("header").get_by_role("link", name="Create account").click()
    main.get_by_label("Email").fill(PROSPECT)
    main.get_by_label(re.compile(r"^Password:?$")).fill(NEW_PASSWORD)
    main.get_by_label("Password (again)").fill(NEW_PASSWORD)
    main.get_by_role("button", name="Create account").click()
    mail = OutboxMessage.objects.get(to_email=PROSPECT)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.body_text).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    main.get_by_role("button", name="Confirm").click()
    sign_in(page, PROSPECT, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/portal/$"))

    # Find the document and ask for it.
    main_nav_link(page, "Documents").click()
    main.get_by_role("link", name="Penetration test summary").click()
    main.get_by_role("link", name="Request access").click()
    expect(main.get_by_label("Penetration test summary")).to_be_checked()
    main.get_by_label("Company").fill("NewCo Ltd")
    main.get_by_label("Why do you need them?").fill("Vendor security review before signing.")
    main.get_by_role("button", name="Send the request").click()
    expect(page).to_have_url(re.compile(r"/portal/access-requests/$"))
    expect(main.get_by_role("table")).to_contain_text("Waiting for review")
    assert AccessRequest.objects.get().rule == "manual"

    # Accept the NDA (a receipt follows).
    main.get_by_role("link", name="Read and accept the NDA").click()
    expect(main).to_contain_text("Keep it secret.")
    main.get_by_label("Full name").fill("Nora Newco")
    main.get_by_label("Job title").fill("Head of Security")
    main.get_by_role("textbox", name="Company").fill("NewCo Ltd")
    main.get_by_label("I have read this agreement").check()
    main.get_by_role("button", name="Accept the NDA").click()
    expect(main.get_by_role("heading", name="Your NDA")).to_be_visible()
    expect(main).to_contain_text("Accepted")
    sign_out(page)

    # Legal signs in with the second factor and approves.
    user, key = legal
    sign_in(page, user.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/verify/"))
    main.get_by_label("Code").fill(f"{totp(key, step=30):06d}")
    main.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    main.get_by_role("link", name="Access requests").click()
    row = main.get_by_role("row", name=re.compile(PROSPECT))
    expect(row).to_contain_text("Manual review")
    row.get_by_role("link").first.click()
    expect(main).to_contain_text("Vendor security review before signing.")
    main.get_by_label("Grant length").select_option(label="180 days")
    main.get_by_role("button", name="Approve and grant access").click()
    expect(main.get_by_role("status")).to_contain_text("Approved")
    sign_out(page)

    # The prospect downloads the PDF, stamped on every page.
    sign_in(page, PROSPECT, NEW_PASSWORD)
    page.goto("/documents/")
    expect(main.get_by_role("row", name=re.compile("Penetration test summary"))).to_contain_text(
        "Available"
    )
    main.get_by_role("link", name="Penetration test summary").click()
    with page.expect_download() as download_info:
        main.get_by_role("link", name="Download version 1").click()
    download = download_info.value
    assert download.suggested_filename == "penetration-test-summary-v1.pdf"
    pdf = PdfReader(io.BytesIO(open(download.path(), "rb").read()))
    event = DocumentEvent.objects.get(kind="download")
    assert len(pdf.pages) == 3
    today = timezone.now().strftime("%Y-%m-%d")
    for number, pdf_page in enumerate(pdf.pages, start=1):
        text = pdf_page.extract_text()
        assert f"Pen test findings, page {number}" in text
        assert PROSPECT in text
        assert "NewCo Ltd" in text
        assert today in text
        assert str(event.public_id) in text
    assert event.user.email == PROSPECT
