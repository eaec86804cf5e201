"""Invitations end to end: an admin invites, the email carries a link, the invitee accepts."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import add_member, login_with_second_factor, make_user
from trustcentre.accounts.models import Invitation, Membership
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def invite(client, org, email, role="member"):
    return client.post(
        reverse("accounts:invitation_create", args=[org.slug]), {"email": email, "role": role}
    )


def link_in(message) -> str:
    match = re.search(r"http://[^\s]+/portal/invitations/[^\s/]+/", message.body_text)
    assert match, message.body_text
    return match.group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_invitation_end_to_end(client, org_a, admin_a):
    login_with_second_factor(client, admin_a)
    response = invite(client, org_a, "New.Person@Acme.test", role="admin")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Invitation sent to new.person@acme.test." in page
    assert "new.person@acme.test" in page  # listed under open invitations

    message = OutboxMessage.objects.get(to_email="new.person@acme.test")
    invitation = Invitation.objects.get()
    assert message.cause == f"invitation:{invitation.public_id}"
    assert message.subject == "You are invited to join Acme on the Northwind Analytics Trust Centre"
    assert "Ada Admin invited you to join Acme" in message.body_text
    url = link_in(message)
    assert url in message.body_html
    token = url.rstrip("/").rsplit("/", 1)[1]
    # Only the hash is stored; the token itself exists only in the email.
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)

    invitee = make_user("new.person@acme.test", full_name="Nia New")
    # Someone who already uses an authenticator app: joining as an admin, they go on to the
    # organisation's page (without one they would be asked to set one up first).
    login_with_second_factor(client, invitee)
    shown = client.get(path_of(url))
    assert shown.status_code == 200
    assert shown["Referrer-Policy"] == "no-referrer"
    text = shown.content.decode()
    assert "Join Acme" in text and "Accept and join Acme" in text
    # Opening the link (as a mail scanner would) changes nothing.
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not Membership.objects.filter(user=invitee).exists()

    accepted = client.post(path_of(url), follow=True)
    assert accepted.redirect_chain[-1][0] == reverse("accounts:organisation_detail", args=["acme"])
    assert "Welcome to Acme." in accepted.content.decode()
    membership = Membership.objects.get(user=invitee, organisation=org_a)
    assert membership.role == Membership.Role.ADMIN
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert AuditEvent.objects.filter(
        action="invitation.created", object_id=str(invitation.public_id)
    ).exists()
    assert AuditEvent.objects.get(action="invitation.accepted").actor == invitee

    # Single use: the same link again is refused, even by the same person.
    again = client.post(path_of(url))
    assert again.status_code == 400
    assert "This invitation has already been used." in again.content.decode()
    assert Membership.objects.filter(user=invitee).count() == 1


def _invitation_token(client, org, email, role="member"):
    invite(client, org, email, role)
    message = OutboxMessage.objects.filter(to_email=email).order_by("-created_at").first()
    return path_of(link_in(message))


def test_expired_invitation_is_refused_with_its_date(client, org_a, admin_a):
    login_with_second_factor(client, admin_a)
    url = _invitation_token(client, org_a, "late@acme.test")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(hours=1))
    client.force_login(make_user("late@acme.test"))
    shown = client.get(url).content.decode()
    assert "This invitation expired on" in shown and "Ask an admin of Acme for a new one." in shown
    assert "Accept and join" not in shown
    response = client.post(url)
    assert response.status_code == 400
    assert "This invitation expired on" in response.content.decode()
    assert not Membership.objects.filter(user__email="late@acme.test").exists()


def test_the_wrong_account_cannot_accept(client, org_a, admin_a):
    login_with_second_factor(client, admin_a)
    url = _invitation_token(client, org_a, "intended@acme.test")
    intruder = make_user("intruder@example.test")
    client.force_login(intruder)
    response = client.post(url)
    assert response.status_code == 400
    assert "This invitation is for intended@acme.test." in response.content.decode()
    assert not Membership.objects.filter(user=intruder).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_unconfirmed_address_cannot_accept(client, org_a, admin_a):
    from allauth.account.models import EmailAddress

    login_with_second_factor(client, admin_a)
    url = _invitation_token(client, org_a, "unconfirmed@acme.test")
    user = make_user("unconfirmed@acme.test")
    EmailAddress.objects.filter(user=user).update(verified=False)
    client.force_login(user)
    response = client.post(url)
    assert response.status_code == 400
    assert not Membership.objects.filter(user=user).exists()


def test_anonymous_visitor_is_asked_to_sign_in(client, org_a, admin_a):
    login_with_second_factor(client, admin_a)
    url = _invitation_token(client, org_a, "someone@acme.test")
    client.logout()
    text = client.get(url).content.decode()
    assert "To accept, sign in with someone@acme.test." in text
    assert f"{reverse('account_login')}?next=" in text
    assert reverse("account_signup") in text
    response = client.post(url)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert Invitation.objects.get().accepted_at is None


def test_unknown_token_is_not_found(client):
    response = client.get(reverse("accounts:invitation", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "This invitation link is not valid." in response.content.decode()


def test_reinviting_withdraws_the_older_link(client, org_a, admin_a):
    login_with_second_factor(client, admin_a)
    first = _invitation_token(client, org_a, "twice@acme.test")
    second = _invitation_token(client, org_a, "twice@acme.test")
    assert first != second
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1
    client.force_login(make_user("twice@acme.test"))
    old = client.post(first)
    assert old.status_code == 400
    assert "This invitation was withdrawn." in old.content.decode()
    assert client.post(second).status_code == 302
    assert Membership.objects.filter(user__email="twice@acme.test").exists()


def test_inviting_a_member_is_refused_clearly(client, org_a, admin_a, member_a):
    login_with_second_factor(client, admin_a)
    response = invite(client, org_a, "MEMBER@acme.test")
    assert response.status_code == 400
    assert "member@acme.test is already a member of Acme." in response.content.decode()
    assert not Invitation.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_invalid_email_is_refused(client, org_a, admin_a):
    login_with_second_factor(client, admin_a)
    response = invite(client, org_a, "not an email")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()


def test_admin_withdraws_an_invitation(client, org_a, admin_a):
    login_with_second_factor(client, admin_a)
    url = _invitation_token(client, org_a, "withdrawn@acme.test")
    invitation = Invitation.objects.get()
    response = client.post(
        reverse("accounts:invitation_revoke", args=[org_a.slug, invitation.public_id]), follow=True
    )
    assert "The invitation for withdrawn@acme.test was withdrawn." in response.content.decode()
    client.force_login(make_user("withdrawn@acme.test"))
    assert client.post(url).status_code == 400


def test_accepting_after_joining_by_domain_keeps_one_membership(client, org_a, admin_a):
    login_with_second_factor(client, admin_a)
    url = _invitation_token(client, org_a, "both@acme.test", role="admin")
    user = make_user("both@acme.test")
    add_member(user, org_a)
    client.force_login(user)
    assert client.post(url).status_code == 302
    assert Membership.objects.get(user=user).role == Membership.Role.ADMIN
