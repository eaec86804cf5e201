"""The Django admin for users, organisations, memberships and invitations."""

import pytest
from django.urls import reverse

from tests.conftest import login_with_second_factor, make_user
from trustcentre.accounts.models import Invitation, Organisation, User
from trustcentre.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    superuser = make_user("root@provider.test", is_staff=True, is_superuser=True)
    login_with_second_factor(client, superuser)
    return client


def test_admin_pages_open(admin_client, org_a, admin_a):
    pages = [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_user_change", args=[admin_a.pk]),
        reverse("admin:accounts_organisation_changelist"),
        reverse("admin:accounts_organisation_add"),
        reverse("admin:accounts_organisation_change", args=[org_a.pk]),
        reverse("admin:accounts_membership_changelist"),
        reverse("admin:accounts_invitation_changelist"),
    ]
    for url in pages:
        assert admin_client.get(url).status_code == 200, url


def test_admin_creates_a_user_by_email(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "added@acme.test",
            "usable_password": "true",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="added@acme.test").check_password("a long enough passphrase")
    assert AuditEvent.objects.filter(action="user.created_in_admin").exists()


def test_admin_organisation_edit_goes_through_the_service(admin_client, org_a):
    url = reverse("admin:accounts_organisation_change", args=[org_a.pk])
    data = {
        "kind": "customer",
        "email_domains": '["gmail.com"]',
        "allow_domain_join": "on",
        "contract_start": "",
        "contract_end": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "is a free email service" in response.content.decode()

    data["email_domains"] = '["acme.test", "Acme-Group.test"]'
    response = admin_client.post(url, data)
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.email_domains == ["acme-group.test", "acme.test"] and org_a.allow_domain_join
    assert AuditEvent.objects.get(action="organisation.updated").details["changed"] == [
        "email_domains",
        "allow_domain_join",
    ]


def test_admin_creates_an_organisation_through_the_service(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_organisation_add"),
        {"name": "Wayne Enterprises", "kind": "prospect", "email_domains": '["wayne.test"]'},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Wayne Enterprises")
    assert organisation.slug == "wayne-enterprises"
    assert AuditEvent.objects.filter(
        action="organisation.created", organisation=organisation
    ).exists()


def test_invitation_admin_shows_only_the_hash_and_can_withdraw(admin_client, org_a, admin_a):
    from trustcentre.accounts import services

    invitation = services.invitation_create(
        organisation=org_a, email="x@acme.test", role="member", invited_by=admin_a
    )
    page = admin_client.get(reverse("admin:accounts_invitation_change", args=[invitation.pk]))
    text = page.content.decode()
    assert invitation.token_hash in text and invitation.raw_token not in text
    admin_client.post(
        reverse("admin:accounts_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk]},
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Invitation.objects.count() == 1
