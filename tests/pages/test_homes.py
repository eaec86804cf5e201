"""The signed-in homes: /portal/ for customers and prospects, /staff/ for the provider's staff."""

import pytest

from tests.conftest import login_with_second_factor


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in_from_portal_and_staff(client):
    for path in ("/portal/", "/staff/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_portal_home_lists_the_members_organisations_only(client, member_a, org_b):
    client.force_login(member_a)
    response = client.get("/portal/")
    assert response.status_code == 200
    assert "Acme" in response.content.decode()
    assert org_b.name not in response.content.decode()


@pytest.mark.django_db
def test_customer_member_cannot_open_the_staff_home(client, member_a):
    client.force_login(member_a)
    assert client.get("/staff/").status_code == 403


@pytest.mark.django_db
def test_staff_home_shows_the_workbenches_of_the_role(client, legal_user):
    login_with_second_factor(client, legal_user)
    response = client.get("/staff/")
    assert response.status_code == 200
    assert response.context["workbench_cards"]
    titles = [str(card["title"]) for card in response.context["workbench_cards"]]
    assert "Administration" not in titles  # superusers only
    for card in response.context["workbench_cards"]:
        assert str(card["title"]) in response.content.decode()
