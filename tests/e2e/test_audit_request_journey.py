"""The audit request journey in a browser: the customer's admin, from the portal home, asks for
an audit (an empty scope is refused with a clear message), sees the due date; legal finds it in
the queue from the staff home, takes it into review, answers with a PDF and schedules the audit;
the admin follows the email's link, accepts the NDA, downloads the stamped PDF and replies in the
thread; legal closes the request, and both pages show it closed with its due date."""

import datetime
import io
import re
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from dpa.audits.deadlines import answer_due_on
from dpa.audits.models import AuditRequest
from tests.conftest import PASSWORD, make_user
from tests.documents.conftest import make_pdf
from tests.e2e.conftest import sign_in_with_code, sign_out
from trustcentre.audit.models import AuditEvent
from trustcentre.documents import services as document_services
from trustcentre.lib.moments import format_day

pytestmark = pytest.mark.e2e

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }


def test_request_answer_schedule_and_close(page, admin_a, org_a, private_storage, tmp_path):
    lena = make_user("lena@provider.test", roles=["legal"], full_name="Lena Legal")
    nda_version = document_services.nda_version_publish(
        user=None, title="Mutual NDA", text="1. Keep it secret."
    )
    main = page.locator("main")

    # The customer's admin asks from the portal.
    sign_in_with_code(page, admin_a, PASSWORD)
    page.goto("/portal/")
    main.get_by_role("link", name="Audits and information requests").click()
    main.get_by_role("link", name="New request").click()
    expect(main).to_contain_text("Your DPA gives us 30 days to answer")
    main.get_by_label("Audit (including an inspection)").check()
    main.get_by_label("Questions").fill("Who can reach production data?")
    main.get_by_role("button", name="Send the request").click()
    expect(main).to_contain_text("Describe the scope")
    assert not AuditRequest.objects.exists()
    main.get_by_label("Scope").fill("Hosting of the analytics service in the EU region.")
    main.get_by_label("Auditor").fill("Audit & Co GmbH")
    main.get_by_role("button", name="Send the request").click()
    audit_request = AuditRequest.objects.get()
    due = format_day(answer_due_on(received_at=audit_request.received_at, days=30))
    expect(main.get_by_role("status")).to_contain_text(
        f"Request {audit_request.reference} received. We answer by {due}."
    )
    expect(main.locator(".page-header")).to_contain_text(f"Due by {due}")
    sign_out(page)

    # Legal finds it in the queue, takes it into review, answers and schedules the audit.
    sign_in_with_code(page, lena, PASSWORD)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    main.get_by_role("link", name="Audit and information requests").click()
    row = main.get_by_role("row").filter(has_text=audit_request.reference)
    expect(row).to_contain_text("Received")
    expect(row).to_contain_text(due)
    row.get_by_role("link", name=audit_request.reference).click()
    main.get_by_role("button", name="Take into review").click()
    expect(main.get_by_role("status")).to_contain_text("The request is in review.")
    pdf = tmp_path / "iso-report.pdf"
    pdf.write_bytes(make_pdf(2, "Audit report"))
    main.get_by_role("textbox", name="Answer:").fill("Our ISO 27001 report is attached.")
    main.get_by_label("Documents (PDF)").set_input_files(str(pdf))
    main.get_by_role("button", name="Send the answer").click()
    expect(main.get_by_role("status")).to_contain_text("The answer is sent")
    starts = timezone.now().astimezone(BERLIN).replace(hour=9, minute=0) + datetime.timedelta(
        days=40
    )
    main.get_by_label("Audit starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    main.get_by_label("Audit ends").fill(
        (starts + datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")
    )
    main.get_by_label("Arrangements").fill("On site in Berlin; bring ID.")
    main.get_by_role("button", name="Schedule and tell the customer").click()
    expect(main.get_by_role("status")).to_contain_text("The audit is scheduled")
    expect(main.locator(".page-header")).to_contain_text("Audit scheduled")
    sign_out(page)

    # The admin follows the email's link; the document needs the NDA, then comes stamped.
    (email,) = [m for m in mail.outbox if m.to == [admin_a.email] and "answer" in m.subject]
    link = re.search(r"https?://\S+(/portal/audits/[0-9a-f-]+/)", email.body).group(1)
    sign_in_with_code(page, admin_a, PASSWORD)
    page.goto(link)
    expect(main).to_contain_text("Our ISO 27001 report is attached.")
    expect(main).to_contain_text("Accept our NDA to download them")
    expect(main.get_by_role("link", name="iso-report.pdf")).to_have_count(0)
    document_services.nda_accept(
        user=admin_a,
        nda_version=nda_version,
        signer_name="Ada Admin",
        signer_title="CISO",
        company="Acme",
    )
    page.reload()
    with page.expect_download() as download_info:
        main.get_by_role("link", name="iso-report.pdf").click()
    stamped = PdfReader(io.BytesIO(download_info.value.path().read_bytes()))
    assert all("downloaded by admin@acme.test" in p.extract_text() for p in stamped.pages)
    main.get_by_role("textbox", name="Message:").fill("Thank you, see you on site.")
    main.get_by_role("button", name="Send the message").click()
    expect(main.get_by_role("status")).to_contain_text("Your message is sent.")
    expect(main.locator("#thread")).to_contain_text("Thank you, see you on site.")
    sign_out(page)

    # Legal closes it; both sides see it closed, answered in time.
    sign_in_with_code(page, lena, PASSWORD)
    page.goto(f"/staff/audits/{audit_request.public_id}/")
    expect(main.locator("#thread")).to_contain_text("Thank you, see you on site.")
    main.get_by_label("Closing note").fill("Audit arranged; report to follow.")
    main.get_by_role("button", name="Close the request").click()
    expect(main.get_by_role("status")).to_contain_text("The request is closed.")
    expect(main.locator(".page-header")).to_contain_text("Closed")
    expect(main.locator(".page-header")).to_contain_text(f"Answered in time: due by {due}")
    page.goto("/staff/audits/?status=closed")
    expect(main.get_by_role("row").filter(has_text=audit_request.reference)).to_contain_text(
        "Closed"
    )
    sign_out(page)

    assert list(
        AuditEvent.objects.filter(object_id=str(audit_request.public_id))
        .exclude(action="authz.denied")
        .order_by("seq")
        .values_list("action", flat=True)
    ) == [
        "audit_request.submitted",
        "audit_request.triaged",
        "audit_request.answered",
        "audit_request.scheduled",
        "audit_request.document_downloaded",
        "audit_request.message_sent",
        "audit_request.closed",
    ]
    subjects = [m.subject for m in mail.outbox if m.to == [admin_a.email]]
    assert len(subjects) == len(set(subjects)) == 5
    assert any(m.to == [lena.email] and "Thank you" in m.body for m in mail.outbox)
