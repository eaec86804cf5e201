"""Removing members and changing roles: an organisation always keeps an admin."""

import pytest
from django.urls import reverse

from tests.conftest import add_member, login_with_second_factor, make_user
from trustcentre.accounts import services
from trustcentre.accounts.models import Membership
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def remove_url(org, user):
    return reverse("accounts:membership_remove", args=[org.slug, user.public_id])


def role_url(org, user):
    return reverse("accounts:membership_change_role", args=[org.slug, user.public_id])


def test_remove_asks_first_then_removes_on_post(client, org_a, admin_a, member_a):
    login_with_second_factor(client, admin_a)
    confirm = client.get(remove_url(org_a, member_a))
    assert confirm.status_code == 200
    assert "Remove member@acme.test from Acme?" in confirm.content.decode()
    assert Membership.objects.filter(user=member_a, organisation=org_a).exists()

    response = client.post(remove_url(org_a, member_a), follow=True)
    assert "member@acme.test no longer belongs to Acme." in response.content.decode()
    assert not Membership.objects.filter(user=member_a, organisation=org_a).exists()
    event = AuditEvent.objects.get(action="membership.removed")
    assert event.actor == admin_a and event.organisation == org_a
    assert event.details == {"user": str(member_a.public_id), "role": "member"}
    email = OutboxMessage.objects.get(to_email="member@acme.test")
    assert email.subject == "You no longer belong to Acme"


def test_the_last_admin_cannot_be_removed(client, org_a, admin_a, member_a):
    login_with_second_factor(client, admin_a)
    response = client.post(remove_url(org_a, admin_a), follow=True)
    assert (
        "Acme must keep at least one admin. Make someone else an admin first."
        in response.content.decode()
    )
    assert Membership.objects.get(user=admin_a).role == Membership.Role.ADMIN
    assert not AuditEvent.objects.filter(action="membership.removed").exists()


def test_the_last_admin_cannot_step_down(client, org_a, admin_a, member_a):
    login_with_second_factor(client, admin_a)
    response = client.post(role_url(org_a, admin_a), {"role": "member"}, follow=True)
    assert "must keep at least one admin" in response.content.decode()
    assert Membership.objects.get(user=admin_a).role == Membership.Role.ADMIN


def test_an_admin_can_leave_once_another_admin_exists(client, org_a, admin_a, member_a):
    login_with_second_factor(client, admin_a)
    client.post(role_url(org_a, member_a), {"role": "admin"})
    assert Membership.objects.get(user=member_a).role == Membership.Role.ADMIN
    response = client.post(remove_url(org_a, admin_a))
    assert response.status_code == 302 and response.url == reverse("pages:portal_home")
    assert not Membership.objects.filter(user=admin_a).exists()
    # Gone from the organisation, gone from its page.
    assert client.get(reverse("accounts:organisation_detail", args=[org_a.slug])).status_code == 404


def test_role_change_is_audited_and_the_person_told(client, org_a, admin_a, member_a):
    login_with_second_factor(client, admin_a)
    response = client.post(role_url(org_a, member_a), {"role": "admin"}, follow=True)
    assert "member@acme.test is now admin." in response.content.decode()
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.details == {"user": str(member_a.public_id), "from": "member", "to": "admin"}
    email = OutboxMessage.objects.get(to_email="member@acme.test")
    assert email.subject == "Your role in Acme is now admin"
    assert "/portal/organisations/acme/" in email.body_text


def test_an_unknown_role_is_refused(client, org_a, admin_a, member_a):
    login_with_second_factor(client, admin_a)
    response = client.post(role_url(org_a, member_a), {"role": "owner"}, follow=True)
    assert "Choose a role from the list." in response.content.decode()
    assert Membership.objects.get(user=member_a).role == Membership.Role.MEMBER


def test_service_refuses_a_member_acting_as_admin(org_a, admin_a, member_a):
    from django.core.exceptions import PermissionDenied

    other = make_user("other@acme.test")
    membership = add_member(other, org_a)
    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=membership, removed_by=member_a)
    assert Membership.objects.filter(pk=membership.pk).exists()
