"""The profile page: full name and time zone."""

import pytest
from django.urls import reverse

from trustcentre.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def profile_url():
    return reverse("accounts:profile")


def test_profile_shows_and_saves_name_and_time_zone(client, member_a):
    client.force_login(member_a)
    text = client.get(profile_url()).content.decode()
    assert "Max Member" in text and "member@acme.test" in text and "Acme" in text
    response = client.post(
        profile_url(),
        {"full_name": "  Maxine Member ", "time_zone": "America/New_York"},
        follow=True,
    )
    assert "Your profile was saved." in response.content.decode()
    member_a.refresh_from_db()
    assert member_a.full_name == "Maxine Member"
    assert member_a.time_zone == "America/New_York"
    event = AuditEvent.objects.get(action="user.profile_updated")
    assert sorted(event.details["changed"]) == ["full_name", "time_zone"]


def test_unknown_time_zone_is_refused(client, member_a):
    client.force_login(member_a)
    response = client.post(profile_url(), {"full_name": "Max", "time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    member_a.refresh_from_db()
    assert member_a.time_zone == "Europe/Berlin"
