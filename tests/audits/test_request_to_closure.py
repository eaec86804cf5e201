"""An audit request from request to closure, through the pages: the customer's admin asks, the
due date follows from the DPA's answer period; legal triages, answers with a PDF shared under
the NDA, schedules the audit and closes; both sides write in the thread. Each step is in the
audit log and emailed (text and HTML) once per recipient."""

import datetime
import io
import re
import zoneinfo

from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from dpa.audits.models import AuditDocument, AuditRequest
from dpa.models import Agreement
from tests.audits.conftest import accept_nda, make_pdf, upload
from tests.conftest import login_with_second_factor, sign_in_with_password_and_code
from tests.dpa.factories import give_dpa
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage
from trustcentre.notifications.services import message_deliver

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# Wednesday 4 November 2026, 21:30 in Berlin: the period counts from Thursday 5 November.
RECEIVED = datetime.datetime(2026, 11, 4, 21, 30, tzinfo=BERLIN)


def emails_to(address) -> list[OutboxMessage]:
    """The emails written for `address`, in order: each is what the outbox sends and what the
    portal's message list shows."""
    return list(OutboxMessage.objects.filter(to_email=address).order_by("pk"))


def traveller(time_machine, *pairs):
    """Moves the clock, and signs the people in again as they would after days away (their
    sessions' lifetimes are measured on the same clock)."""

    def travel(moment):
        time_machine.move_to(moment)
        for client, user in pairs:
            if user.needs_second_factor:
                login_with_second_factor(client, user)
            else:
                sign_in_with_password_and_code(client, user)

    return travel


def test_an_audit_request_runs_from_request_to_closure(
    admin_client, legal_client, admin_a, lena, org_a, nda_version, time_machine
):
    agreement = give_dpa(org_a)
    Agreement.objects.filter(pk=agreement.pk).update(audit_answer_days=21)
    travel = traveller(time_machine, (admin_client, admin_a), (legal_client, lena))
    travel(RECEIVED)

    # The customer's admin asks, from the portal.
    page = admin_client.get(reverse("audits_portal:request_new", args=["acme"]))
    assert "Your DPA gives us 21 days to answer" in page.content.decode()
    response = admin_client.post(
        reverse("audits_portal:request_new", args=["acme"]),
        {
            "kind": "audit",
            "scope": "Hosting of the analytics service in the EU region.",
            "questions": "Who can reach production data?",
            "preferred_dates": "Any week in January",
            "auditor": "Audit & Co GmbH",
        },
    )
    audit_request = AuditRequest.objects.get()
    assert response.status_code == 302
    # 4 November + 21 days = Wednesday 25 November 2026.
    assert audit_request.due_on == datetime.date(2026, 11, 25)
    assert audit_request.answer_days == 21
    assert audit_request.status == "received"
    page = admin_client.get(response["Location"]).content.decode()
    assert f"Request {audit_request.reference} received. We answer by 25 Nov 2026." in page
    assert "Due by 25 Nov 2026" in page
    assert "Audit &amp; Co GmbH" in page

    (receipt,) = emails_to(admin_a.email)
    assert audit_request.reference in receipt.subject
    assert "Due by: 25 Nov 2026" in receipt.body_text
    assert "Due by:" in receipt.body_html
    (to_legal,) = emails_to(lena.email)
    assert "due by 25 Nov 2026" in to_legal.subject
    assert "Hosting of the analytics service" in to_legal.body_text

    # Legal's queue shows it with its status and due date.
    queue = legal_client.get(reverse("audits_staff:request_list")).content.decode()
    assert audit_request.reference in queue
    assert "25 Nov 2026" in queue
    assert "Received" in queue

    detail_url = reverse("audits_staff:request_detail", args=[audit_request.public_id])
    travel(RECEIVED + datetime.timedelta(days=2))
    legal_client.post(
        reverse("audits_staff:request_triage", args=[audit_request.public_id]),
        {"assignee": lena.pk},
    )
    audit_request.refresh_from_db()
    assert audit_request.status == "in_review"
    assert audit_request.assignee == lena
    assert "is in review" in emails_to(admin_a.email)[-1].subject

    # The customer asks something in the thread; legal is told.
    admin_client.post(
        reverse("audits_portal:message_post", args=[audit_request.public_id]),
        {"body": "Can the auditor come on site?"},
    )
    assert "Can the auditor come on site?" in emails_to(lena.email)[-1].body_text

    # Legal answers with a PDF and schedules the audit, within the period.
    travel(RECEIVED + datetime.timedelta(days=10))
    legal_client.post(
        reverse("audits_staff:request_answer", args=[audit_request.public_id]),
        {
            "body": "Here is our ISO 27001 report; on site is possible.",
            "documents": [upload(make_pdf(2, "Audit report"), "iso-report.pdf")],
        },
    )
    audit_request.refresh_from_db()
    assert audit_request.status == "answered"
    answer_email = emails_to(admin_a.email)[-1]
    assert "Our answer to your request" in answer_email.subject
    assert "iso-report.pdf" in answer_email.body_text
    assert "iso-report.pdf" in answer_email.body_html

    starts = datetime.datetime(2027, 1, 12, 9, 0, tzinfo=BERLIN)
    response = legal_client.post(
        reverse("audits_staff:request_schedule", args=[audit_request.public_id]),
        {
            "starts_at": "2027-01-12T09:00",
            "ends_at": "2027-01-13T17:00",
            "arrangements": "On site in Berlin; bring ID.",
        },
    )
    assert response.status_code == 302
    audit_request.refresh_from_db()
    assert audit_request.status == "scheduled"
    assert audit_request.scheduled_start == starts
    assert "12 Jan 2027, 09:00 CET" in emails_to(admin_a.email)[-1].body_text

    # The customer reads the answer; the document needs the NDA, then comes stamped.
    portal_url = reverse("audits_portal:request_detail", args=[audit_request.public_id])
    page = admin_client.get(portal_url).content.decode()
    assert "Here is our ISO 27001 report" in page
    assert "Accept our NDA to download them" in page
    assert "/portal/audits/download/" not in page
    accept_nda(admin_a, nda_version)
    page = admin_client.get(portal_url).content.decode()
    link = re.search(r'href="(/portal/audits/download/[^"]+)"', page).group(1)
    download = admin_client.get(link)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="iso-report.pdf"'
    pdf = PdfReader(io.BytesIO(download.content))
    for pdf_page in pdf.pages:
        assert "downloaded by admin@acme.test (Acme)" in pdf_page.extract_text()
    downloaded = AuditEvent.objects.get(action="audit_request.document_downloaded")
    assert downloaded.details["original_sha256"] == AuditDocument.objects.get().sha256
    assert downloaded.details["sha256"] != downloaded.details["original_sha256"]

    # Legal closes it; the customer's page shows it closed, answered in time.
    travel(RECEIVED + datetime.timedelta(days=70))
    legal_client.post(
        reverse("audits_staff:request_close", args=[audit_request.public_id]),
        {"note": "Audit done; report received."},
    )
    audit_request.refresh_from_db()
    assert audit_request.status == "closed"
    page = admin_client.get(portal_url).content.decode()
    assert "Closed" in page
    assert "Answered in time: due by 25 Nov 2026" in page
    assert "Answered late" not in page
    assert "Send the message" not in page
    assert "is closed" in emails_to(admin_a.email)[-1].subject
    assert "Audit done" in legal_client.get(detail_url).content.decode()

    actions = list(
        AuditEvent.objects.filter(object_id=str(audit_request.public_id))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "audit_request.submitted",
        "audit_request.triaged",
        "audit_request.message_sent",
        "audit_request.answered",
        "audit_request.scheduled",
        "audit_request.document_downloaded",
        "audit_request.closed",
    ]
    closed = AuditEvent.objects.get(action="audit_request.closed")
    assert closed.details == {"in_time": True}
    # One email per recipient and step, each with an HTML part, never twice.
    customer_emails = emails_to(admin_a.email)
    assert len({m.cause for m in customer_emails}) == len(customer_emails) == 5
    assert len(emails_to(lena.email)) == 2

    # Back on today's clock, the outbox delivers each once, with its HTML part.
    time_machine.move_to(datetime.datetime.now(datetime.UTC))
    for message in OutboxMessage.objects.all():
        message_deliver(message_id=message.pk)
    assert len(mail.outbox) == 7
    assert all(len(m.alternatives) == 1 for m in mail.outbox)
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 7


