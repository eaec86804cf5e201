"""The customer's one extension of the transition (Data Act Art. 25(5)), through the portal:
any later day it deems more appropriate, beyond the provider's 7 months, and only once."""

import datetime

import pytest
from django.utils import timezone

from exports.end_of_contract import periods, services
from exports.end_of_contract.models import EndOfContractCase
from tests.conftest import login_with_second_factor
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

URL = "/portal/leaving/acme/extend-transition/"


@pytest.fixture
def open_case(org_a, admin_a):
    today = timezone.now().date()
    org_a.contract_end = today - datetime.timedelta(days=1)
    org_a.save()
    services.cases_open_for_ended_contracts(today=today)
    return EndOfContractCase.objects.get(organisation=org_a)


def test_the_page_offers_the_extension_without_the_providers_seven_months(
    client, admin_a, open_case
):
    login_with_second_factor(client, admin_a)
    text = client.get("/portal/leaving/").content.decode()
    assert "Extend the transition once, with a reason, to the day your organisation needs" in text
    assert "Any later day your organisation needs, once (Data Act Art. 25(5))" in text
    seven_months = periods.latest_alternative_transition_end(open_case.transition_start)
    assert f"until {seven_months:%-d %b %Y} at the latest" not in text


def test_an_extension_beyond_seven_months_is_recorded_once(client, admin_a, open_case):
    login_with_second_factor(client, admin_a)
    seven_months = periods.latest_alternative_transition_end(open_case.transition_start)
    new_end = seven_months + datetime.timedelta(days=61)
    response = client.post(URL, {"new_end": new_end.isoformat(), "reason": "Our own migration"})
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.transition_end == new_end
    assert open_case.retrieval_end == periods.earliest_retrieval_end(new_end)
    page = client.get(response["Location"]).content.decode()
    assert "The transition is extended." in page
    assert "Extend the transition (once)" not in page
    # A second extension is refused and changes nothing.
    again = client.post(
        URL, {"new_end": (new_end + datetime.timedelta(days=30)).isoformat(), "reason": "More"}
    )
    assert again.status_code == 400
    assert "The transition can be extended once, and it has been." in again.content.decode()
    open_case.refresh_from_db()
    assert open_case.transition_end == new_end
    assert OutboxMessage.objects.filter(cause__startswith="eoc-extended:").count() == 1
