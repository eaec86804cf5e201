"""OAuth 2.0 API clients: a customer admin registers one (secret shown once, stored hashed), it
gets short-lived access tokens at /oauth/token/ with the client-credentials grant only, calls
/api/v1/ with them within its scopes and its organisation, and loses access when an admin
revokes its tokens or the client. Every refusal says why and changes nothing."""

import base64
import datetime

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone
from oauth2_provider.models import AccessToken

from exports.models import ExportJob
from tests.api.conftest import bearer, is_problem
from tests.conftest import login_with_second_factor
from trustcentre.accounts.api_clients import api_client_register, api_client_revoke
from trustcentre.accounts.models import OAuthClient
from trustcentre.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

TOKEN_URL = "/oauth/token/"


def register(organisation, admin, scopes=("read", "export")):
    """(OAuthClient, secret)."""
    return api_client_register(
        organisation=organisation, name="Warehouse", scopes=list(scopes), created_by=admin
    )


def basic(client_id: str, secret: str) -> dict:
    credentials = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {credentials}"}


def ask_token(client, api_client, secret, **data):
    return client.post(
        TOKEN_URL,
        {"grant_type": "client_credentials", **data},
        **basic(api_client.client_id, secret),
    )


def token_for(client, api_client, secret, **data) -> str:
    response = ask_token(client, api_client, secret, **data)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def client_a(org_a, admin_a):
    return register(org_a, admin_a)


# Registering, on the portal page


def test_an_admin_registers_a_client_and_sees_its_secret_once(client, admin_a, org_a):
    login_with_second_factor(client, admin_a)
    url = f"/portal/organisations/{org_a.slug}/api-clients/"
    page = client.get(url)
    assert page.status_code == 200
    assert "This organisation has no API clients yet." in page.content.decode()

    response = client.post(url, {"name": "Data warehouse", "scopes": ["read", "export"]})

    assert response.status_code == 200
    api_client = OAuthClient.objects.get()
    html = response.content.decode()
    secret = html.split('id="client-secret">')[1].split("<")[0]
    assert api_client.client_id in html and len(secret) >= 40
    assert api_client.organisation == org_a and api_client.scopes == ["read", "export"]
    # Only a hash is stored, and the list never shows the secret again.
    stored = api_client.application.client_secret
    assert stored != secret and check_password(secret, stored)
    listing = client.get(url).content.decode()
    assert "Data warehouse" in listing and api_client.client_id in listing
    assert secret not in listing
    event = AuditEvent.objects.get(action="api_client.registered")
    assert event.actor == admin_a and event.organisation == org_a
    assert event.details == {"client_id": api_client.client_id, "scopes": ["read", "export"]}
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )


def test_a_client_without_a_scope_is_refused_and_nothing_is_registered(client, admin_a, org_a):
    login_with_second_factor(client, admin_a)
    url = f"/portal/organisations/{org_a.slug}/api-clients/"

    response = client.post(url, {"name": "Nothing", "scopes": []})
    unknown = client.post(url, {"name": "Root", "scopes": ["admin"]})

    assert response.status_code == 400
    assert "Choose at least one scope." in response.content.decode()
    assert unknown.status_code == 400
    assert OAuthClient.objects.count() == 0
    assert not AuditEvent.objects.filter(action="api_client.registered").exists()


def test_only_the_organisations_admins_reach_its_clients(client, member_a, admin_b, org_a, admin_a):
    api_client, _secret = register(org_a, admin_a)
    url = f"/portal/organisations/{org_a.slug}/api-clients/"
    revoke = f"{url}{api_client.public_id}/revoke/"

    client.force_login(member_a)
    assert client.get(url).status_code == 403
    assert client.post(revoke).status_code == 403

    login_with_second_factor(client, admin_b)
    assert client.get(url).status_code == 404
    assert client.post(revoke).status_code == 404
    api_client.refresh_from_db()
    assert api_client.is_active


# The token endpoint


