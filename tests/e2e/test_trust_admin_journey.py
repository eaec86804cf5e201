"""The trust admin's rounds, on a laptop and on a phone: sign in with the second factor, open
the staff home, the documents and one document, the access requests and the NDA register;
then the footer's service status page and back. axe checks every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import main_nav_link, sign_in_with_code
from tests.e2e.test_trust_centre_journey import library  # noqa: F401 (a fixture)

pytestmark = pytest.mark.e2e


def test_trust_admin_curates_documents_and_reads_the_registers(page, library, trust_admin_user):  # noqa: F811
    main = page.locator("main")
    sign_in_with_code(page, trust_admin_user, PASSWORD)
    main_nav_link(page, "Staff").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))

    page.goto("/staff/documents/")
    expect(main.get_by_role("heading", level=1)).to_be_visible()
    main.get_by_role("link", name="Penetration test summary").first.click()
    expect(main).to_contain_text("Penetration test summary")

    page.goto("/staff/access-requests/")
    main.get_by_role("link", name="NDA register").click()
    expect(main.get_by_role("heading", name="NDA register")).to_be_visible()
    expect(main).to_contain_text("No one has accepted an NDA yet.")

    page.locator("footer").get_by_role("link", name="Service status").click()
    expect(main.get_by_role("heading", name="Service status")).to_be_visible()
    main.get_by_role("link", name="Back to the trust centre").click()
    expect(page).to_have_url(re.compile(r"/$"))


HEADER_ITEMS = ", ".join(
    f"header {selector}"
    for selector in (".brand", ".main-nav a", ".account-menu > summary", ".account-nav .button")
)


def _header_spread(page) -> float:
    """How far apart, vertically, the middles of the header's brand, links and buttons are:
    on one line, less than a line's height."""
    middles = page.locator(HEADER_ITEMS).evaluate_all(
        "els => els.map(el => {"
        " const r = el.getBoundingClientRect(); return r.top + r.height / 2; })"
    )
    return max(middles) - min(middles)


def test_the_header_fits_on_one_line(browser, live_server, trust_admin_user):
    from tests.e2e.conftest import AccessibilityCheck

    for width, signed_in in ((1280, False), (1440, True)):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        accessibility = AccessibilityCheck(page)
        page.on("load", accessibility.on_load)
        if signed_in:
            sign_in_with_code(page, trust_admin_user, PASSWORD)
        else:
            page.goto("/")
        expect(page.locator("header .account-nav .button").first).to_be_visible()
        assert _header_spread(page) < 16, f"the header wraps at {width} px"
        context.close()
        assert accessibility.violations == []
