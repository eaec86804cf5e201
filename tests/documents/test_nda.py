"""NDAs: the click-through acceptance records who, when, from where and which text; it gives a
receipt PDF and expires; a countersigned copy is approved by legal. Accepting is a POST."""

import datetime
import io

import pytest
from pypdf import PdfReader

from tests.conftest import login_with_second_factor
from tests.documents.conftest import make_pdf, upload
from trustcentre.documents import services
from trustcentre.documents.access import nda_in_force
from trustcentre.documents.models import NdaAcceptance

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


@pytest.mark.parametrize(
    ("accepted", "expires"),
    [
        (
            datetime.datetime(2026, 3, 15, 9, 0, tzinfo=UTC),
            datetime.datetime(2027, 3, 15, 9, 0, tzinfo=UTC),
        ),
        (
            datetime.datetime(2024, 2, 29, 9, 0, tzinfo=UTC),
            datetime.datetime(2025, 2, 28, 9, 0, tzinfo=UTC),
        ),
        (
            datetime.datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
            datetime.datetime(2027, 12, 31, 23, 59, tzinfo=UTC),
        ),
    ],
)
def test_an_nda_lasts_twelve_months(accepted, expires):
    assert services.nda_expiry(accepted) == expires


def test_a_one_month_nda_ends_on_the_last_day_of_a_short_month(settings):
    settings.TRUST_NDA_MONTHS = 1
    accepted = datetime.datetime(2027, 1, 31, 12, 0, tzinfo=UTC)
    assert services.nda_expiry(accepted) == datetime.datetime(2027, 2, 28, 12, 0, tzinfo=UTC)


def test_get_shows_the_text_and_post_accepts(client, prospect, nda_version):
    client.force_login(prospect)
    page = client.get("/portal/nda/")
    assert page.status_code == 200
    assert "Keep it secret." in page.content.decode()
    assert not NdaAcceptance.objects.exists()
    response = client.post(
        "/portal/nda/",
        {
            "signer_name": "Pat Prospect",
            "signer_title": "CISO",
            "company": "Initech",
            "agree": "on",
        },
        HTTP_USER_AGENT="TestBrowser/1.0",
    )
    acceptance = NdaAcceptance.objects.get()
    assert response.status_code == 302
    assert (acceptance.signer_name, acceptance.signer_title, acceptance.company) == (
        "Pat Prospect",
        "CISO",
        "Initech",
    )
    assert acceptance.email == prospect.email
    assert acceptance.ip_address == "127.0.0.1"
    assert acceptance.user_agent == "TestBrowser/1.0"
    assert acceptance.nda_version == nda_version
    assert acceptance.text_sha256 == nda_version.sha256
    assert acceptance.expires_at == services.nda_expiry(acceptance.accepted_at)
    receipt = client.get(f"/portal/nda/{acceptance.public_id}/receipt.pdf")
    assert receipt.status_code == 200
    text = PdfReader(io.BytesIO(receipt.content)).pages[0].extract_text()
    assert nda_version.sha256 in text.replace("\n", "")
    assert "Pat Prospect" in text


def test_accepting_without_ticking_the_box_changes_nothing(client, prospect, nda_version):
    client.force_login(prospect)
    response = client.post(
        "/portal/nda/", {"signer_name": "Pat", "signer_title": "CISO", "company": "Initech"}
    )
    assert response.status_code == 200
    assert "Tick the box" in response.content.decode()
    assert not NdaAcceptance.objects.exists()


def test_another_persons_receipt_is_404(client, prospect, member_a, nda_version):
    acceptance = services.nda_accept(
        user=prospect, nda_version=nda_version, signer_name="P", signer_title="T", company="I"
    )
    client.force_login(member_a)
    assert client.get(f"/portal/nda/{acceptance.public_id}/receipt.pdf").status_code == 404


def test_a_countersigned_nda_counts_once_legal_approves_it(
    client, prospect, legal_user, nda_version
):
    client.force_login(prospect)
    response = client.post(
        "/portal/nda/upload/",
        {
            "signer_name": "Pat",
            "signer_title": "CISO",
            "company": "Initech",
            "file": upload(make_pdf(1, "Signed NDA"), "nda.pdf"),
        },
    )
    assert response.status_code == 302
    acceptance = NdaAcceptance.objects.get()
    assert acceptance.status == "pending"
    assert nda_in_force(prospect) is None
    login_with_second_factor(client, legal_user)
    page = client.get("/staff/access-requests/")
    assert "Countersigned NDAs to check" in page.content.decode()
    client.post(f"/staff/nda-uploads/{acceptance.public_id}/", {"action": "approve"})
    assert nda_in_force(prospect) == acceptance


def test_a_countersigned_nda_must_be_a_real_pdf(client, prospect):
    client.force_login(prospect)
    response = client.post(
        "/portal/nda/upload/",
        {
            "signer_name": "P",
            "signer_title": "T",
            "company": "I",
            "file": upload(b"<html>", "nda.pdf"),
        },
    )
    assert response.status_code == 200
    assert "not what its name says" in response.content.decode()
    assert not NdaAcceptance.objects.exists()