def test_an_unanswered_request_is_overdue_on_both_pages(
    admin_client, legal_client, admin_a, lena, org_a, time_machine
):
    travel = traveller(time_machine, (admin_client, admin_a), (legal_client, lena))
    travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN))
    admin_client.post(
        reverse("audits_portal:request_new", args=["acme"]),
        {"kind": "information", "scope": "Backups", "questions": "Where are backups kept?"},
    )
    audit_request = AuditRequest.objects.get()
    assert audit_request.due_on == datetime.date(2026, 4, 1)

    travel(datetime.datetime(2026, 4, 1, 23, 59, tzinfo=BERLIN))
    assert "Overdue" not in legal_client.get(reverse("audits_staff:request_list")).content.decode()
    travel(datetime.datetime(2026, 4, 2, 0, 0, tzinfo=BERLIN))
    assert "Overdue" in legal_client.get(reverse("audits_staff:request_list")).content.decode()
    assert "Overdue" in admin_client.get(reverse("audits_portal:request_list")).content.decode()

    legal_client.post(
        reverse("audits_staff:request_answer", args=[audit_request.public_id]),
        {"body": "Backups are kept in Frankfurt and Berlin."},
    )
    page = admin_client.get(reverse("audits_portal:request_list")).content.decode()
    assert "Answered late" in page
    assert "Overdue" not in page
    answered = AuditEvent.objects.get(action="audit_request.answered")
    assert answered.details["in_time"] is False


def test_the_email_scanner_opening_a_link_changes_nothing(admin_client, org_a, admin_a):
    admin_client.post(
        reverse("audits_portal:request_new", args=["acme"]),
        {"kind": "information", "scope": "Backups"},
    )
    audit_request = AuditRequest.objects.get()
    before = AuditEvent.objects.count()
    assert (
        admin_client.get(
            reverse("audits_portal:request_detail", args=[audit_request.public_id])
        ).status_code
        == 200
    )
    assert AuditEvent.objects.count() == before
