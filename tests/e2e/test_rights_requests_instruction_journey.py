"""A data subject's erasure request is referred to the customer whose data holds them; the DPO
can do nothing until the customer's admin instructs "handle it for us"; then the DPO erases the
records and completes the request, the subject sees it done, and the customer's page shows what
was done, by whom and when."""

import re

import pytest
from playwright.sync_api import expect

from exports.builtin_source.models import Lead
from exports.builtin_source.sample_data import generate_sample_data
from rights_requests.models import RightsRequest
from tests.conftest import PASSWORD, make_admin, make_user
from tests.e2e.conftest import sign_in_with_code, sign_out
from tests.rights_requests.conftest import add_subject_rows
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.e2e

SUBJECT = "jane.subject@example.org"


def mail_link(to: str, pattern: str) -> str:
    message = OutboxMessage.objects.filter(to_email=to).order_by("-pk").first()
    match = re.search(pattern, message.body_text)
    assert match, message.body_text
    return match.group(0)


def test_erasure_waits_for_the_customers_instruction_then_is_done_and_shown(
    page, org_a, org_b, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.EXPORT_WORK_DIR = tmp_path / "work"
    generate_sample_data(tenant_id=org_a.tenant_id, leads=20, seed=5, site="www.acme.example")
    add_subject_rows(org_a.tenant_id, SUBJECT, profiles=2, events=3)
    dpo = make_user("dora.dpo@provider.test", roles=["dpo"], full_name="Dora DPO")
    admin = make_admin("ada@acme.test", org_a, full_name="Ada Admin")
    main = page.locator("main")

    # The data subject asks for erasure and confirms the email.
    page.goto("/privacy/requests/new/")
    main.get_by_label("What would you like us to do?").select_option("erasure")
    main.get_by_label("Your name").fill("Jane Subject")
    main.get_by_label("Your email address").fill(SUBJECT)
    main.get_by_label("Where do you live?").select_option("eu_gdpr")
    main.get_by_role("button", name="Send the request").click()
    expect(main.get_by_role("heading", name="Check your email")).to_be_visible()
    rr = RightsRequest.objects.get()
    page.goto(mail_link(SUBJECT, r"/privacy/requests/confirm/[^/\s]+/"))
    main.get_by_role("button", name="Confirm my email address").click()
    expect(main).to_contain_text("We have asked the organisation that holds your data")
    expect(main.get_by_role("link", name="Download your data (zip)")).to_have_count(0)
    page.context.clear_cookies()

    # The DPO finds it waiting for Acme, with no way to erase yet.
    sign_in_with_code(page, dpo, PASSWORD)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    page.goto("/staff/rights-requests/")
    row = main.locator("tbody tr", has_text=rr.reference)
    expect(row).to_contain_text("Waiting for Acme for 0 days")
    row.get_by_role("link", name=rr.reference).click()
    expect(main).to_contain_text("for Acme's instruction")
    expect(main.get_by_role("button", name="Erase the subject's records")).to_have_count(0)
    sign_out(page)

    # Acme's admin instructs "handle it for us", for every category of its data.
    sign_in_with_code(page, admin, PASSWORD)
    page.goto("/portal/rights-requests/")
    main.get_by_role("link", name=rr.reference).click()
    expect(main).to_contain_text("Waiting since")
    main.get_by_label("Handle it for us: act on the request on our behalf").check()
    expect(main.get_by_label("Lead contact data")).to_be_checked()
    main.get_by_role("button", name="Send the instruction").click()
    expect(main).to_contain_text("Thank you: your instruction was recorded.")
    expect(main).to_contain_text("Handle it for us — ada@acme.test")
    sign_out(page)

    # The DPO erases the subject's records and completes the request.
    sign_in_with_code(page, dpo, PASSWORD)
    page.goto(f"/staff/rights-requests/{rr.reference}/")
    main.get_by_role("button", name="Erase the subject's records").click()
    expect(main).to_contain_text("9 records erased; the subject is on the suppression list.")
    main.locator("summary", has_text="Complete").click()
    main.get_by_label("What was done, for the requester and the letter").fill(
        "We erased your records held for Acme."
    )
    main.get_by_role("button", name="Complete the request").click()
    expect(main).to_contain_text("The request is complete.")
    sign_out(page)
    assert not Lead.objects.filter(tenant_id=org_a.tenant_id, email=SUBJECT).exists()

    # The subject sees it done.
    page.goto(mail_link(SUBJECT, r"/privacy/requests/open/[^/\s]+/"))
    main.get_by_role("button", name="Open my request").click()
    expect(main).to_contain_text("We have answered your request; our letter says what we did.")
    expect(main.get_by_role("link", name="Our letter (PDF)")).to_be_visible()

    # Acme's page shows what was done, by whom and when, instead of the form.
    page.context.clear_cookies()
    sign_in_with_code(page, admin, PASSWORD)
    page.goto("/portal/rights-requests/")
    main.get_by_role("link", name=rr.reference).click()
    done = main.locator("section", has_text="What we did for this request")
    expect(done).to_contain_text("9 records erased")
    expect(done).to_contain_text("Done by dora.dpo@provider.test")
    expect(main).to_contain_text("This request is closed")
    expect(main.get_by_role("button", name="Send the instruction")).to_have_count(0)
