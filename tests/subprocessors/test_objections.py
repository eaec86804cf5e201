"""Objections: a customer admin objects within the customer's window, in the portal or with the
API key; a late one is refused with the deadline; legal resolves it and the customer is told."""

import datetime

import pytest
from django.core import mail

from subprocessors import services
from subprocessors.models import Objection
from tests.api.conftest import bearer, is_problem
from tests.conftest import login_with_second_factor
from trustcentre.accounts.api_keys import api_key_create
from trustcentre.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def portal_path(notice, slug="acme"):
    return f"/portal/subprocessors/{slug}/changes/{notice.public_id}/"


def test_an_admin_objects_in_the_portal(client, announced, admin_a, org_a):
    login_with_second_factor(client, admin_a)
    page = client.get(portal_path(announced))
    assert page.status_code == 200 and b"Send the objection" in page.content
    response = client.post(portal_path(announced), {"grounds": "The US transfer lacks safeguards."})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.organisation, objection.raised_by, objection.status) == (
        org_a,
        admin_a,
        "open",
    )
    assert AuditEvent.objects.filter(
        action="subprocessor.objection_raised", object_id=str(objection.public_id)
    ).exists()
    again = client.post(portal_path(announced), {"grounds": "Again"})
    assert again.status_code == 400 and Objection.objects.count() == 1
    assert b"Your organisation objected on" in again.content


def test_a_member_cannot_object(client, announced, member_a):
    client.force_login(member_a)
    page = client.get(portal_path(announced))
    assert b"Only an admin of your organisation can object." in page.content
    assert client.post(portal_path(announced), {"grounds": "No"}).status_code == 403
    assert not Objection.objects.exists()


def test_empty_grounds_are_refused(client, announced, admin_a):
    login_with_second_factor(client, admin_a)
    response = client.post(portal_path(announced), {"grounds": "   "})
    assert response.status_code == 400
    assert b"State the data-protection grounds" in response.content
    assert not Objection.objects.exists()


def test_another_organisations_notice_page_is_a_404(client, announced, admin_a, org_b):
    login_with_second_factor(client, admin_a)
    assert client.get(portal_path(announced, slug="globex")).status_code == 404


def test_a_late_objection_is_refused_with_the_deadline(announced, admin_a, org_a, client):
    row = announced.recipients.get(organisation=org_a)
    with pytest.raises(services.ObjectionTooLate) as late:
        services.objection_raise(
            notice=announced,
            organisation=org_a,
            grounds="Too late",
            user=admin_a,
            now=row.objection_deadline + datetime.timedelta(seconds=1),
        )
    assert late.value.deadline == row.objection_deadline
    # In time at the very last second.
    services.objection_raise(
        notice=announced,
        organisation=org_a,
        grounds="Just in time",
        user=admin_a,
        now=row.objection_deadline,
    )


@pytest.fixture
def key_a(org_a, admin_a):
    return api_key_create(organisation=org_a, name="legal tooling", created_by=admin_a)


def api_post(client, notice, key, body):
    return client.post(
        f"/api/v1/subprocessors/changes/{notice.public_id}/objections/",
        body,
        content_type="application/json",
        **bearer(key[1]),
    )


def test_api_objection_201_then_409(client, announced, key_a):
    response = api_post(client, announced, key_a, {"grounds": "Transfers to the US"})
    assert response.status_code == 201, response.content
    assert response.json()["notice"] == str(announced.public_id)
    assert is_problem(api_post(client, announced, key_a, {"grounds": "Again"}), 409)
    problem = is_problem(api_post(client, announced, key_a, {"grounds": ""}), 400)
    assert "grounds" in problem["errors"]


def test_api_notice_of_another_customer_is_a_404(client, announced, org_b, admin_b):
    key_b = api_key_create(organisation=org_b, name="b", created_by=admin_b)
    announced.recipients.filter(organisation=org_b).delete()
    is_problem(api_post(client, announced, key_b, {"grounds": "x"}), 404)
    is_problem(
        client.post(
            f"/api/v1/subprocessors/changes/{announced.public_id}/objections/",
            {"grounds": "x"},
            content_type="application/json",
        ),
        401,
    )


def test_legal_resolves_and_the_customer_is_emailed(
    staff_client, announced, admin_a, org_a, committed
):
    objection = services.objection_raise(
        notice=announced, organisation=org_a, grounds="US transfer", user=admin_a
    )
    page = staff_client.get(f"/staff/subprocessors/notices/{announced.public_id}/")
    assert b"US transfer" in page.content and b"Resolve and tell the customer" in page.content
    mail.outbox.clear()
    with committed():
        response = staff_client.post(
            f"/staff/subprocessors/objections/{objection.public_id}/resolve/",
            {"resolution": "not_applied", "notes": "We keep Acme on the EU analytics stack."},
        )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.status, objection.resolution) == ("resolved", "not_applied")
    assert [m.to for m in mail.outbox] == [["admin@acme.test"]]
    assert "Change not applied for this customer" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="subprocessor.objection_resolved").exists()


def test_resolution_needs_a_note(staff_client, announced, admin_a, org_a):
    objection = services.objection_raise(
        notice=announced, organisation=org_a, grounds="x", user=admin_a
    )
    response = staff_client.post(
        f"/staff/subprocessors/objections/{objection.public_id}/resolve/",
        {"resolution": "alternative", "notes": ""},
    )
    assert response.status_code == 400
    objection.refresh_from_db()
    assert objection.status == "open"