def test_the_client_gets_a_short_lived_token_stored_only_as_a_checksum(client, client_a, org_a):
    api_client, secret = client_a

    response = ask_token(client, api_client, secret)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 600
    assert body["scope"] == "read export"
    assert body["access_token"].startswith("tco_")
    assert "refresh_token" not in body
    assert response["Cache-Control"] == "no-store" or "no-store" in response["Cache-Control"]
    token = AccessToken.objects.get()
    assert token.token == "" and token.application == api_client.application
    event = AuditEvent.objects.get(action="api_client.token_issued")
    assert event.organisation == org_a
    assert event.actor_label == f"api-client:{api_client.client_id}"
    assert event.details["scopes"] == ["read", "export"]
    api_client.refresh_from_db()
    assert api_client.last_token_at is not None


def test_a_token_with_fewer_scopes_can_be_asked_for_but_not_more(client, client_a):
    api_client, secret = client_a

    narrower = ask_token(client, api_client, secret, scope="read")
    wider = ask_token(client, api_client, secret, scope="read objections")

    assert narrower.status_code == 200 and narrower.json()["scope"] == "read"
    assert wider.status_code == 400
    assert wider.json()["error"] == "invalid_scope"
    assert AccessToken.objects.count() == 1


def test_a_wrong_secret_is_invalid_client_and_audited(client, client_a, org_a):
    api_client, secret = client_a

    response = ask_token(client, api_client, secret[:-4] + "AAAA")
    in_body = client.post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": api_client.client_id,
            "client_secret": "wrong",
        },
    )
    unknown = client.post(TOKEN_URL, {"grant_type": "client_credentials"}, **basic("nobody", "x"))

    for refused in (response, in_body, unknown):
        assert refused.status_code == 401, refused.content
        assert refused.json()["error"] == "invalid_client"
    assert AccessToken.objects.count() == 0
    refusals = AuditEvent.objects.filter(action="api_client.token_refused")
    assert refusals.count() == 2
    assert {event.organisation for event in refusals} == {org_a}


@pytest.mark.parametrize(
    "data",
    [
        {"grant_type": "password", "username": "admin@acme.test", "password": "x"},
        {"grant_type": "authorization_code", "code": "abc", "redirect_uri": "https://x.test/"},
        {"grant_type": "refresh_token", "refresh_token": "abc"},
        {"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": "abc"},
        {"grant_type": "implicit"},
    ],
)
def test_every_other_grant_type_is_unsupported(client, client_a, data):
    api_client, secret = client_a

    response = client.post(TOKEN_URL, data, **basic(api_client.client_id, secret))

    assert response.status_code == 400, response.content
    assert response.json()["error"] == "unsupported_grant_type"
    assert AccessToken.objects.count() == 0


def test_a_revoked_client_gets_no_token(client, client_a, admin_a):
    api_client, secret = client_a
    api_client_revoke(api_client=api_client, revoked_by=admin_a)

    response = ask_token(client, api_client, secret)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "revoked" in response.json()["error_description"]
    assert AccessToken.objects.count() == 0


def test_the_token_endpoint_is_limited_per_address(client, client_a, settings):
    settings.OAUTH_TOKEN_REQUESTS_PER_MINUTE = 3
    api_client, secret = client_a

    answers = [ask_token(client, api_client, secret).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert AccessToken.objects.count() == 3


# Calling the API with a token


def test_a_token_reads_its_own_organisation(client, client_a, org_a):
    api_client, secret = client_a
    token = token_for(client, api_client, secret)

    response = client.get("/api/v1/organisation/", **bearer(token))
    members = client.get("/api/v1/organisation/members/", **bearer(token))

    assert response.status_code == 200, response.content
    assert response.json()["slug"] == org_a.slug
    assert members.status_code == 200
    assert [row["email"] for row in members.json()["results"]] == ["admin@acme.test"]


def test_a_token_beyond_its_scope_is_403_and_changes_nothing(client, org_a, admin_a):
    api_client, secret = register(org_a, admin_a, scopes=["read"])
    token = token_for(client, api_client, secret)

    response = client.post(
        "/api/v1/exports/",
        {"categories": ["leads"], "format": "json"},
        content_type="application/json",
        **bearer(token),
    )

    body = is_problem(response, 403)
    assert body["type"].endswith("/api/problems/insufficient-scope")
    assert "'export' scope" in body["detail"]
    assert ExportJob.objects.count() == 0


def test_a_token_exports_and_the_audit_names_the_client(
    client, client_a, org_a, django_capture_on_commit_callbacks
):
    api_client, secret = client_a
    token = token_for(client, api_client, secret)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/api/v1/exports/",
            {"categories": ["leads"], "format": "json"},
            content_type="application/json",
            **bearer(token),
        )

    assert response.status_code == 202, response.content
    job = ExportJob.objects.get()
    assert job.organisation == org_a
    event = AuditEvent.objects.filter(organisation=org_a, action__startswith="export.").first()
    assert event.actor_label == f"api-client:{api_client.client_id}"


