"""Staff sessions end after 30 minutes idle and after 12 hours in all (ASVS V7.3.1, V7.3.2)."""

import pytest
from django.utils import timezone

from tests.conftest import login_with_second_factor
from trustcentre.accounts.middleware import SESSION_LAST_SEEN_KEY, SESSION_STARTED_KEY


def _age_session(client, *, started_ago: float, last_seen_ago: float):
    now = timezone.now().timestamp()
    session = client.session
    session[SESSION_STARTED_KEY] = now - started_ago
    session[SESSION_LAST_SEEN_KEY] = now - last_seen_ago
    session.save()


@pytest.mark.django_db
def test_active_staff_session_stays_open(client, legal_user):
    login_with_second_factor(client, legal_user)
    _age_session(client, started_ago=3600, last_seen_ago=60)
    assert client.get("/staff/").status_code == 200


@pytest.mark.django_db
def test_staff_session_ends_after_half_an_hour_idle_with_a_message(client, legal_user):
    login_with_second_factor(client, legal_user)
    _age_session(client, started_ago=3600, last_seen_ago=31 * 60)
    response = client.get("/staff/audit/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fstaff%2Faudit%2F"
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page
    assert client.get("/staff/").status_code == 302  # the server-side session is gone


@pytest.mark.django_db
def test_staff_session_ends_after_twelve_hours_however_active(client, legal_user):
    login_with_second_factor(client, legal_user)
    _age_session(client, started_ago=12 * 3600 + 60, last_seen_ago=10)
    response = client.get("/staff/")
    assert response.status_code == 302
    assert (
        "staff sessions last at most 12 hours" in client.get(response["Location"]).content.decode()
    )


@pytest.mark.django_db
def test_customer_sessions_are_not_cut_by_the_staff_limits(client, member_a):
    client.force_login(member_a)
    _age_session(client, started_ago=13 * 3600, last_seen_ago=2 * 3600)
    assert client.get("/portal/").status_code == 200


@pytest.mark.django_db
def test_signing_in_starts_the_clock(client, legal_user):
    client.force_login(legal_user)
    started = client.session[SESSION_STARTED_KEY]
    assert abs(started - timezone.now().timestamp()) < 5
