"""The retention schedule end to end: a visitor finds it from the trust centre and from the Data
Act register and reads each period (the configured ones as the settings say); legal signs in with
the second factor, types a period that is not a duration (refused, nothing changes), then a good
one, and the public page shows it at once."""

import re

import pytest
from playwright.sync_api import expect

from retention import services
from retention.models import RetentionRule
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import sign_in_with_code

pytestmark = pytest.mark.e2e


@pytest.fixture
def schedule(db, settings):
    settings.EXPORT_RETENTION_DAYS = 9
    legal = make_user("lena@provider.test", roles=["legal"], full_name="Lena Legal")
    services.retention_rule_create(
        key="audit_log",
        data="Audit log",
        period="P6Y",
        starts="The event is written",
        at_end="Deleted",
        user=legal,
    )
    return legal


def test_a_visitor_reads_the_schedule_and_legal_changes_a_period(page, schedule):
    page.goto("/")
    page.locator("main").get_by_role("link", name="How long we keep data").click()
    expect(page).to_have_url(re.compile(r"/retention/$"))
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Retention schedule")).to_be_visible()
    archives = main.locator("tr#export_archives")
    expect(archives).to_contain_text("9 days")
    expect(archives).to_contain_text("configured")
    expect(archives).to_contain_text("The archive is deleted")
    expect(main.locator("tr#audit_log")).to_contain_text("6 years")
    expect(main.locator("tr#customer_data-leads")).to_contain_text("retrieval period")

    page.goto("/data-act/")
    page.locator("main").get_by_role("link", name="How long data is kept").click()
    expect(page).to_have_url(re.compile(r"/retention/$"))

    sign_in_with_code(page, schedule, PASSWORD)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    page.locator("main").get_by_role("link", name="Retention schedule").click()
    main = page.locator("main")
    main.get_by_role("link", name="Audit log").click()
    main.get_by_label("Period").fill("for ever")
    main.get_by_role("button", name="Save and publish").click()
    expect(main).to_contain_text("“for ever” is not a period")
    assert RetentionRule.objects.get().period == "P6Y"

    main.get_by_label("Period").fill("7 years")
    main.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_role("status")).to_contain_text("Saved and published")
    expect(main).to_contain_text("7 years")

    page.goto("/retention/")
    expect(page.locator("main tr#audit_log")).to_contain_text("7 years")
