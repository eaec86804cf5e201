"""Staff (trust admins and legal) configure an organisation's identity provider on /staff/sso/."""

import pytest
from allauth.socialaccount.models import SocialApp

from tests.conftest import login_with_second_factor
from trustcentre.audit.models import AuditEvent
from trustcentre.sso.models import IdentityProvider

SECRET = "very-secret-client-secret-123"


def _form(**overrides):
    data = {
        "issuer": "https://login.acme.test/realms/acme",
        "client_id": "trust-portal",
        "client_secret": SECRET,
        "domains": ["acme.test"],
        "enforce": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def trust_admin_client(client, trust_admin_user):
    login_with_second_factor(client, trust_admin_user)
    return client


def test_a_trust_admin_sets_up_sso_and_the_secret_is_never_shown_again(trust_admin_client, org_a):
    response = trust_admin_client.post("/staff/sso/acme/", _form())

    assert response.status_code == 302
    idp = IdentityProvider.objects.get(organisation=org_a)
    app = idp.social_app
    assert (app.provider, app.provider_id, app.client_id) == (
        "openid_connect",
        "org-acme",
        "trust-portal",
    )
    assert (
        app.secret == SECRET and app.settings["server_url"] == "https://login.acme.test/realms/acme"
    )
    assert idp.enforce and idp.domain_names == ["acme.test"]
    page = trust_admin_client.get("/staff/sso/acme/").content.decode()
    assert SECRET not in page
    assert "A secret is stored and is never shown" in page
    assert "/accounts/sso/org-acme/callback/" in page
    event = AuditEvent.objects.get(action="sso.provider_configured")
    assert event.organisation == org_a
    assert SECRET not in str(event.details)
    assert event.details["domains"] == ["acme.test"] and event.details["enforce"] is True
    listing = trust_admin_client.get("/staff/sso/").content.decode()
    assert "https://login.acme.test/realms/acme" in listing and "SSO enforced" in listing


def test_an_empty_secret_keeps_the_stored_one_and_changes_are_audited(trust_admin_client, org_a):
    trust_admin_client.post("/staff/sso/acme/", _form())

    trust_admin_client.post("/staff/sso/acme/", _form(client_secret="", enforce=""))

    idp = IdentityProvider.objects.get(organisation=org_a)
    assert idp.social_app.secret == SECRET and not idp.enforce
    event = AuditEvent.objects.get(action="sso.provider_changed")
    assert event.details["changed"] == ["enforce"]


def test_bad_input_is_explained_and_changes_nothing(trust_admin_client, org_a, org_b, settings):
    settings.SSO_ALLOW_HTTP_ISSUERS = False
    response = trust_admin_client.post("/staff/sso/acme/", _form(issuer="http://login.acme.test"))
    assert response.status_code == 400
    assert "Enter the issuer as an https:// URL" in response.content.decode()

    response = trust_admin_client.post("/staff/sso/acme/", _form(client_secret=""))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not IdentityProvider.objects.exists()

    # Only the organisation's own domains are offered, and anything else is refused.
    response = trust_admin_client.post("/staff/sso/acme/", _form(domains=["globex.test"]))
    assert response.status_code == 400
    assert not IdentityProvider.objects.exists() and not SocialApp.objects.exists()


def test_a_domain_goes_to_one_provider_only(trust_admin_client, org_a, org_b):
    assert trust_admin_client.post("/staff/sso/acme/", _form()).status_code == 302
    # Globex lists acme.test as well: its provider could otherwise sign in Acme's people.
    org_b.email_domains = ["globex.test", "acme.test"]
    org_b.save()

    response = trust_admin_client.post("/staff/sso/globex/", _form(domains=["acme.test"]))

    assert response.status_code == 400
    assert "acme.test is also an email domain of another organisation" in (
        response.content.decode()
    )
    assert not IdentityProvider.objects.filter(organisation=org_b).exists()


def test_a_domain_two_organisations_list_is_routed_by_neither(trust_admin_client, org_a, org_b):
    org_b.email_domains = ["globex.test", "acme.test"]
    org_b.save()

    response = trust_admin_client.post("/staff/sso/acme/", _form())

    assert response.status_code == 400
    assert "acme.test is also an email domain of another organisation" in (
        response.content.decode()
    )
    assert not IdentityProvider.objects.exists()


def test_removing_needs_a_post_and_is_audited(trust_admin_client, org_a):
    trust_admin_client.post("/staff/sso/acme/", _form())

    assert trust_admin_client.get("/staff/sso/acme/remove/").status_code == 200
    assert IdentityProvider.objects.exists()
    response = trust_admin_client.post("/staff/sso/acme/remove/")

    assert response.status_code == 302
    assert not IdentityProvider.objects.exists() and not SocialApp.objects.exists()
    assert AuditEvent.objects.filter(action="sso.provider_removed").exists()


def test_only_legal_and_trust_admins_may_configure(client, org_a, legal_user, dpo_user, member_a):
    login_with_second_factor(client, dpo_user)
    assert client.get("/staff/sso/").status_code == 403
    assert client.post("/staff/sso/acme/", _form()).status_code == 403

    client.force_login(member_a)
    assert client.get("/staff/sso/").status_code == 403

    login_with_second_factor(client, legal_user)
    assert client.get("/staff/sso/").status_code == 200
    assert client.get("/staff/sso/no-such-org/").status_code == 404
    assert not IdentityProvider.objects.exists()


def test_the_admin_does_not_show_the_client_secret(client, org_a, settings):
    from tests.conftest import make_user

    superuser = make_user("root@provider.test", is_staff=True, is_superuser=True)
    login_with_second_factor(client, superuser)
    client.post("/staff/sso/acme/", _form())
    app = SocialApp.objects.get()

    page = client.get(f"/admin/socialaccount/socialapp/{app.pk}/change/").content.decode()

    assert "trust-portal" in page
    assert SECRET not in page


def test_the_list_finds_an_organisation_by_its_email_domain(trust_admin_client, org_a, org_b):
    page = trust_admin_client.get("/staff/sso/", {"q": "acme.test"}).content.decode()

    assert "/staff/sso/acme/" in page
    assert "/staff/sso/globex/" not in page


def test_the_admin_shows_an_organisations_app_read_only(client, org_a):
    from tests.conftest import make_user

    superuser = make_user("root@provider.test", is_staff=True, is_superuser=True)
    login_with_second_factor(client, superuser)
    client.post("/staff/sso/acme/", _form())
    linked = SocialApp.objects.get()
    other = SocialApp.objects.create(provider="openid_connect", name="Other", client_id="other")
    change = "/admin/socialaccount/socialapp/{}/change/"

    assert 'name="_save"' not in client.get(change.format(linked.pk)).content.decode()
    response = client.post(
        change.format(linked.pk),
        {"provider": "openid_connect", "name": "Acme", "client_id": "someone-else"},
    )
    assert response.status_code == 403
    assert client.get(f"/admin/socialaccount/socialapp/{linked.pk}/delete/").status_code == 403
    linked.refresh_from_db()
    assert linked.client_id == "trust-portal"
    # An app no organisation uses stays editable.
    assert 'name="_save"' in client.get(change.format(other.pk)).content.decode()
