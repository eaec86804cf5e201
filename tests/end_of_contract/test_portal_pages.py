"""The customer's leaving page: the timeline, the admin's choices, read-only for members,
another organisation's case never reachable."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from exports.end_of_contract import periods, services
from exports.end_of_contract.models import CaseStatus, EndOfContractCase
from tests.conftest import (
    PASSWORD,
    add_member,
    login_with_second_factor,
    make_organisation,
    make_user,
    sign_in_with_password_and_code,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_case(org_a, admin_a):
    today = timezone.now().date()
    org_a.contract_end = today - datetime.timedelta(days=1)
    org_a.save()
    services.cases_open_for_ended_contracts(today=today)
    return EndOfContractCase.objects.get(organisation=org_a)


def test_the_urls_exist():
    assert reverse("end_of_contract:home") == "/portal/leaving/"
    assert reverse("end_of_contract_staff:case_list") == "/staff/end-of-contract/"


def test_admin_sees_the_timeline_and_chooses(client, admin_a, open_case):
    login_with_second_factor(client, admin_a)
    page = client.get("/portal/leaving/")
    assert page.status_code == 200
    text = page.content.decode()
    assert open_case.reference in text
    for title in ("Notice", "Transition", "Data retrieval", "Erasure", "Record the choice"):
        assert title in text
    response = client.post(
        "/portal/leaving/acme/choose/",
        {"choice": "return_then_delete", "transition_days": "30", "retrieval_days": "40"},
    )
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.choice == "return_then_delete"
    # 40 days, the last of them a working day.
    assert open_case.retrieval_end == periods.retrieval_end_for(open_case.transition_end, 40)
    assert open_case.retrieval_end - open_case.transition_end >= datetime.timedelta(days=40)
    page = client.get(response["Location"]).content.decode()
    assert "Return the data, then delete it" in page and "Record the choice" not in page


def test_bad_periods_show_errors_and_change_nothing(client, admin_a, open_case):
    login_with_second_factor(client, admin_a)
    response = client.post(
        "/portal/leaving/acme/choose/",
        {"choice": "return_then_delete", "transition_days": "45", "retrieval_days": "20"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "The transition lasts at most 30 days" in text
    assert "Data retrieval lasts at least 30 days" in text
    open_case.refresh_from_db()
    assert open_case.choice == "" and open_case.status == CaseStatus.AWAITING_CHOICE


def test_a_member_sees_the_page_read_only_and_cannot_choose(client, member_a, open_case):
    client.login(email=member_a.email, password=PASSWORD)
    page = client.get("/portal/leaving/").content.decode()
    assert "only an admin of the organisation can make choices" in page
    assert "Record the choice" not in page
    response = client.post(
        "/portal/leaving/acme/choose/",
        {"choice": "delete_only", "transition_days": "30", "retrieval_days": "30"},
    )
    assert response.status_code == 403
    assert "Only an admin of the organisation can make this choice" in response.content.decode()
    open_case.refresh_from_db()
    assert open_case.choice == ""


def test_another_organisations_case_is_a_404(client, admin_b, open_case):
    login_with_second_factor(client, admin_b)
    assert client.get("/portal/leaving/acme/").status_code == 404
    response = client.post(
        "/portal/leaving/acme/choose/",
        {"choice": "delete_only", "transition_days": "30", "retrieval_days": "30"},
    )
    assert response.status_code == 404
    assert client.get(f"/portal/leaving/certificate/{open_case.public_id}/").status_code == 404
    open_case.refresh_from_db()
    assert open_case.choice == ""


def test_admin_asks_to_switch(client, org_a, admin_a):
    login_with_second_factor(client, admin_a)
    page = client.get("/portal/leaving/").content.decode()
    assert "Ask to switch" in page
    too_late = timezone.now().date() + datetime.timedelta(days=70)
    response = client.post(
        "/portal/leaving/acme/switch/",
        {
            "destination_provider": "Nimbus",
            "switch_on": too_late.isoformat(),
            "transition_days": "30",
            "retrieval_days": "30",
        },
    )
    assert response.status_code == 400
    assert "The notice lasts at most 2 months" in response.content.decode()
    assert not EndOfContractCase.objects.exists()
    switch_on = timezone.now().date() + datetime.timedelta(days=20)
    response = client.post(
        "/portal/leaving/acme/switch/",
        {
            "destination_provider": "Nimbus",
            "switch_on": switch_on.isoformat(),
            "transition_days": "30",
            "retrieval_days": "30",
        },
    )
    assert response.status_code == 302
    case = EndOfContractCase.objects.get(organisation=org_a)
    assert case.choice == "switch" and case.transition_start == switch_on
    # While that case is open, the page no longer offers a second switch.
    assert "Ask to switch" not in client.get("/portal/leaving/").content.decode()


def test_early_erasure_needs_the_written_confirmation_page(
    client, admin_a, open_case, customer_data
):
    login_with_second_factor(client, admin_a)
    # Signed in without a recent proof of identity: deleting data asks for it first.
    response = client.post(
        "/portal/leaving/acme/confirm-deletion/",
        {"statement": "Erase it now.", "confirm_name": "Acme"},
    )
    assert response.status_code != 200 and not open_case.deletion_jobs.exists()
    open_case.refresh_from_db()
    assert open_case.early_deletion_confirmed_at is None
    sign_in_with_password_and_code(client, admin_a)
    page = client.get("/portal/leaving/acme/confirm-deletion/")
    assert page.status_code == 200 and "Erase the data now" in page.content.decode()
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.AWAITING_CHOICE  # GET changed nothing
    response = client.post(
        "/portal/leaving/acme/confirm-deletion/", {"statement": "", "confirm_name": "Acme"}
    )
    assert response.status_code == 400
    assert not open_case.deletion_jobs.exists()
    response = client.post(
        "/portal/leaving/acme/confirm-deletion/",
        {"statement": "We have our data; erase it now.", "confirm_name": "Acme"},
    )
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.DELETING
    assert open_case.early_deletion_statement == "We have our data; erase it now."


def test_prospect_or_stranger_sees_no_case(client, prospect_org):
    user = make_user("someone@initech.test")
    add_member(user, prospect_org)
    client.login(email=user.email, password=PASSWORD)
    page = client.get("/portal/leaving/").content.decode()
    assert "No customer organisation" in page


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/portal/leaving/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_user_of_two_customers_picks_one(client, org_a, org_b, admin_a):
    add_member(admin_a, org_b)
    login_with_second_factor(client, admin_a)
    page = client.get("/portal/leaving/").content.decode()
    assert "/portal/leaving/acme/" in page and "/portal/leaving/globex/" in page
    assert make_organisation  # the shared factory, used by other tests
