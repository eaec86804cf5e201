"""Sign online, countersign, and read the executed PDF as a person checking it would."""

import hashlib
import io
import re

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from dpa import services
from dpa.models import Agreement
from tests.conftest import authenticator_code
from tests.dpa.factories import give_dpa, make_version

PARTIES = {
    "customer_legal_name": "Acme Corporation GmbH",
    "customer_address": "1 Road Runner Way, 10115 Berlin",
    "signatory_name": "Ada Admin",
    "signatory_title": "Managing Director",
    "notices_email": "privacy@acme.test",
    "agree": "on",
}


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def sign_through_the_page(client, organisation, version):
    return client.post(
        reverse("dpa_portal:sign", kwargs={"slug": organisation.slug}),
        {
            **PARTIES,
            "organisation": str(organisation.public_id),
            "version": str(version.public_id),
            "code": authenticator_code(client.device),
        },
        HTTP_USER_AGENT="pytest-browser/1.0",
    )


@pytest.mark.django_db
def test_the_executed_pdf_names_both_parties_the_version_every_subprocessor_and_control(
    admin_client, org_a, admin_a, legal_user, annex_data
):
    # A number no other version on the page has (the sub-processor list is version 1).
    version = make_version(number=7)
    response = sign_through_the_page(admin_client, org_a, version)
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = Agreement.objects.get(organisation=org_a)
    assert agreement.status == Agreement.Status.AWAITING_COUNTERSIGNATURE
    assert agreement.signed_by == admin_a
    assert agreement.signed_ip == "127.0.0.1"
    assert agreement.signed_user_agent == "pytest-browser/1.0"
    assert len(agreement.signed_document_sha256) == 64

    agreement = services.agreement_countersign(agreement=agreement, user=legal_user)

    with default_storage.open(agreement.executed_file, "rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == agreement.executed_sha256
    text = _pdf_text(data)
    assert "Acme Corporation GmbH" in text
    assert settings.PROVIDER_NAME in text
    assert f"DPA v{version.number}" in text  # the footer of every page
    list_version = annex_data["list_version"]
    assert f"Sub-processor list version {list_version.number}" in text
    for entry in list_version.entries:
        assert entry["name"] in text
    for control in annex_data["controls"]:
        assert control.title in text
    assert agreement.signed_document_sha256 in text.replace(" ", "")
    assert "127.0.0.1" in text
    assert "30 days" in text and "48 hours" in text


@pytest.mark.django_db
def test_the_portal_shows_the_hash_and_serves_the_same_bytes(
    admin_client, org_a, legal_user, version
):
    sign_through_the_page(admin_client, org_a, version)
    agreement = services.agreement_countersign(
        agreement=Agreement.objects.get(organisation=org_a), user=legal_user
    )
    page = admin_client.get(reverse("dpa_portal:organisation", kwargs={"slug": org_a.slug}))
    body = page.content.decode()
    assert agreement.executed_sha256 in body
    assert "Executed" in body
    link = re.search(r'href="(/portal/dpa/acme/download/[^"]+)"', body).group(1)
    download = admin_client.get(link)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert "no-store" in download["Cache-Control"]
    assert hashlib.sha256(download.content).hexdigest() == agreement.executed_sha256


@pytest.mark.django_db
def test_countersigning_supersedes_the_agreement_in_force(admin_client, org_a, legal_user, version):
    negotiated = give_dpa(org_a)
    sign_through_the_page(admin_client, org_a, version)
    online = services.agreement_countersign(
        agreement=Agreement.objects.get(organisation=org_a, kind=Agreement.Kind.ONLINE),
        user=legal_user,
    )
    negotiated.refresh_from_db()
    assert negotiated.superseded_at == online.executed_at
    assert list(Agreement.objects.in_force().filter(organisation=org_a)) == [online]
