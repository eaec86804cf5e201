"""The return from the identity provider: who gets signed in, as whom, and into what."""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from tests.sso.conftest import sso_round_trip, start_sign_in, through_provider
from trustcentre.accounts.models import Membership, User
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage


def test_first_sign_in_creates_a_member_without_password(
    client, acme_idp, oidc_provider, org_a, admin_a
):
    response = sso_round_trip(client, "new.person@acme.test")

    assert response.status_code == 302
    user = User.objects.get(email="new.person@acme.test")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not user.has_usable_password()
    assert user.full_name == "New Person"
    assert EmailAddress.objects.get(user=user).verified
    membership = Membership.objects.get(user=user)
    assert membership.organisation == org_a and membership.role == Membership.Role.MEMBER
    assert SocialAccount.objects.get(user=user).provider == "org-acme"
    portal = client.get(response["Location"], follow=True)
    assert portal.status_code == 200
    assert portal.request["PATH_INFO"] == "/portal/"
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "membership.created" in actions and "sso.signed_in" in actions
    joined = AuditEvent.objects.get(action="membership.created", organisation=org_a)
    assert joined.details == {"user": str(user.public_id), "role": "member", "via": "sso"}
    # The organisation's own identity provider vouched for the person: no email to its admins,
    # unlike a join by email domain that nobody approved.
    assert not OutboxMessage.objects.filter(to_email=admin_a.email).exists()


def test_the_session_key_changes_at_sign_in(client, acme_idp):
    authorize_url = start_sign_in(client, "new.person@acme.test")
    key_before = client.session.session_key
    client.get(through_provider(authorize_url))

    assert "_auth_user_id" in client.session
    assert client.session.session_key != key_before


def test_an_existing_account_of_the_same_verified_address_is_linked(
    client, acme_idp, oidc_provider, member_a
):
    oidc_provider.identity = {**oidc_provider.identity, "sub": "max", "email": member_a.email}

    sso_round_trip(client, member_a.email)

    assert client.session["_auth_user_id"] == str(member_a.pk)
    assert SocialAccount.objects.get(provider="org-acme", uid="max").user == member_a
    assert User.objects.filter(email=member_a.email).count() == 1
    assert Membership.objects.filter(user=member_a).count() == 1  # not added twice


def test_a_returning_person_signs_in_again_to_the_same_account(client, acme_idp):
    sso_round_trip(client, "new.person@acme.test")
    client.post("/accounts/logout/")

    sso_round_trip(client, "new.person@acme.test")

    user = User.objects.get(email="new.person@acme.test")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert SocialAccount.objects.filter(user=user).count() == 1


def test_an_unverified_address_of_an_existing_account_loses_its_password(
    client, acme_idp, oidc_provider
):
    """Someone who signed up with a colleague's address (never confirmed) cannot keep a way in
    once the real owner signs in through the organisation's provider."""
    from tests.conftest import PASSWORD

    squatter = User.objects.create_user(email="new.person@acme.test", password=PASSWORD)
    EmailAddress.objects.create(user=squatter, email=squatter.email, verified=False, primary=True)

    sso_round_trip(client, "new.person@acme.test")

    squatter.refresh_from_db()
    assert client.session["_auth_user_id"] == str(squatter.pk)
    assert not squatter.has_usable_password()
    assert EmailAddress.objects.get(user=squatter).verified
