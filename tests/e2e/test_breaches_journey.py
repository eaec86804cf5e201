"""The breach notification journey in a browser: the DPO, signed in with a second factor,
records an incident, selects the affected customer and sends; the customer's email links to the
notice, which a member opens (nothing changes on opening) and acknowledges with the button; the
DPO's incident page shows the timing and the acknowledgement. Then a follow-up: the DPO sends
it, the customer reads it after the initial notice and acknowledges it, the DPO sees that."""

import datetime
import re
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from dpa.breaches import services
from dpa.breaches.models import FollowUpNotice, Notification
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


def test_follow_up_sent_read_in_order_and_acknowledged(
    page, admin_a, member_a, org_a, monkeypatch, live_server
):
    monkeypatch.setattr("dpa.selectors.notice_contact_for", lambda organisation: None)
    dpo = make_user("dario@provider.test", roles=["dpo"], full_name="Dario Privacy")
    now = timezone.now()
    incident = services.incident_record(
        user=dpo,
        title="Exposed support bucket",
        detected_at=now - datetime.timedelta(hours=30),
        aware_at=now - datetime.timedelta(hours=28),
        nature="A support bucket was publicly readable.",
        data_categories="Names, email addresses",
        subjects_affected=500,
        records_affected=900,
        likely_consequences="Phishing.",
        measures_taken="Bucket closed.",
        contact_point="DPO, dpo@provider.test",
    )
    services.incident_notify(incident=incident, organisations=[org_a], user=dpo)
    main = page.locator("main")

    sign_in_with_code(page, dpo, PASSWORD)
    page.goto(f"/staff/incidents/{incident.public_id}/")
    main.get_by_role("button", name="Send the follow-up").click()
    expect(main).to_contain_text("Write what customers should learn from this follow-up.")
    main.get_by_label("What we can tell you now").fill("The bucket also held invoice amounts.")
    main.get_by_text("Facts that changed since the notification (optional)").click()
    main.get_by_label("Records affected (updated, approximate)").fill("5100")
    main.get_by_label("I have checked the text").check()
    main.get_by_role("button", name="Send the follow-up").click()
    expect(main.get_by_role("status")).to_contain_text(
        "Follow-up 1 sent to the 1 notified organisation."
    )
    follow_up = main.locator("#follow-up-1")
    expect(follow_up).to_contain_text("Follow-up 1: New facts")
    expect(follow_up.get_by_role("table")).to_contain_text("admin@acme.test")
    expect(follow_up.get_by_role("table")).to_contain_text("Not yet")
    sign_out(page)

    (email,) = [m for m in mail.outbox if m.to == [admin_a.email] and "Follow-up 1" in m.subject]
    link = re.search(r"https?://\S+/portal/security-notices/[0-9a-f-]+/#follow-up-1", email.body)
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]

    sign_in(page, member_a.email, PASSWORD)
    page.goto("/" + path)
    contents = main.get_by_role("navigation", name="The notice and its follow-ups")
    expect(contents.get_by_role("listitem")).to_have_text(
        [re.compile(r"^Initial notice"), re.compile(r"^Follow-up 1: New facts")]
    )
    expect(main.locator("#follow-up-1")).to_contain_text("The bucket also held invoice amounts.")
    main.get_by_role("button", name="Acknowledge follow-up 1").click()
    expect(main.get_by_role("status")).to_contain_text("follow-up 1 is marked as acknowledged")
    expect(main.locator("#follow-up-1")).to_contain_text(f"by {member_a.email}")
    page.goto("/portal/security-notices/")
    sign_out(page)

    sign_in_with_code(page, dpo, PASSWORD)
    page.goto(f"/staff/incidents/{incident.public_id}/")
    expect(main.locator("#follow-up-1").get_by_role("table")).to_contain_text(member_a.email)
    assert FollowUpNotice.objects.get().acknowledged_by == member_a
