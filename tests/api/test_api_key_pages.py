"""/portal/organisations/<slug>/api-keys/: an organisation's admins create, see and revoke keys.
Members get 403, other organisations 404, anonymous visitors the sign-in page."""

import re

import pytest
from django.urls import reverse

from tests.api.conftest import bearer
from tests.conftest import login_with_second_factor
from trustcentre.accounts.api_keys import api_key_create
from trustcentre.accounts.models import ApiKey
from trustcentre.audit.models import AuditEvent


def list_url(slug="acme"):
    return reverse("api_keys:list", args=[slug])


def revoke_url(api_key, slug="acme"):
    return reverse("api_keys:revoke", args=[slug, api_key.public_id])


def test_the_url_is_the_documented_one():
    assert list_url() == "/portal/organisations/acme/api-keys/"


def test_an_admin_sees_the_keys_without_their_secrets(client, admin_a, key_a):
    api_key, plaintext = key_a
    login_with_second_factor(client, admin_a)
    response = client.get(list_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "CRM sync" in page
    assert f"tcp_{api_key.prefix}_" in page
    assert plaintext.split("_", 2)[2] not in page
    assert "Active" in page and "Never" in page


def test_creating_a_key_shows_it_once(client, admin_a, org_a):
    login_with_second_factor(client, admin_a)
    response = client.post(list_url(), {"name": "Data warehouse"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    api_key = ApiKey.objects.get(name="Data warehouse")
    assert api_key.created_by == admin_a
    page = response.content.decode()
    assert "shown only this once" in page
    plaintext = re.search(r'id="api-key">([^<]+)</pre>', page).group(1)
    assert plaintext.startswith(f"tcp_{api_key.prefix}_")

    api_response = client.get("/api/v1/organisation/", **bearer(plaintext))
    assert api_response.status_code == 200
    assert api_response.json()["slug"] == "acme"

    assert plaintext not in client.get(list_url()).content.decode()
    assert plaintext not in str(dict(client.session))
    assert AuditEvent.objects.filter(action="api_key.created", actor=admin_a).count() == 1


def test_a_key_needs_a_name(client, admin_a):
    login_with_second_factor(client, admin_a)
    response = client.post(list_url(), {"name": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ApiKey.objects.exists()


def test_revoking_asks_first_then_the_key_stops_working(client, admin_a, key_a):
    api_key, plaintext = key_a
    login_with_second_factor(client, admin_a)

    confirm = client.get(revoke_url(api_key))
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.content.decode()
    api_key.refresh_from_db()
    assert api_key.is_active  # a GET changes nothing

    response = client.post(revoke_url(api_key), follow=True)
    assert response.redirect_chain[-1][0] == list_url()
    assert "was revoked" in response.content.decode()
    api_key.refresh_from_db()
    assert not api_key.is_active
    assert client.get("/api/v1/organisation/", **bearer(plaintext)).status_code == 401

    again = client.post(revoke_url(api_key), follow=True)
    assert "already revoked" in again.content.decode()
    assert AuditEvent.objects.filter(action="api_key.revoked").count() == 1


def test_a_member_is_refused(client, member_a, key_a):
    api_key, _ = key_a
    client.force_login(member_a)
    assert client.get(list_url()).status_code == 403
    assert client.post(list_url(), {"name": "Mine"}).status_code == 403
    assert client.get(revoke_url(api_key)).status_code == 403
    assert client.post(revoke_url(api_key)).status_code == 403
    api_key.refresh_from_db()
    assert api_key.is_active
    assert ApiKey.objects.count() == 1


def test_another_organisation_gets_404(client, admin_b, org_a, key_a, key_b):
    api_key_a, _ = key_a
    api_key_b, _ = key_b
    login_with_second_factor(client, admin_b)
    assert client.get(list_url("acme")).status_code == 404
    assert client.post(list_url("acme"), {"name": "Sneaky"}).status_code == 404
    assert client.post(revoke_url(api_key_a, slug="acme")).status_code == 404
    # Nor through its own organisation's address.
    assert client.post(revoke_url(api_key_a, slug="globex")).status_code == 404
    api_key_a.refresh_from_db()
    assert api_key_a.is_active
    assert not ApiKey.objects.filter(name="Sneaky").exists()


def test_staff_who_are_not_members_get_404_here(staff_client, org_a):
    # Staff look after organisations on the staff pages; the portal page is the members'.
    assert staff_client.get(list_url()).status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(client, org_a, method):
    response = getattr(client, method)(list_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_admin_of_two_organisations_sees_each_ones_keys(client, admin_a, org_b):
    from tests.conftest import add_member
    from trustcentre.accounts.models import Membership

    add_member(admin_a, org_b, Membership.Role.ADMIN)
    api_key_create(organisation=org_b, name="Globex only", created_by=admin_a)
    login_with_second_factor(client, admin_a)
    assert "Globex only" not in client.get(list_url("acme")).content.decode()
    assert "Globex only" in client.get(list_url("globex")).content.decode()


@pytest.mark.django_db
def test_organisation_page_links_admins_but_not_members_to_the_api_keys(
    client, admin_a, member_a, org_a
):
    keys_url = reverse("api_keys:list", args=[org_a.slug])
    login_with_second_factor(client, admin_a)
    assert keys_url in client.get(f"/portal/organisations/{org_a.slug}/").content.decode()
    client.force_login(member_a)
    assert keys_url not in client.get(f"/portal/organisations/{org_a.slug}/").content.decode()