def test_another_organisations_export_is_404_to_a_token(client, client_a, org_b, admin_b):
    api_client, secret = client_a
    token = token_for(client, api_client, secret)
    job = ExportJob.objects.create(organisation=org_b, categories=["leads"], format="json")

    response = client.get(f"/api/v1/exports/{job.public_id}/", **bearer(token))

    is_problem(response, 404)


def test_an_expired_token_is_401_and_says_so(client, client_a):
    api_client, secret = client_a
    token = token_for(client, api_client, secret)
    AccessToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get("/api/v1/organisation/", **bearer(token))

    body = is_problem(response, 401)
    assert body["type"].endswith("/api/problems/access-token-expired")
    assert "expired" in body["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_an_unknown_or_malformed_token_is_401(client, client_a):
    unknown = client.get("/api/v1/organisation/", **bearer("tco_" + "A" * 43))
    malformed = client.get("/api/v1/organisation/", **bearer("tco_short"))

    assert is_problem(unknown, 401)["type"].endswith("/api/problems/invalid-access-token")
    assert is_problem(malformed, 401)["type"].endswith("/api/problems/malformed-access-token")


def test_revoking_the_client_ends_its_tokens_at_once(client, client_a, admin_a, org_a):
    api_client, secret = client_a
    token = token_for(client, api_client, secret)
    login_with_second_factor(client, admin_a)

    page = client.post(
        f"/portal/organisations/{org_a.slug}/api-clients/{api_client.public_id}/revoke/"
    )

    assert page.status_code == 302
    client.logout()
    response = client.get("/api/v1/organisation/", **bearer(token))
    assert is_problem(response, 401)["type"].endswith("/api/problems/invalid-access-token")
    api_client.refresh_from_db()
    assert api_client.revoked_at is not None and api_client.revoked_by == admin_a
    event = AuditEvent.objects.get(action="api_client.revoked")
    assert event.details == {"client_id": api_client.client_id, "tokens_revoked": 1}


def test_revoking_the_tokens_keeps_the_client(client, client_a, admin_a, org_a):
    api_client, secret = client_a
    old = token_for(client, api_client, secret)
    login_with_second_factor(client, admin_a)

    client.post(
        f"/portal/organisations/{org_a.slug}/api-clients/{api_client.public_id}/revoke-tokens/"
    )

    client.logout()
    assert client.get("/api/v1/organisation/", **bearer(old)).status_code == 401
    new = token_for(client, api_client, secret)
    assert client.get("/api/v1/organisation/", **bearer(new)).status_code == 200
    assert AuditEvent.objects.filter(action="api_client.tokens_revoked").count() == 1


def test_a_client_shares_one_limit_across_its_tokens(client, client_a, settings, key_a):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    settings.OAUTH_TOKEN_REQUESTS_PER_MINUTE = 10
    api_client, secret = client_a
    first, second = token_for(client, api_client, secret), token_for(client, api_client, secret)

    answers = [
        client.get("/api/v1/organisation/", **bearer(token)).status_code
        for token in (first, second, first, second)
    ]
    limited = client.get("/api/v1/organisation/", **bearer(first))
    key = client.get("/api/v1/organisation/", **bearer(key_a[1]))

    assert answers == [200, 200, 200, 429]
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert key.status_code == 200
