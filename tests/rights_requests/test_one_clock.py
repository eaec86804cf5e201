"""One clock: the requester and the DPO read the same event at the same clock time, labelled
with its zone, in one date format; a signed-in person who chose another zone reads it on theirs,
labelled too."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from tests.conftest import login_with_second_factor
from tests.rights_requests.conftest import last_email

pytestmark = pytest.mark.django_db

# 01:10 UTC on 6 December: 02:10 in the provider's zone (Europe/Berlin, CET).
RECEIVED = datetime.datetime(2026, 12, 6, 1, 10, tzinfo=datetime.UTC)


@pytest.fixture
def filed_at_night(file_request, time_machine):
    time_machine.move_to(RECEIVED)
    return file_request(type="access", email="night@example.org")


def received_line(page: str) -> str:
    match = re.search(r"Received</dt>\s*<dd>(.*?)</dd>", page, re.S)
    assert match, page
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def requester_page(client, rr) -> str:
    url = reverse("rights_requests:status", kwargs={"reference": rr.reference})
    client.post(url, {"email": rr.email})
    code = re.search(r"code is (\d{6})", last_email(rr.email).body_text).group(1)
    return html.unescape(client.post(url, {"code": code}, follow=True).content.decode())


def dpo_page(client, dpo_user, rr) -> str:
    login_with_second_factor(client, dpo_user)
    url = reverse("rights_requests_staff:request_detail", kwargs={"reference": rr.reference})
    return html.unescape(client.get(url).content.decode())


def test_the_requester_and_the_dpo_read_the_same_time_with_its_zone(
    client, filed_at_night, dpo_user
):
    requester = requester_page(client, filed_at_night)
    client.logout()
    dpo = dpo_page(client, dpo_user, filed_at_night)

    assert received_line(requester) == "6 Dec 2026, 02:10 CET"
    assert "6 Dec 2026, 02:10 CET" in received_line(dpo)
    # The history shows the same event at the same time on both pages.
    assert "6 Dec 2026, 02:10 CET" in requester.split("History and messages", 1)[1]
    assert "01:10" not in requester and "01:10" not in dpo
    # One date format: no ISO dates in what either reads.
    for page in (requester, dpo):
        visible = re.sub(r'(datetime|data-[a-z-]+|value)="[^"]*"', "", page)
        assert not re.search(r">[^<]*\b20\d\d-\d\d-\d\d\b", visible)


def test_a_dpo_who_chose_another_zone_reads_it_there_labelled(client, filed_at_night, dpo_user):
    dpo_user.time_zone = "America/New_York"
    dpo_user.save(update_fields=["time_zone"])
    assert "5 Dec 2026, 20:10 EST" in received_line(dpo_page(client, dpo_user, filed_at_night))
