"""The customer's portal pages: its notices with its own deadline, the list that applies to it,
acknowledgement, and nothing of another organisation."""

import pytest

from subprocessors import services
from subprocessors.models import NoticeOrganisation
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.django_db


def test_portal_home_goes_to_the_only_organisation(client, member_a, announced):
    client.force_login(member_a)
    response = client.get("/portal/subprocessors/")
    assert response["Location"] == "/portal/subprocessors/acme/"
    page = client.get("/portal/subprocessors/acme/")
    assert b"Warehouse for analytics" in page.content
    assert b"Webhooks" not in page.content  # admins only


def test_a_member_acknowledges_by_post(client, member_a, announced, org_a):
    client.force_login(member_a)
    path = f"/portal/subprocessors/acme/changes/{announced.public_id}/acknowledge/"
    assert client.get(path).status_code == 405
    assert client.post(path).status_code == 302
    row = NoticeOrganisation.objects.get(notice=announced, organisation=org_a)
    assert row.acknowledged_by == member_a and row.acknowledged_at is not None


def test_another_organisation_is_a_404(client, admin_b, announced):
    login_with_second_factor(client, admin_b)
    assert client.get("/portal/subprocessors/acme/").status_code == 404
    assert client.get("/portal/subprocessors/acme/webhooks/").status_code == 404


def test_the_list_is_the_one_that_applies_to_the_customer(client, admin_a, org_a, register):
    services.customer_scope_set(organisation=org_a, services=["Support"], regions=["eu"])
    register["support"].services = ["Support"]
    register["support"].save()
    login_with_second_factor(client, admin_a)
    page = client.get("/portal/subprocessors/acme/").content.decode()
    assert "Helpdesk" in page
    assert "Hostly" not in page and "Mailer" not in page
