"""The sub-processor journey in a browser: a visitor subscribes and confirms from the email;
legal, signed in with a second factor, drafts and announces a change; the visitor's email carries
its deadline and a one-click unsubscribe link that works without a session; a customer admin
objects in the portal; legal resolves the objection and the admin is told. And a change held
past its date by an open objection, which legal decides to proceed with."""

import datetime
import re
import urllib.parse
import urllib.request
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from subprocessors import services, terms
from subprocessors.models import ChangeNotice, Objection, SubProcessor, Subscription
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import sign_in, sign_in_with_code, sign_out
from tests.subprocessors.assessing import assess

pytestmark = pytest.mark.e2e

VISITOR = "visitor@example.org"


def code(device, steps_ahead=0) -> str:
    return f"{totp(bytes.fromhex(device.key), step=30, t0=-30 * steps_ahead):06d}"


def mail_to(address, subject_part):
    found = [m for m in mail.outbox if m.to == [address] and subject_part in m.subject]
    assert found, [(m.to, m.subject) for m in mail.outbox]
    return found[-1]


@pytest.fixture
def setting_up(settings, admin_a, member_a):
    settings.SUBPROCESSOR_COALESCE_SECONDS = 0
    settings.SUBPROCESSOR_DEADLINE_TIME_ZONE = "Europe/Berlin"
    for name, countries in (("Hostly", ["DE"]), ("Mailer", ["US"])):
        services.subprocessor_create(
            status="active",
            name=name,
            legal_entity=f"{name} Ltd",
            purpose="Runs things",
            countries=countries,
            transfer_mechanism="dpf",
            services=["Analytics"],
        )
    services.register_initialise()
    warehouse = services.subprocessor_create(
        status="proposed",
        name="Warehouse",
        legal_entity="Warehouse Inc.",
        purpose="Reports",
        countries=["US"],
        transfer_mechanism="scc_module_3",
        services=["Analytics"],
    )
    legal = make_user("lena@provider.test", roles=["legal"], full_name="Lena Legal")
    assess(warehouse, assessor=legal)
    device = TOTPDevice.objects.create(user=legal, name="Phone", confirmed=True)
    return legal, device


def legal_signs_in(page, legal, device, steps_ahead):
    sign_in(page, legal.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/verify/"))
    page.locator("main").get_by_label("Code").fill(code(device, steps_ahead))
    page.locator("main").get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))


