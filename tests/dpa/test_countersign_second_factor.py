"""Countersigning a DPA asks legal for a fresh code from their authenticator app, as signing
asks the customer's admin: a verified session alone does not countersign."""

import pytest
from django.urls import reverse

from dpa.models import Agreement
from tests.conftest import authenticator_code, login_with_second_factor
from tests.dpa.test_executed_pdf import sign_through_the_page
from trustcentre.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting(admin_client, org_a, version):
    sign_through_the_page(admin_client, org_a, version)
    admin_client.logout()
    return Agreement.objects.get(organisation=org_a)


def countersign_url(agreement):
    return reverse("dpa_staff:agreement_countersign", kwargs={"public_id": agreement.public_id})


def test_the_page_asks_for_a_code_and_without_one_nothing_is_countersigned(
    client, legal_user, awaiting
):
    login_with_second_factor(client, legal_user)
    page = client.get(
        reverse("dpa_staff:agreement_detail", kwargs={"public_id": awaiting.public_id})
    ).content.decode()
    assert "Code from your authenticator app" in page
    assert "Countersigning needs a fresh 6-digit code" in page

    response = client.post(countersign_url(awaiting), {"code": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.status == Agreement.Status.AWAITING_COUNTERSIGNATURE
    assert not awaiting.executed_sha256
    assert not AuditEvent.objects.filter(action="dpa.executed").exists()


def test_a_wrong_code_countersigns_nothing_and_says_why(client, legal_user, awaiting):
    login_with_second_factor(client, legal_user)
    response = client.post(countersign_url(awaiting), {"code": "000000"})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.status == Agreement.Status.AWAITING_COUNTERSIGNATURE


def test_a_fresh_code_countersigns(client, legal_user, awaiting):
    device = login_with_second_factor(client, legal_user)
    response = client.post(
        countersign_url(awaiting), {"code": authenticator_code(device)}, follow=True
    )
    assert "Countersigned. The executed PDF is stored" in response.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.is_executed
