"""Joining an organisation by confirming an address at one of its email domains."""

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.urls import reverse

from tests.conftest import make_user
from trustcentre.accounts import services
from trustcentre.accounts.models import Membership, User
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def new_unconfirmed_user(email):
    user = User.objects.create_user(email=email, password="correct horse battery staple")
    address = EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    return user, address


def confirm(client, address):
    """What the person does: open the link from allauth's email and press Confirm."""
    key = EmailConfirmationHMAC(address).key
    response = client.post(reverse("account_confirm_email", args=[key]))
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.verified


def test_confirming_an_address_joins_as_member(client, org_a, admin_a):
    org_a.allow_domain_join = True
    org_a.save()
    user, address = new_unconfirmed_user("newcomer@acme.test")
    assert not Membership.objects.filter(user=user).exists()

    confirm(client, address)

    membership = Membership.objects.get(user=user)
    assert membership.organisation == org_a
    assert membership.role == Membership.Role.MEMBER
    event = AuditEvent.objects.get(action="membership.created")
    assert event.details == {"user": str(user.public_id), "role": "member", "via": "email_domain"}
    # The admins hear about it, since nobody approved the join.
    notice = OutboxMessage.objects.get(to_email="admin@acme.test")
    assert notice.subject == "newcomer@acme.test joined Acme"


def test_no_join_without_allow_domain_join(client, org_a):
    assert org_a.allow_domain_join is False
    user, address = new_unconfirmed_user("newcomer@acme.test")
    confirm(client, address)
    assert not Membership.objects.filter(user=user).exists()


def test_no_join_with_an_unconfirmed_address(org_a):
    org_a.allow_domain_join = True
    org_a.save()
    user, _ = new_unconfirmed_user("newcomer@acme.test")
    assert services.organisation_join_by_domain(user=user) == []
    assert not Membership.objects.filter(user=user).exists()


def test_other_domains_do_not_join(client, org_a, org_b):
    for org in (org_a, org_b):
        org.allow_domain_join = True
        org.save()
    user, address = new_unconfirmed_user("someone@globex.test")
    confirm(client, address)
    assert list(
        Membership.objects.filter(user=user).values_list("organisation__slug", flat=True)
    ) == ["globex"]


def test_never_twice_and_never_demoted(org_a, admin_a):
    org_a.allow_domain_join = True
    org_a.save()
    assert services.organisation_join_by_domain(user=admin_a) == []
    assert Membership.objects.get(user=admin_a).role == Membership.Role.ADMIN
    user = make_user("second@acme.test")
    assert len(services.organisation_join_by_domain(user=user)) == 1
    assert services.organisation_join_by_domain(user=user) == []
    assert Membership.objects.filter(user=user).count() == 1