def test_subscribe_announce_unsubscribe_object_resolve(page, setting_up, admin_a, live_server):
    legal, device = setting_up
    main = page.locator("main")

    # A visitor subscribes.
    page.goto("/subprocessors/")
    expect(main).to_contain_text("Hostly")
    main.get_by_role("link", name="Get changes by email").click()
    main.get_by_label("Email address").fill(VISITOR)
    expect(main.get_by_label("Sub-processor changes")).to_be_checked()
    main.get_by_role("button", name="Subscribe").click()
    expect(main.get_by_role("heading", name="Check your inbox")).to_be_visible()
    confirmation = mail_to(VISITOR, "Confirm your subscription")
    link = re.search(r"(http://\S+/subprocessors/subscribe/confirm/\S+/)", confirmation.body).group(
        1
    )
    page.goto(urllib.parse.urlsplit(link).path)
    assert Subscription.objects.get(email=VISITOR).status == "pending"  # opening changes nothing
    main.get_by_role("button", name="Confirm the subscription").click()
    expect(main.get_by_role("heading", name="Subscription confirmed")).to_be_visible()

    # Legal drafts and announces the change, behind the second factor.
    legal_signs_in(page, legal, device, steps_ahead=0)
    page.goto("/staff/subprocessors/")
    main.get_by_role("link", name="New change notice").click()
    main.get_by_label("Kind of change").select_option(label="Add")
    main.get_by_label("Sub-processor:", exact=True).select_option(label="Warehouse")
    main.get_by_label("Summary").fill("Warehouse for analytics reports")
    main.get_by_label("Reason").fill("Faster reports for customers.")
    main.get_by_role("button", name="Save the draft").click()
    main.get_by_role("button", name="Announce the change").click()
    expect(main.get_by_role("status")).to_contain_text("The change is announced")
    expect(
        main.locator("section", has=page.get_by_role("heading", name="Customers notified"))
    ).to_contain_text("Acme")
    notice = ChangeNotice.objects.get()
    assert notice.status == "announced"
    sign_out(page)

    # The visitor's email: the deadline of the default window, and a one-click unsubscribe.
    email = mail_to(VISITOR, "Sub-processor change")
    deadline = notice.objection_deadline.astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    assert f"Objection deadline: {deadline.day} {deadline:%b %Y}, 23:59" in email.body
    headers = email.message()
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe_url in email.body
    local = live_server.url + urllib.parse.urlsplit(unsubscribe_url).path
    request = urllib.request.Request(  # noqa: S310 (the live server on loopback)
        local,
        data=b"List-Unsubscribe=One-Click",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        assert response.status == 200 and response.url == local  # no redirect
    assert not Subscription.objects.filter(email=VISITOR).exists()
    # The admin was told too, with Acme's own deadline.
    admin_mail = mail_to(admin_a.email, "Sub-processor change")
    assert "Objection deadline for Acme" in admin_mail.body

    # The customer admin objects in the portal.
    sign_in_with_code(page, admin_a, PASSWORD)
    page.goto("/portal/subprocessors/")
    expect(page).to_have_url(re.compile(r"/portal/subprocessors/acme/$"))
    main.get_by_role("link", name="Add: Warehouse for analytics reports").click()
    expect(main).to_contain_text("Objection deadline for Acme")
    main.get_by_label("Data-protection grounds").fill("Our customers' data must stay in the EU.")
    main.get_by_role("button", name="Send the objection").click()
    expect(main.get_by_role("status")).to_contain_text("Your objection was sent")
    expect(main).to_contain_text("Our legal team will answer.")
    sign_out(page)

    # Legal resolves it; the admin is emailed and sees the outcome.
    legal_signs_in(page, legal, device, steps_ahead=1)
    page.goto("/staff/subprocessors/")
    expect(main).to_contain_text("Open objections")
    main.get_by_role("link", name="Acme").click()
    objection_card = main.locator("article", has_text="Our customers' data must stay in the EU.")
    objection_card.get_by_label("Alternative offered").check()
    objection_card.get_by_label("Notes for the customer").fill("We keep Acme on the EU warehouse.")
    objection_card.get_by_role("button", name="Resolve and tell the customer").click()
    expect(main.get_by_role("status")).to_contain_text("The objection is resolved")
    assert Objection.objects.get().resolution == "alternative"
    outcome = mail_to(admin_a.email, "Your objection was resolved")
    assert "Alternative offered" in outcome.body and "EU warehouse" in outcome.body
    assert SubProcessor.objects.get(name="Warehouse").status == "proposed"


def test_a_held_change_proceeds_with_a_reason_and_the_objector_sees_the_decision(
    page, setting_up, admin_a
):
    """A change whose date has passed while Acme's objection is open stays held; legal first
    forgets the reason (refused, nothing changes), then proceeds with one; Acme's admin is
    emailed and finds the decision and the remedy on the objection page."""
    legal, device = setting_up
    main = page.locator("main")
    past = timezone.now() - datetime.timedelta(days=40)
    notice = services.notice_create(
        kind="add",
        subprocessor=SubProcessor.objects.get(name="Warehouse"),
        summary="Warehouse for analytics reports",
        reason="Faster reports for customers.",
    )
    deadline = terms.objection_deadline(announced_at=past, window_days=30)
    notice = services.notice_announce(
        notice=notice, effective_date=terms.earliest_effective_date(deadline), now=past
    )
    services.objection_raise(
        notice=notice,
        organisation=admin_a.memberships.get().organisation,
        grounds="Our customers' data must stay in the EU.",
        user=admin_a,
        now=past + datetime.timedelta(days=1),
    )
    assert services.notices_make_due_effective() == 0

    legal_signs_in(page, legal, device, steps_ahead=0)
    expect(main).to_contain_text("Held by 1 open objection: Warehouse for analytics reports")
    page.goto("/staff/subprocessors/")
    main.get_by_role("link", name="Add: Warehouse for analytics reports").first.click()
    held = main.locator("section#held")
    expect(held.get_by_role("heading")).to_have_text("Held by 1 open objection")
    held.get_by_role("button", name="Proceed despite the objections").click()
    expect(main).to_contain_text("Say why the change proceeds despite the open objections.")
    notice.refresh_from_db()
    assert notice.status == "announced"
    assert not [m for m in mail.outbox if "despite your objection" in m.subject]

    main.locator("section#held").get_by_label("Why does the change proceed").fill(
        "The EU warehouse is discontinued; reports need the new one."
    )
    main.locator("section#held").get_by_role(
        "button", name="Proceed despite the objections"
    ).click()
    expect(main.get_by_role("status")).to_contain_text("The change has taken effect")
    expect(main).to_contain_text("Proceeded despite open objections")
    notice.refresh_from_db()
    assert notice.status == "effective"
    sign_out(page)

    email = mail_to(admin_a.email, "despite your objection")
    assert "terminate the services it affects (Analytics)" in email.body
    sign_in_with_code(page, admin_a, PASSWORD)
    page.goto(f"/portal/subprocessors/acme/changes/{notice.public_id}/")
    decision = main.locator("#decision")
    expect(decision).to_contain_text("Our decision: the change proceeds despite your objection")
    expect(decision).to_contain_text("The EU warehouse is discontinued")
    expect(decision).to_contain_text("terminate the services it affects")
