"""Legal adds a measure against governmental access on the register's staff pages, is told
what is wrong with an exclusion that names an exported category, and finds the new version,
dated, on the public register."""

import io
import re

import pytest
from playwright.sync_api import expect

from exports.statements_demo import seed as seed_statements
from exports.statements_models import ExcludedCategory, GovernmentAccessMeasure, RegisterVersion
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in_with_code
from tests.exports.test_register_appendix import seed_controls

pytestmark = [pytest.mark.e2e]


def test_legal_publishes_a_measure_and_the_public_register_shows_the_new_version(page, legal_user):
    seed_controls()
    seed_statements(io.StringIO())
    main = page.locator("main")

    sign_in_with_code(page, legal_user, PASSWORD)
    page.goto("/staff/")
    main.get_by_role("link", name="Data Act register").click()
    expect(main.get_by_role("heading", name="Data Act register: statements")).to_be_visible()
    expect(main).to_contain_text("Published version: 1")

    measures = main.locator("section", has=page.get_by_role("heading", name="Measures against"))
    measures.get_by_role("link", name="Add").click()
    form = main.locator("form")
    form.get_by_label("Title").fill("No key escrow")
    form.get_by_label("Description").fill("No authority is ever given a copy of our keys.")
    form.get_by_label("Trust centre control").select_option(label="Encryption: Secrets management")
    form.get_by_label("Note for the version history").fill("A new measure on keys.")
    form.get_by_role("button", name="Save and publish").click()
    expect(page).to_have_url(re.compile(r"/staff/data-act/$"))
    expect(main).to_contain_text("Version 2 of the register is published.")
    expect(main).to_contain_text("Government-access measure “No key escrow” added")
    assert GovernmentAccessMeasure.objects.get(title="No key escrow").control.title == (
        "Secrets management"
    )

    # An exclusion may not name a category the register exports: nothing is saved.
    excluded = main.locator("section", has=page.get_by_role("heading", name="Excluded categories"))
    excluded.get_by_role("link", name="Add").click()
    form = main.locator("form")
    form.get_by_label("Identifier").fill("leads")
    form.get_by_label("Name").fill("Leads")
    form.get_by_label("Description").fill("Contacts.")
    form.get_by_label("Justification").fill("None.")
    form.get_by_role("button", name="Save and publish").click()
    expect(main.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(main).to_contain_text("leads is a category the register exports")
    assert not ExcludedCategory.objects.filter(slug="leads").exists()
    assert RegisterVersion.objects.count() == 2

    page.goto("/data-act/")
    expect(main.locator("#register-version")).to_have_text("Version 2")
    expect(main.locator("#version-2")).to_contain_text("A new measure on keys.")
    measure = main.locator("#government-access li", has_text="No key escrow")
    expect(measure).to_contain_text("No authority is ever given a copy of our keys.")
    expect(measure.get_by_role("link", name="Secrets management")).to_be_visible()
    expect(main.locator("#switching-method-provider_to_provider")).to_contain_text("no")
