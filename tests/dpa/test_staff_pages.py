"""Legal's workbench: every customer's status with filters, reminders at most once a day,
negotiated uploads checked by content, and the contract term where staff expect it."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from dpa import services
from dpa.models import Agreement, Reminder
from exports.end_of_contract.models import EndOfContractCase
from exports.end_of_contract.services import cases_open_for_ended_contracts
from subprocessors.terms import objection_window_for
from tests.conftest import (
    authenticator_code,
    give_authenticator,
    login_with_second_factor,
    make_organisation,
)
from tests.dpa.factories import give_dpa, make_version
from tests.dpa.test_executed_pdf import sign_through_the_page
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_list_shows_each_status_and_filters(
    admin_client, org_a, org_b, admin_a, legal_user, annex_data
):
    from django.test import Client

    from tests.conftest import login_with_second_factor

    staff_client = Client()
    login_with_second_factor(staff_client, legal_user)
    v1 = make_version()
    signed = make_organisation("soylent")
    give_dpa(signed)  # negotiated: executed whatever the version
    sign_through_the_page(admin_client, org_a, v1)
    page = staff_client.get(reverse("dpa_staff:home")).content.decode()
    assert "Awaiting countersignature" in page and "Not signed" in page
    services.agreement_countersign(
        agreement=Agreement.objects.get(organisation=org_a), user=legal_user
    )
    page = staff_client.get(reverse("dpa_staff:home")).content.decode()
    assert "executed on version 1" in page
    make_version()  # v2: acme's v1 is now superseded by a newer version
    superseded = staff_client.get(reverse("dpa_staff:home"), {"status": "superseded"})
    body = superseded.content.decode()
    assert 'data-organisation="acme"' in body
    assert 'data-organisation="globex"' not in body and 'data-organisation="soylent"' not in body
    not_signed = staff_client.get(
        reverse("dpa_staff:home"), {"status": "not_signed"}
    ).content.decode()
    assert (
        'data-organisation="globex"' in not_signed and 'data-organisation="acme"' not in not_signed
    )
    searched = staff_client.get(reverse("dpa_staff:home"), {"q": "soyl"}).content.decode()
    assert 'data-organisation="soylent"' in searched and 'data-organisation="acme"' not in searched
    # Remind only where the current version still wants a signature: not signed or superseded.
    assert reverse("dpa_staff:remind", args=["globex"]) in not_signed
    assert reverse("dpa_staff:remind", args=["acme"]) in body
    assert reverse("dpa_staff:remind", args=["soylent"]) not in searched
    # The contract term, and where to edit it.
    assert reverse("staff_organisations:edit", args=["acme"]) in page
    # Each organisation's own DPA page states the status the list shows.
    from dpa.selectors import DpaStatus, organisation_status_list, status_of

    listed = {row.slug: row.dpa_status for row in organisation_status_list()}
    assert (listed["acme"], listed["globex"], listed["soylent"]) == (
        DpaStatus.SUPERSEDED,
        DpaStatus.NOT_SIGNED,
        DpaStatus.EXECUTED,
    )
    for organisation in (org_a, org_b, signed):
        assert status_of(organisation) == listed[organisation.slug]


def test_remind_emails_the_admins_once_a_day(staff_client, org_b, admin_b, version):
    url = reverse("dpa_staff:remind", args=[org_b.slug])
    staff_client.post(url)
    assert (
        OutboxMessage.objects.filter(to_email=admin_b.email, template="dpa/reminder").count() == 1
    )
    response = staff_client.post(url, follow=True)
    assert "was reminded less than 24 hours ago" in response.content.decode()
    assert Reminder.objects.count() == 1
    assert OutboxMessage.objects.filter(template="dpa/reminder").count() == 1
    Reminder.objects.update(sent_at=timezone.now() - datetime.timedelta(hours=25))
    staff_client.post(url)
    assert OutboxMessage.objects.filter(template="dpa/reminder").count() == 2


def test_a_reminder_goes_back_to_the_list_it_was_sent_from(staff_client, org_b, admin_b, version):
    url = reverse("dpa_staff:remind", args=[org_b.slug])
    filtered = reverse("dpa_staff:home") + "?status=not_signed&page=1"
    response = staff_client.post(url, {"next": filtered})
    assert response.status_code == 302
    assert response["Location"] == filtered
    Reminder.objects.update(sent_at=timezone.now() - datetime.timedelta(hours=25))
    response = staff_client.post(url, {"next": "https://evil.test/staff/dpa/"})
    assert response["Location"] == reverse("dpa_staff:home")


def test_a_negotiated_dpa_is_uploaded_as_a_real_pdf_with_its_own_window(
    staff_client, org_b, version
):
    url = reverse("dpa_staff:negotiated_upload", args=[org_b.slug])
    fake = SimpleUploadedFile("dpa.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    data = {
        "customer_legal_name": "Globex Logistics Ltd",
        "notices_email": "dpo@globex.test",
        "effective_date": "2025-03-01",
        "objection_window_days": 60,
    }
    response = staff_client.post(url, {**data, "file": fake})
    assert response.status_code == 400
    assert "is not a real .pdf file" in response.content.decode()
    assert not Agreement.objects.exists()
    uploaded = _pdf()
    real = SimpleUploadedFile("dpa.pdf", uploaded, content_type="application/pdf")
    response = staff_client.post(url, {**data, "file": real})
    assert response.status_code == 302
    agreement = Agreement.objects.get(organisation=org_b)
    assert agreement.kind == "negotiated" and agreement.is_in_force
    assert objection_window_for(org_b) == 60
    download = staff_client.get(reverse("dpa_staff:agreement_download", args=[agreement.public_id]))
    assert download.content == uploaded


def test_a_renegotiated_dpa_supersedes_the_one_in_force(staff_client, org_b, version):
    earlier = give_dpa(org_b, objection_window_days=30)
    url = reverse("dpa_staff:negotiated_upload", args=[org_b.slug])
    response = staff_client.post(
        url,
        {
            "customer_legal_name": "Globex Logistics Ltd",
            "notices_email": "dpo@globex.test",
            "effective_date": "2026-01-01",
            "objection_window_days": 45,
            "file": SimpleUploadedFile("dpa-2026.pdf", _pdf(), content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    earlier.refresh_from_db()
    assert earlier.superseded_at is not None and not earlier.is_in_force
    in_force = Agreement.objects.in_force().get(organisation=org_b)
    assert in_force.pk != earlier.pk and in_force.objection_window_days == 45
    assert objection_window_for(org_b) == 45


def test_when_the_contract_end_set_by_staff_passes_the_end_of_contract_case_opens(
    staff_client, org_a, admin_a
):
    """The term is edited on the organisation's staff page (linked from the DPA list); the
    beat of exports.end_of_contract opens the case once the end date has passed."""
    end = timezone.localdate() + datetime.timedelta(days=10)
    response = staff_client.post(
        reverse("staff_organisations:edit", args=[org_a.slug]),
        {
            "kind": "customer",
            "email_domains": "acme.test",
            "contract_start": "2024-01-01",
            "contract_end": end.isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    org_a.refresh_from_db()
    assert org_a.contract_end == end
    assert cases_open_for_ended_contracts(today=end) == 0  # the last day is still in the term
    assert cases_open_for_ended_contracts(today=end + datetime.timedelta(days=1)) == 1
    case = EndOfContractCase.objects.get(organisation=org_a)
    assert case.requested_on == end


def test_a_negotiated_agreement_is_never_countersigned_and_its_page_still_shows(
    staff_client, client, org_a, admin_a, version, legal_user
):
    # A negotiated agreement left awaiting (only a data repair could leave it so) has no
    # online signature to countersign: legal gets a refusal, not an error, and the customer's
    # page still names it.
    agreement = Agreement.objects.create(
        organisation=org_a,
        kind=Agreement.Kind.NEGOTIATED,
        status=Agreement.Status.AWAITING_COUNTERSIGNATURE,
        customer_legal_name="Acme Corporation Ltd",
        version=version,
        effective_date=datetime.date(2026, 1, 1),
        objection_window_days=30,
    )
    url = reverse("dpa_staff:agreement_countersign", args=[agreement.public_id])
    device = give_authenticator(legal_user)
    response = staff_client.post(url, {"code": authenticator_code(device)}, follow=True)
    assert response.status_code == 200
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.AWAITING_COUNTERSIGNATURE
    assert not agreement.executed_sha256
    login_with_second_factor(client, admin_a)
    page = client.get(reverse("dpa_portal:organisation", args=[org_a.slug]))
    assert page.status_code == 200
    assert "Acme Corporation Ltd" in page.content.decode()
