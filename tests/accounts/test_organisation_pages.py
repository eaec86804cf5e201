"""The portal's organisation page: who sees what, and who may change what (permission matrix)."""

import pytest
from django.urls import reverse

from tests.conftest import add_member, login_with_second_factor, make_user
from trustcentre.accounts.models import Membership

pytestmark = pytest.mark.django_db


def page(org):
    return reverse("accounts:organisation_detail", args=[org.slug])


def test_anonymous_is_sent_to_sign_in(client, org_a):
    for url in (page(org_a), reverse("accounts:profile")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_member_sees_the_members_but_no_admin_controls(client, org_a, admin_a, member_a):
    client.force_login(member_a)
    response = client.get(page(org_a))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ada Admin" in text and "admin@acme.test" in text
    assert "Max Member" in text and "member@acme.test" in text
    assert "Invite someone" not in text
    assert "Open invitations" not in text
    assert "Change role" not in text


def test_admin_sees_invite_form_and_member_actions(client, org_a, admin_a, member_a):
    login_with_second_factor(client, admin_a)
    text = client.get(page(org_a)).content.decode()
    assert "Invite someone" in text
    assert "Change role" in text
    assert reverse("accounts:membership_remove", args=[org_a.slug, member_a.public_id]) in text


def test_another_organisations_page_is_not_found(client, org_a, org_b, member_a, admin_b):
    client.force_login(member_a)
    assert client.get(page(org_b)).status_code == 404
    # An admin of B fares no better on A.
    login_with_second_factor(client, admin_b)
    assert client.get(page(org_a)).status_code == 404


def test_cannot_touch_another_organisations_members(client, org_a, org_b, admin_a, admin_b):
    victim = make_user("victim@globex.test")
    add_member(victim, org_b)
    login_with_second_factor(client, admin_a)
    urls = [
        reverse("accounts:membership_remove", args=[org_b.slug, victim.public_id]),
        reverse("accounts:membership_change_role", args=[org_b.slug, victim.public_id]),
        # B's member addressed through A's own page: still not found.
        reverse("accounts:membership_remove", args=[org_a.slug, victim.public_id]),
        reverse("accounts:membership_change_role", args=[org_a.slug, victim.public_id]),
        reverse("accounts:invitation_create", args=[org_b.slug]),
    ]
    for url in urls:
        response = client.post(url, {"role": "admin", "email": "x@globex.test"})
        assert response.status_code == 404, url
    assert Membership.objects.get(user=victim).role == Membership.Role.MEMBER
    assert not org_b.invitations.exists()


def test_member_gets_403_on_admin_actions(client, org_a, admin_a, member_a):
    colleague = make_user("colleague@acme.test")
    add_member(colleague, org_a)
    client.force_login(member_a)
    posts = [
        (
            reverse("accounts:invitation_create", args=[org_a.slug]),
            {"email": "new@acme.test", "role": "member"},
        ),
        (reverse("accounts:membership_remove", args=[org_a.slug, colleague.public_id]), {}),
        (
            reverse("accounts:membership_change_role", args=[org_a.slug, admin_a.public_id]),
            {"role": "member"},
        ),
        (
            reverse("accounts:membership_change_role", args=[org_a.slug, member_a.public_id]),
            {"role": "admin"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert (
        client.get(
            reverse("accounts:membership_remove", args=[org_a.slug, colleague.public_id])
        ).status_code
        == 403
    )
    assert Membership.objects.filter(organisation=org_a).count() == 3
    assert Membership.objects.get(user=member_a).role == Membership.Role.MEMBER
    assert not org_a.invitations.exists()


def test_staff_use_the_staff_pages_not_the_portal_page(client, org_a, legal_user):
    from tests.conftest import login_with_second_factor

    login_with_second_factor(client, legal_user)
    assert client.get(page(org_a)).status_code == 404
    assert client.get(reverse("staff_organisations:detail", args=[org_a.slug])).status_code == 200


def test_member_list_filters_by_role_and_search(client, org_a, admin_a, member_a):
    login_with_second_factor(client, admin_a)
    # The signed-in person's address is also in the header, so look at the table's cells.
    text = client.get(page(org_a), {"role": "admin"}).content.decode()
    assert "<td>admin@acme.test</td>" in text and "<td>member@acme.test</td>" not in text
    text = client.get(page(org_a), {"q": "max"}).content.decode()
    assert "<td>member@acme.test</td>" in text and "<td>admin@acme.test</td>" not in text
    text = client.get(page(org_a), {"q": "nobody-like-this"}).content.decode()
    assert "No members match these filters." in text


def test_member_list_is_paginated(client, org_a, admin_a):
    for n in range(55):
        add_member(make_user(f"person{n:02}@acme.test", full_name=f"Person {n:02}"), org_a)
    login_with_second_factor(client, admin_a)
    first = client.get(page(org_a)).content.decode()
    assert "Page 1 of 2" in first
    second = client.get(page(org_a), {"page": 2}).content.decode()
    assert "Page 2 of 2" in second
    assert "person54@acme.test" in second and "person54@acme.test" not in first


def test_portal_home_links_to_each_organisation(client, org_a, org_b, member_a):
    add_member(member_a, org_b)
    client.force_login(member_a)
    text = client.get(reverse("pages:portal_home")).content.decode()
    assert page(org_a) in text and page(org_b) in text
