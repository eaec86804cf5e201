"""GET /api/v1/organisation/members/: the key's organisation's members, cursor-paginated, never
another organisation's."""

from datetime import timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tests.api.conftest import bearer, is_problem
from trustcentre.accounts.models import Membership, User

URL = "/api/v1/organisation/members/"


def test_members_of_the_keys_organisation_only(client, admin_a, member_a, admin_b, key_a):
    response = client.get(URL, **bearer(key_a[1]))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    by_email = {row.pop("email"): row for row in body["results"]}
    assert set(by_email) == {"admin@acme.test", "member@acme.test"}
    assert {key: by_email["admin@acme.test"][key] for key in ("full_name", "role")} == {
        "full_name": "Ada Admin",
        "role": "admin",
    }
    assert by_email["member@acme.test"]["role"] == "member"
    joined = Membership.objects.get(user=member_a).joined_at
    assert parse_datetime(by_email["member@acme.test"]["joined_at"]) == joined
    assert "globex" not in response.content.decode()


def test_pages_follow_the_cursor_in_joining_order(client, org_a, admin_a, key_a):
    start = timezone.now() - timedelta(days=10)
    Membership.objects.filter(user=admin_a).update(joined_at=start - timedelta(days=1))
    # bulk_create: no password hashing, which would make this test take half a minute.
    users = User.objects.bulk_create(
        User(email=f"person{number:02d}@acme.test") for number in range(55)
    )
    Membership.objects.bulk_create(
        Membership(organisation=org_a, user=user, joined_at=start + timedelta(hours=number))
        for number, user in enumerate(users)
    )

    first = client.get(URL, **bearer(key_a[1])).json()
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert first["results"][0]["email"] == "admin@acme.test"
    assert first["results"][1]["email"] == "person00@acme.test"
    # The cursor is opaque: no row id in the address.
    assert "cursor=" in first["next"]

    second = client.get(first["next"], **bearer(key_a[1])).json()
    assert [row["email"] for row in second["results"]] == [
        f"person{number:02d}@acme.test" for number in range(49, 55)
    ]
    assert second["next"] is None

    small = client.get(f"{URL}?page_size=10", **bearer(key_a[1])).json()
    assert len(small["results"]) == 10


def test_an_invalid_cursor_is_a_404_problem(client, key_a):
    body = is_problem(client.get(f"{URL}?cursor=bm9uc2Vuc2U", **bearer(key_a[1])), 404)
    assert body["detail"] == "Invalid cursor"


def test_the_members_list_needs_a_key(client, admin_a):
    is_problem(client.get(URL), 401)
