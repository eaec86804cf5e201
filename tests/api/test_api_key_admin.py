"""The Django admin lists API keys read-only (never the hash) and revokes through the service."""

from tests.api.conftest import bearer
from tests.conftest import login_with_second_factor, make_user
from trustcentre.audit.models import AuditEvent


def test_staff_can_list_and_revoke_keys_in_the_admin(client, key_a):
    api_key, plaintext = key_a
    superuser = make_user("root@provider.test", is_staff=True, is_superuser=True)
    login_with_second_factor(client, superuser)

    listing = client.get("/admin/accounts/apikey/")
    assert listing.status_code == 200
    assert "CRM sync" in listing.content.decode()
    detail = client.get(f"/admin/accounts/apikey/{api_key.pk}/change/").content.decode()
    assert api_key.secret_hash not in detail
    assert client.get("/admin/accounts/apikey/add/").status_code == 403

    response = client.post(
        "/admin/accounts/apikey/",
        {"action": "revoke", "_selected_action": [api_key.pk]},
        follow=True,
    )
    assert "1 API key(s) revoked." in response.content.decode()
    api_key.refresh_from_db()
    assert not api_key.is_active
    assert AuditEvent.objects.get(action="api_key.revoked").actor == superuser
    assert client.get("/api/v1/organisation/", **bearer(plaintext)).status_code == 401
