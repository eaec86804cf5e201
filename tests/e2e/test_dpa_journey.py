"""A customer admin reviews the DPA and signs it with a code from their authenticator app,
legal countersigns it in the back office, and the admin downloads the executed PDF."""

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dpa.models import Agreement
from tests.conftest import PASSWORD, authenticator_code, give_authenticator
from tests.dpa.factories import make_controls, make_subprocessors, make_version
from tests.e2e.conftest import TIMEOUT_MS, sign_in_with_code

pytestmark = [pytest.mark.e2e]


def test_admin_signs_with_a_totp_code_legal_countersigns_admin_downloads(
    page, browser, live_server, org_a, admin_a, legal_user, tmp_path, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    make_controls(3)
    list_version = make_subprocessors(3)
    make_version()
    admin_device = give_authenticator(admin_a)
    main = page.locator("main")

    # The admin signs in with their second factor and opens the DPA.
    sign_in_with_code(page, admin_a, PASSWORD)
    page.goto("/portal/dpa/")
    expect(main.get_by_role("heading", name="Data processing agreement: Acme")).to_be_visible()
    expect(main).to_contain_text("Not signed")
    main.get_by_role("link", name="Review and sign version 1").click()
    expect(main).to_contain_text(list_version.entries[0]["name"])

    form = main.locator("form", has=page.get_by_role("button", name="Sign the DPA"))
    form.get_by_label("Legal name of your organisation").fill("Acme Corporation GmbH")
    form.get_by_label("Registered address").fill("1 Road Runner Way, Berlin")
    form.get_by_label("Signatory's name").fill("Ada Admin")
    form.get_by_label("Signatory's title").fill("Managing Director")
    form.get_by_label("Contact for notices").fill("privacy@acme.test")
    form.get_by_label("I have read this agreement").check()
    # The code of the sign-in step was used; the app's next code signs.
    form.get_by_label("Code from your authenticator app").fill(authenticator_code(admin_device))
    form.get_by_role("button", name="Sign the DPA").click()
    expect(page).to_have_url(re.compile(r"/portal/dpa/acme/$"))
    expect(main).to_contain_text("You signed version 1 of the DPA")
    expect(main).to_contain_text("awaits our countersignature")
    agreement = Agreement.objects.get()
    assert agreement.signed_by == admin_a and agreement.signed_second_factor == "totp"

    # Legal countersigns in the back office, in its own browser.
    staff_context = browser.new_context(base_url=live_server.url)
    staff_context.set_default_timeout(TIMEOUT_MS)
    staff = staff_context.new_page()
    try:
        sign_in_with_code(staff, legal_user, PASSWORD)
        staff.goto("/staff/dpa/")
        row = staff.locator("tr[data-organisation=acme]")
        expect(row).to_contain_text("Awaiting countersignature")
        row.get_by_role("link", name="countersign").click()
        # Countersigning asks for a fresh code, as signing does.
        staff.locator("main").get_by_label("Code from your authenticator app").fill(
            authenticator_code(give_authenticator(legal_user))
        )
        # The executed PDF is rendered before the page answers: give it a loaded CI's time.
        with staff.expect_navigation(timeout=60_000):
            staff.get_by_role("button", name="Countersign").click()
        expect(staff.locator("main")).to_contain_text("Countersigned. The executed PDF is stored")
    finally:
        staff_context.close()
    agreement.refresh_from_db()
    assert agreement.is_in_force

    # The admin downloads the executed PDF; its hash is the one shown.
    page.reload()
    expect(main).to_contain_text("Executed")
    expect(main).to_contain_text(agreement.executed_sha256)
    with page.expect_download() as info:
        main.get_by_role("link", name="Download the executed PDF").click()
    path = Path(info.value.path())
    assert hashlib.sha256(path.read_bytes()).hexdigest() == agreement.executed_sha256
    assert info.value.suggested_filename.startswith("DPA-acme-v1-")
