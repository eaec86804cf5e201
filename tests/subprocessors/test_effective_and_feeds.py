"""A notice takes effect by itself at its date and makes a new numbered list version; the JSON
list, the change notices, the Atom feed and the iCalendar deadline show it."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from subprocessors import services, tasks
from subprocessors.models import ChangeNotice, ListVersion, SubProcessor
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_a_due_notice_becomes_effective_and_makes_version_2(announced, register):
    assert tasks.make_due_notices_effective() == 0  # not yet
    later = announced.effective_at + datetime.timedelta(seconds=1)
    assert services.notices_make_due_effective(now=later) == 1
    assert services.notices_make_due_effective(now=later) == 0  # safe to run twice
    announced.refresh_from_db()
    assert announced.status == ChangeNotice.Status.EFFECTIVE
    version = ListVersion.objects.get(number=2)
    assert version.notice == announced
    assert {entry["name"] for entry in version.entries} == {
        "Hostly",
        "Mailer",
        "Helpdesk",
        "Warehouse",
    }
    assert ListVersion.objects.get(number=1).entries != version.entries  # kept as it was


def test_a_change_notice_changes_the_entry_and_the_comparison_shows_it(
    client, register, legal_user, org_a
):
    notice = services.notice_create(
        kind="change",
        subprocessor=register["hosting"],
        summary="Hostly adds a US region",
        reason="Capacity",
        proposed_changes={"countries": ["DE", "US"], "transfer_mechanism": "dpf"},
    )
    effective = timezone.now().date() + datetime.timedelta(days=40)
    services.notice_announce(notice=notice, effective_date=effective, user=legal_user)
    services.notices_make_due_effective(now=timezone.now() + datetime.timedelta(days=41))
    register["hosting"].refresh_from_db()
    assert register["hosting"].countries == ["DE", "US"]
    page = client.get("/subprocessors/versions/compare/?from=1&to=2")
    text = page.content.decode()
    assert "Hostly" in text and "DE, IE" in text and "DE, US" in text
    assert "EU-US Data Privacy Framework" in text


def test_invalid_country_in_a_change_is_refused(register):
    with pytest.raises(ValidationError) as refused:
        services.notice_create(
            kind="change",
            subprocessor=register["hosting"],
            summary="x",
            reason="y",
            proposed_changes={"countries": ["EU"]},
        )
    assert (
        "Not ISO 3166-1 alpha-2 country codes: EU"
        in refused.value.message_dict["proposed_changes"][0]
    )


def test_api_list_and_changes(client, announced):
    body = client.get("/api/v1/subprocessors/").json()
    first = body["results"][0]
    assert set(first) >= {"id", "name", "purpose", "countries", "transfer_mechanism", "status"}
    assert {item["name"] for item in body["results"]} == {"Hostly", "Mailer", "Helpdesk"}
    changes = client.get("/api/v1/subprocessors/changes/").json()["results"]
    (change,) = changes
    assert change["id"] == str(announced.public_id)
    assert change["kind"] == "add" and change["status"] == "announced"
    assert change["subprocessor"]["name"] == "Warehouse"
    assert change["objection_deadline"] and change["effective_at"] and change["announced_at"]


def test_drafts_are_not_public(client, draft):
    assert client.get("/api/v1/subprocessors/changes/").json()["results"] == []
    assert client.get(f"/subprocessors/changes/{draft.public_id}/").status_code == 404


def test_the_atom_feed_has_one_entry_per_notice(client, announced, register):
    withdrawn = services.notice_create(
        kind="remove", subprocessor=register["support"], summary="Helpdesk goes", reason="Unused"
    )
    services.notice_withdraw(notice=withdrawn, reason="Changed our mind")
    response = client.get("/subprocessors/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 (our own feed, in a test)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    ids = {entry.find(f"{ATOM}id").text for entry in entries}
    assert f"urn:uuid:{announced.public_id}" in ids
    for entry in entries:
        assert entry.find(f"{ATOM}updated") is not None and entry.find(f"{ATOM}title").text


def test_the_deadline_as_icalendar(client, announced, admin_a, org_a):
    public = client.get(
        f"/subprocessors/changes/{announced.public_id}/deadline.ics"
    ).content.decode()
    assert public.startswith("BEGIN:VCALENDAR\r\n") and public.endswith("END:VCALENDAR\r\n")
    deadline = announced.objection_deadline.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{deadline}" in public
    assert all(len(line.encode()) <= 75 for line in public.split("\r\n"))
    login_with_second_factor(client, admin_a)
    own = client.get(f"/subprocessors/changes/{announced.public_id}/deadline.ics").content.decode()
    assert "(Acme)" in own.replace("\r\n ", "")


def test_the_public_list_shows_the_current_version(client, announced):
    page = client.get("/subprocessors/")
    text = page.content.decode()
    assert "version 1" in text
    assert "Hostly" in text and "Warehouse for analytics" in text  # the announced change
    assert SubProcessor.objects.get(name="Warehouse").status == "proposed"
