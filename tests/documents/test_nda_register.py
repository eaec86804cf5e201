"""Legal's NDA register: who accepted which version when, with the receipt; filters and pages."""

import io

import pytest
from pypdf import PdfReader

from tests.conftest import make_user
from tests.documents.conftest import accept_nda
from trustcentre.documents import services

pytestmark = pytest.mark.django_db

REGISTER = "/staff/nda-register/"


@pytest.fixture
def register(staff_client, prospect, nda_version):
    first = accept_nda(prospect, nda_version)
    newer = services.nda_version_publish(user=None, title="Mutual NDA", text="1. Still secret.")
    other = make_user("olga@othercorp.test", full_name="Olga Other")
    second = services.nda_accept(
        user=other,
        nda_version=newer,
        signer_name="Olga Other",
        signer_title="CTO",
        company="OtherCorp",
    )
    return first, second


def test_legal_sees_who_accepted_which_version_when(staff_client, register):
    first, second = register
    page = staff_client.get(REGISTER).content.decode()
    assert "<h1>NDA register</h1>" in page
    assert "Pat Prospect" in page and "pat@initech.test" in page and "Initech" in page
    assert "Olga Other" in page and "OtherCorp" in page
    assert "Mutual NDA (v1)" in page and "Mutual NDA (v2)" in page
    # Newest first, with labelled times.
    assert page.index("Olga Other") < page.index("Pat Prospect")
    assert "UTC" in page or "CET" in page
    receipt_url = f"/staff/nda-register/{first.public_id}/receipt.pdf"
    assert f'href="{receipt_url}"' in page


def test_the_receipt_opens_as_a_pdf_naming_the_signer(staff_client, register):
    first, _second = register
    response = staff_client.get(f"/staff/nda-register/{first.public_id}/receipt.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Pat Prospect" in text
    assert first.text_sha256 in text.replace("\n", "")


def test_filters_by_version_and_by_name_email_or_company(staff_client, register):
    by_version = staff_client.get(REGISTER, {"version": 2}).content.decode()
    assert "Olga Other" in by_version and "Pat Prospect" not in by_version
    by_company = staff_client.get(REGISTER, {"q": "initech"}).content.decode()
    assert "Pat Prospect" in by_company and "Olga Other" not in by_company
    nothing = staff_client.get(REGISTER, {"q": "nobody-at-all"}).content.decode()
    assert "No acceptance matches these filters." in nothing


def test_the_register_is_paginated(staff_client, register, monkeypatch):
    monkeypatch.setattr("trustcentre.documents.views_staff.PER_PAGE", 1)
    first_page = staff_client.get(REGISTER).content.decode()
    assert "Page 1 of 2" in first_page
    assert "Olga Other" in first_page and "Pat Prospect" not in first_page
    second_page = staff_client.get(REGISTER, {"page": 2}).content.decode()
    assert "Pat Prospect" in second_page


def test_a_customer_cannot_open_the_register(client, prospect, register):
    client.force_login(prospect)
    assert client.get(REGISTER).status_code in (403, 404)
