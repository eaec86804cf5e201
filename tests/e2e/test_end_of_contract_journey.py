"""A customer admin whose contract has ended opens the leaving page, chooses return then
deletion with the periods, and sees the timeline with the dates the choice gives."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from exports.end_of_contract import services
from exports.end_of_contract.models import EndOfContractCase
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in_with_code

pytestmark = [pytest.mark.e2e]


def test_customer_admin_chooses_return_then_deletion_and_sees_the_timeline(
    page, org_a, admin_a, member_a
):
    today = timezone.now().date()
    org_a.contract_end = today - datetime.timedelta(days=1)
    org_a.save()
    case = services.case_open_for_contract_end(organisation=org_a, today=today)
    main = page.locator("main")

    sign_in_with_code(page, admin_a, PASSWORD)
    expect(page).to_have_url(re.compile(r"/portal/$"))
    page.goto("/portal/leaving/")
    expect(main.get_by_role("heading", name="End of contract: Acme")).to_be_visible()
    expect(main).to_contain_text("Awaiting the customer's choice")
    timeline = main.get_by_role("list", name="Timeline")
    for period in ("Notice", "Transition", "Data retrieval", "Erasure"):
        expect(timeline.get_by_role("heading", name=period)).to_be_visible()

    # Outside the Data Act's bounds first: the page says why, nothing is recorded.
    form = main.locator("form", has=page.get_by_role("button", name="Record the choice"))
    form.get_by_label("Return the data, then delete it").check()
    form.get_by_label("Data retrieval (days)").fill("20")
    form.get_by_role("button", name="Record the choice").click()
    expect(main).to_contain_text("Data retrieval lasts at least 30 days")
    case.refresh_from_db()
    assert case.choice == ""

    form = main.locator("form", has=page.get_by_role("button", name="Record the choice"))
    form.get_by_label("Return the data, then delete it").check()
    form.get_by_label("Transition (days)").fill("30")
    form.get_by_label("Data retrieval (days)").fill("45")
    form.get_by_role("button", name="Record the choice").click()

    expect(page).to_have_url(re.compile(r"/portal/leaving/acme/$"))
    expect(main).to_contain_text("Your choice is recorded.")
    expect(main).to_contain_text("Return the data, then delete it")
    case.refresh_from_db()
    assert case.choice == "return_then_delete"
    retrieval = timeline.locator("[data-period=retrieval]")
    expect(retrieval).to_contain_text(case.transition_end.strftime("%-d %b %Y"))
    expect(retrieval).to_contain_text(case.retrieval_end.strftime("%-d %b %Y"))
    expect(retrieval).to_contain_text("45 days")
    expect(timeline.locator("[data-period=erasure]")).to_contain_text(
        case.retrieval_end.strftime("%-d %b %Y")
    )
    expect(main.get_by_role("link", name="Export your data")).to_be_visible()
    expect(main.get_by_role("button", name="Record the choice")).to_have_count(0)
    assert EndOfContractCase.objects.count() == 1
