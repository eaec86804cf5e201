"""A data subject files an access request, confirms the email from the link in our mail, a DPO
signs in with the second factor, finds the request with its due date, records the override the
customer confirmed by telephone, fulfils and completes it, and the subject downloads a zip that
holds exactly their records from the demo data."""

import io
import json
import re
import zipfile

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from exports.builtin_source.sample_data import generate_sample_data
from rights_requests.models import RightsRequest
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import sign_in, sign_out
from tests.rights_requests.conftest import add_subject_rows
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.e2e

SUBJECT = "jane.subject@example.org"


def mail_link(to: str, pattern: str) -> str:
    message = OutboxMessage.objects.filter(to_email=to).order_by("-pk").first()
    match = re.search(pattern, message.body_text)
    assert match, message.body_text
    return match.group(0)  # a path: the mail's links start with SITE_URL, not the live server


def test_subject_files_dpo_fulfils_subject_downloads_exactly_their_records(
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
    generate_sample_data(tenant_id=org_a.tenant_id, leads=40, seed=5, site="www.acme.example")
    generate_sample_data(tenant_id=org_b.tenant_id, leads=10, seed=6, site="www.globex.example")
    add_subject_rows(org_a.tenant_id, SUBJECT, profiles=2, events=3)
    dpo = make_user("dora.dpo@provider.test", roles=["dpo"], full_name="Dora DPO")
    device = TOTPDevice.objects.create(user=dpo, name="Authenticator", confirmed=True)
    main = page.locator("main")

    # The data subject files the request.
    page.goto("/privacy/requests/new/")
    main.get_by_label("What would you like us to do?").select_option("access")
    main.get_by_label("Your name").fill("Jane Subject")
    main.get_by_label("Your email address").fill(SUBJECT)
    main.get_by_label("Where do you live?").select_option("eu_gdpr")
    main.get_by_label("Details (optional)").fill("Everything you hold about me, please.")
    main.get_by_role("button", name="Send the request").click()
    expect(main.get_by_role("heading", name="Check your email")).to_be_visible()
    rr = RightsRequest.objects.get()
    expect(main).to_contain_text(rr.reference)

    # The link in the mail opens a page whose button confirms.
    page.goto(mail_link(SUBJECT, r"/privacy/requests/confirm/[^/\s]+/"))
    main.get_by_role("button", name="Confirm my email address").click()
    expect(main).to_contain_text("your email is confirmed")
    expect(main).to_contain_text(rr.reference)
    rr.refresh_from_db()
    due = rr.due_date
    page.context.clear_cookies()

    # The DPO signs in with the second factor and finds the request with its due date.
    sign_in(page, dpo.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/verify/"))
    main.get_by_label("Code").fill(f"{totp(device.bin_key, step=30):06d}")
    main.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    main.get_by_role("link", name="Rights requests").click()
    row = main.locator("tbody tr", has_text=rr.reference)
    expect(row).to_contain_text(due.strftime("%-d %b %Y"))
    days_left = (due - timezone.localdate()).days
    expect(row).to_contain_text(f"{days_left} days left")
    row.get_by_role("link", name=rr.reference).click()
    expect(main).to_contain_text("Acme")  # referred: the email is in Acme's data

    # Nothing is offered before Acme's instruction; Acme confirmed it by telephone.
    expect(main).to_contain_text("for Acme's instruction")
    expect(main.get_by_role("button", name="Build the subject's data export")).to_have_count(0)
    main.locator("summary", has_text="Record an override: Acme confirmed out of band").click()
    main.get_by_label("Who at the customer confirmed it (name and role)").fill(
        "Carl Controller, DPO of Acme"
    )
    main.get_by_label("How they confirmed it").fill("Telephone call")
    main.get_by_label("Why we act without their instruction in the portal").fill(
        "Acme's admins cannot sign in this week."
    )
    main.get_by_role("button", name="Record the override").click()
    expect(main).to_contain_text("The override was recorded")

    main.get_by_role("button", name="Build the subject's data export").click()
    expect(main).to_contain_text("The export is ready: 9 records.")
    main.locator("summary", has_text="Complete").click()
    main.get_by_label("What was done, for the requester and the letter").fill(
        "Your records from Acme's account are in the zip."
    )
    main.get_by_role("button", name="Complete the request").click()
    expect(main).to_contain_text("The request is complete.")
    sign_out(page)

    # The subject opens the link from the completion mail and downloads the zip.
    page.goto(mail_link(SUBJECT, r"/privacy/requests/open/[^/\s]+/"))
    main.get_by_role("button", name="Open my request").click()
    expect(main).to_contain_text("Completed")
    with page.expect_download() as info:
        main.get_by_role("link", name="Download your data (zip)").click()
    path = tmp_path / "download.zip"
    info.value.save_as(path)
    archive = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["data_subject"] == {"email": SUBJECT}
    rows = {c["id"]: c["rows"] for c in manifest["organisations"][0]["categories"]}
    assert rows == {
        "leads": 1,
        "visitor_profiles": 2,
        "journey_insights": 6,
        "organisation_profiles": 0,
    }
    leads = json.loads(archive.read("acme/leads.json"))
    assert [lead["email"] for lead in leads] == [SUBJECT]
    profiles = json.loads(archive.read("acme/visitor_profiles.json"))
    assert {p["contact_id"] for p in profiles} == {leads[0]["contact_id"]}
    assert not any(name.startswith("globex/") for name in archive.namelist())
