"""A customer admin registers an OAuth 2.0 API client in the browser: from the organisation's
page to its API clients, a form that refuses a client without a scope, then the client id and
the secret shown once. The integrator's system gets a token with them and reads the API; the
list then shows the client with its valid token, and the admin revokes the client, after which
the token and the secret are refused."""

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in_with_code
from trustcentre.accounts.models import OAuthClient

pytestmark = pytest.mark.e2e


def test_register_use_and_revoke_an_api_client(page, admin_a, org_a, live_server):
    main = page.locator("main")
    sign_in_with_code(page, admin_a, PASSWORD)
    expect(page).to_have_url(re.compile(r"/portal/$"))

    page.goto(f"/portal/organisations/{org_a.slug}/")
    main.get_by_role("link", name="API clients (OAuth 2.0)").click()
    expect(page).to_have_url(re.compile(rf"/portal/organisations/{org_a.slug}/api-clients/$"))
    expect(main.get_by_role("heading", name="API clients (OAuth 2.0)")).to_be_visible()
    expect(main).to_contain_text("This organisation has no API clients yet.")
    expect(main).to_contain_text("/oauth/token/")

    form = main.locator("form", has=page.get_by_role("button", name="Register client"))
    form.get_by_label("Name").fill("Data warehouse")
    form.get_by_role("button", name="Register client").click()
    expect(main).to_contain_text("Choose at least one scope.")
    assert OAuthClient.objects.count() == 0

    form.get_by_label("Name").fill("Data warehouse")
    form.get_by_label("Read the organisation, its members, security notices and exports").check()
    form.get_by_label("Request and download data exports").check()
    form.get_by_role("button", name="Register client").click()

    expect(main.get_by_role("heading", name="Your new API client “Data warehouse”")).to_be_visible()
    expect(main.get_by_role("alert")).to_contain_text("It is shown only this once")
    client_id = main.locator("#client-id").inner_text().strip()
    secret = main.locator("#client-secret").inner_text().strip()
    api_client = OAuthClient.objects.get()
    assert client_id == api_client.client_id and api_client.scopes == ["read", "export"]
    expect(main).to_contain_text("Scopes: read, export")

    token = requests.post(
        f"{live_server.url}/oauth/token/",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
        timeout=10,
    )
    assert token.status_code == 200, token.text
    access_token = token.json()["access_token"]
    headers = {"Authorization": f"Bearer {access_token}"}
    organisation = requests.get(
        f"{live_server.url}/api/v1/organisation/", headers=headers, timeout=10
    )
    assert organisation.json()["slug"] == org_a.slug

    main.get_by_role("link", name="I have stored the secret").click()
    row = main.get_by_role("row", name=re.compile("Data warehouse"))
    expect(row).to_contain_text(client_id)
    expect(row).to_contain_text("read, export")
    expect(row).to_contain_text("1 valid token")
    expect(main).not_to_contain_text(secret)

    row.get_by_role("link", name="Revoke client…").click()
    expect(main).to_contain_text("Its access tokens stop working")
    main.get_by_role("button", name="Revoke client").click()
    expect(main.get_by_role("status")).to_contain_text(
        "The API client “Data warehouse” was revoked"
    )
    expect(main.get_by_role("row", name=re.compile("Data warehouse"))).to_contain_text("Revoked")

    refused = requests.get(f"{live_server.url}/api/v1/organisation/", headers=headers, timeout=10)
    assert refused.status_code == 401
    again = requests.post(
        f"{live_server.url}/oauth/token/",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
        timeout=10,
    )
    assert again.status_code == 401 and again.json()["error"] == "invalid_client"
