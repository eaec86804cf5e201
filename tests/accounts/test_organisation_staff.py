"""Staff pages for organisations: list with filters, detail, edits, invitations."""

import pytest
from django.urls import reverse

from tests.conftest import login_with_second_factor, make_organisation
from trustcentre.accounts.models import Invitation, Membership, Organisation
from trustcentre.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def list_url():
    return reverse("staff_organisations:list")


def test_anonymous_is_sent_to_sign_in(client, org_a):
    for url in (list_url(), reverse("staff_organisations:detail", args=[org_a.slug])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_customers_get_403(client, admin_a):
    login_with_second_factor(client, admin_a)
    assert client.get(list_url()).status_code == 403


def test_list_filters_by_kind_and_search(staff_client, org_a, org_b, prospect_org):
    text = staff_client.get(list_url()).content.decode()
    assert "Acme" in text and "Globex" in text and "Initech" in text

    text = staff_client.get(list_url(), {"kind": "prospect"}).content.decode()
    assert "Initech" in text and "Acme" not in text and "Globex" not in text

    for query in ("glob", "globex", "globex.test"):
        text = staff_client.get(list_url(), {"q": query}).content.decode()
        assert "Globex" in text and "Acme" not in text, query

    text = staff_client.get(list_url(), {"q": "nothing-matches"}).content.decode()
    assert "No organisation matches these filters." in text


def test_list_is_paginated(staff_client):
    for n in range(30):
        make_organisation(f"org-{n:02}")
    first = staff_client.get(list_url()).content.decode()
    assert "Page 1 of 2" in first and "Org 29" not in first
    second = staff_client.get(list_url(), {"page": 2}).content.decode()
    assert "Org 29" in second


def test_dpo_may_look_but_not_edit(client, dpo_user, org_a):
    login_with_second_factor(client, dpo_user)
    assert client.get(list_url()).status_code == 200
    detail = client.get(reverse("staff_organisations:detail", args=[org_a.slug]))
    assert detail.status_code == 200
    assert "Invite someone" not in detail.content.decode()
    assert client.get(reverse("staff_organisations:edit", args=[org_a.slug])).status_code == 403


def test_detail_shows_members_and_terms(staff_client, org_a, admin_a, member_a):
    text = staff_client.get(
        reverse("staff_organisations:detail", args=[org_a.slug])
    ).content.decode()
    assert "admin@acme.test" in text and "member@acme.test" in text
    assert "acme.test" in text and str(org_a.tenant_id) in text


def test_edit_validates_domains_and_dates(staff_client, org_a):
    url = reverse("staff_organisations:edit", args=[org_a.slug])
    data = {
        "kind": "customer",
        "email_domains": "acme.test\nnot a domain\ngmail.com",
        "allow_domain_join": "on",
        "contract_start": "2026-01-01",
        "contract_end": "2025-12-31",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "“not a domain” is not a domain name such as example.com." in text
    assert "“gmail.com” is a free email service" in text
    org_a.refresh_from_db()
    assert org_a.email_domains == ["acme.test"] and org_a.allow_domain_join is False

    data["email_domains"] = "acme.test"
    response = staff_client.post(url, data)
    assert response.status_code == 400
    assert "The contract cannot end before it starts." in response.content.decode()


def test_edit_saves_and_is_audited(staff_client, org_a, legal_user):
    url = reverse("staff_organisations:edit", args=[org_a.slug])
    response = staff_client.post(
        url,
        {
            "kind": "former_customer",
            "email_domains": "ACME.test, @acme-group.test",
            "allow_domain_join": "on",
            "contract_start": "2024-01-01",
            "contract_end": "2025-12-31",
        },
        follow=True,
    )
    assert "The changes to Acme were saved." in response.content.decode()
    org_a.refresh_from_db()
    assert org_a.kind == Organisation.Kind.FORMER_CUSTOMER
    assert org_a.email_domains == ["acme-group.test", "acme.test"]
    assert org_a.allow_domain_join is True
    event = AuditEvent.objects.get(action="organisation.updated")
    assert event.actor == legal_user
    assert sorted(event.details["changed"]) == [
        "allow_domain_join",
        "contract_end",
        "contract_start",
        "email_domains",
        "kind",
    ]


def test_staff_create_an_organisation_and_invite_its_first_admin(staff_client):
    response = staff_client.post(
        reverse("staff_organisations:create"),
        {"name": "Umbrella Corp", "kind": "prospect", "email_domains": "umbrella.test"},
    )
    organisation = Organisation.objects.get(name="Umbrella Corp")
    assert organisation.slug == "umbrella-corp"
    assert response.url == reverse("staff_organisations:detail", args=["umbrella-corp"])
    staff_client.post(
        reverse("staff_organisations:invitation_create", args=["umbrella-corp"]),
        {"email": "boss@umbrella.test", "role": "admin"},
    )
    assert Invitation.objects.get(organisation=organisation).role == Membership.Role.ADMIN
    assert AuditEvent.objects.filter(action="organisation.created").exists()


def test_staff_cannot_remove_the_last_admin_either(staff_client, org_a, admin_a):
    response = staff_client.post(
        reverse("staff_organisations:membership_remove", args=[org_a.slug, admin_a.public_id]),
        follow=True,
    )
    assert "Acme must keep at least one admin." in response.content.decode()
    assert Membership.objects.filter(user=admin_a).exists()


def test_new_is_never_taken_as_a_slug(staff_client):
    staff_client.post(reverse("staff_organisations:create"), {"name": "New", "kind": "prospect"})
    assert Organisation.objects.get(name="New").slug == "new-2"
