"""A change to a sub-processor reads as before → after in words, with country names and the
transfer mechanism's label, on the public change page, legal's notice page, the customer's
change page, in the announcement email and in the Atom feed: never a raw list or a code."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from subprocessors import services
from subprocessors.models import TransferMechanism
from tests.conftest import login_with_second_factor
from tests.subprocessors.conftest import earliest_effective, make_subprocessor

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"

LOCATION = "Processing location: Germany, Netherlands → United States"
MECHANISM = (
    "Transfer mechanism: No transfer (processing inside the EEA) → "
    "EU SCCs, module 3 (processor to processor)"
)
RAW = ("['", "scc_module_3", "countries:", "transfer_mechanism", "'US'")


@pytest.fixture
def moving(register, legal_user, org_a, admin_a, committed):
    """A store in Germany and the Netherlands that moves to the United States."""
    store = make_subprocessor(
        "Storely", countries=["DE", "NL"], transfer_mechanism=TransferMechanism.NONE_NEEDED
    )
    notice = services.notice_create(
        kind="change",
        subprocessor=store,
        summary="Storely moves to the US",
        reason="A new data centre",
        proposed_changes={"countries": ["US"], "transfer_mechanism": "scc_module_3"},
        user=legal_user,
    )
    with committed():
        return services.notice_announce(
            notice=notice, effective_date=earliest_effective(), user=legal_user
        )


def words_of(html: str) -> str:
    """The page as a sighted reader sees it: text for screen readers and tags dropped, space
    collapsed."""
    html = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" :", ":")


def assert_in_words(text: str) -> None:
    assert LOCATION in text
    assert MECHANISM in text
    for raw in RAW:
        assert raw not in text, raw


def test_every_place_says_the_change_in_words(client, moving, admin_a, legal_user):
    public = client.get(f"/subprocessors/changes/{moving.public_id}/")
    assert_in_words(words_of(public.content.decode()))

    staff = Client()
    login_with_second_factor(staff, legal_user)
    page = staff.get(f"/staff/subprocessors/notices/{moving.public_id}/")
    assert_in_words(words_of(page.content.decode()))

    customer = Client()
    login_with_second_factor(customer, admin_a)
    page = customer.get(f"/portal/subprocessors/acme/changes/{moving.public_id}/")
    assert_in_words(words_of(page.content.decode()))

    (email,) = [m for m in mail.outbox if m.to == ["admin@acme.test"]]
    assert_in_words(" ".join(email.body.split()))
    html = email.alternatives[0][0]
    assert_in_words(words_of(html))

    feed = ET.fromstring(client.get("/subprocessors/feed.atom").content)  # noqa: S314
    entry = next(
        entry
        for entry in feed.findall(f"{ATOM}entry")
        if "Storely" in entry.find(f"{ATOM}title").text
    )
    assert_in_words(" ".join(entry.find(f"{ATOM}summary").text.split()))


def test_after_it_takes_effect_the_page_still_shows_what_it_was_before(client, moving):
    services.notices_make_due_effective(now=timezone.now() + datetime.timedelta(days=60))
    moving.refresh_from_db()
    assert moving.status == "effective"
    page = client.get(f"/subprocessors/changes/{moving.public_id}/")
    assert_in_words(words_of(page.content.decode()))


def test_an_addition_names_its_countries_and_mechanism(client, announced):
    text = words_of(client.get(f"/subprocessors/changes/{announced.public_id}/").content.decode())
    assert "Sub-processor: none → Warehouse (Warehouse GmbH)" in text
    assert "Processing location: none → United States" in text
    assert "Transfer mechanism: none → EU SCCs, module 3 (processor to processor)" in text
