"""The day a change takes effect is one calendar day in the provider's zone everywhere: a change
effective on 6 January 2027 starts at 00:00 in Berlin, which is 23:00 UTC on 5 January; the
calendar file, the feed, the JSON API, the pages and the emails all say 6 January."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core import mail

from subprocessors import services
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
DAY = datetime.date(2027, 1, 6)


@pytest.fixture
def january(draft, legal_user, org_a, admin_a, committed):
    announced_at = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    with committed():
        notice = services.notice_announce(
            notice=draft, effective_date=DAY, user=legal_user, now=announced_at
        )
    notice.refresh_from_db()
    # The stored instant is on the previous day in UTC: the trap every place must avoid.
    assert notice.effective_at.astimezone(datetime.UTC).date() == datetime.date(2027, 1, 5)
    return notice


def test_every_place_names_the_same_effective_day(client, january, admin_a):
    unfolded = (
        client.get(f"/subprocessors/changes/{january.public_id}/deadline.ics")
        .content.decode()
        .replace("\r\n ", "")
    )
    assert "DTSTART;VALUE=DATE:20270106" in unfolded
    assert "DTEND;VALUE=DATE:20270107" in unfolded
    assert "It takes effect on 6 Jan 2027." in unfolded
    assert "20270105" not in unfolded and "5 Jan 2027" not in unfolded

    feed = ET.fromstring(client.get("/subprocessors/feed.atom").content)  # noqa: S314
    (entry,) = feed.findall(f"{ATOM}entry")
    assert "Takes effect: 6 Jan 2027" in entry.find(f"{ATOM}summary").text

    (change,) = client.get("/api/v1/subprocessors/changes/").json()["results"]
    assert change["effective_date"] == "2027-01-06"
    assert change["effective_at"].startswith("2027-01-06T00:00:00")
    assert datetime.datetime.fromisoformat(change["effective_at"]) == january.effective_at

    for path in (f"/subprocessors/changes/{january.public_id}/", "/subprocessors/"):
        assert "6 Jan 2027" in client.get(path).content.decode()

    login_with_second_factor(client, admin_a)
    portal = client.get(f"/portal/subprocessors/acme/changes/{january.public_id}/").content
    assert "6 Jan 2027" in portal.decode()
    assert "5 Jan 2027" not in portal.decode()

    (email,) = [m for m in mail.outbox if m.to == ["admin@acme.test"]]
    assert "Takes effect: 6 Jan 2027" in email.body
