"""A legal staff member's first sign-in (authenticator enrolment before the back office, backup
codes shown once) and the next one (a code before the back office); a customer admin inviting a
colleague from the organisation page."""

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import sign_in, sign_in_with_code, sign_out
from trustcentre.accounts.models import Invitation

pytestmark = pytest.mark.e2e

BACKUP_CODE = re.compile(r"^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$")

# What legal works on, in the order of the staff home; the DPO's and trust admins' own
# workbenches (rights requests, trust-centre content) are not among them.
LEGAL_WORKBENCHES = [
    "Organisations",
    "Audit log",
    "Access requests",
    "Documents",
    "Security questionnaires",
    "Sub-processors",
    "End of contract",
    "Data processing agreements",
    "Data Act register",
    "Breach notifications",
    "Audit and information requests",
    "Single sign-on",
    "Retention schedule",
]


def code_for(key: bytes, steps_ahead: int = 0) -> str:
    """What an authenticator app shows now (or `steps_ahead` 30-second steps from now)."""
    return f"{totp(key, step=30, t0=-30 * steps_ahead):06d}"


def key_from_page(page) -> bytes:
    """The key for manual entry, as a person would type it into their app."""
    shown = page.locator("main figure.qr code").inner_text()
    compact = re.sub(r"\s+", "", shown)
    assert re.fullmatch(r"[A-Z2-7]+", compact), shown
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def test_the_stylesheet_is_served_and_applied(page):
    response = page.goto("/accounts/login/")
    assert response.status == 200
    stylesheet = page.locator("link[rel=stylesheet]").get_attribute("href")
    css = page.request.get(stylesheet)
    assert css.status == 200
    assert css.headers["content-type"].startswith("text/css")
    # The skip link is positioned by portal.css; without the stylesheet it would be static.
    position = page.locator(".skip-link").evaluate("el => getComputedStyle(el).position")
    assert position == "absolute"


def test_legal_staff_enrols_an_authenticator_then_needs_a_code_at_every_sign_in(page):
    make_user("lena.legal@provider.test", roles=["legal"], full_name="Lena Legal")
    main = page.locator("main")

    sign_in(page, "lena.legal@provider.test", PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/setup/"))
    expect(main.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(main).to_contain_text("Staff accounts need a second factor")
    expect(main.get_by_role("img", name=re.compile("QR code"))).to_be_visible()

    # The back office stays closed while the enrolment is pending.
    page.goto("/staff/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/setup/"))

    key = key_from_page(page)
    main.get_by_label("Code from the app").fill(code_for(key))
    main.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(main.get_by_role("heading", name="Your backup codes")).to_be_visible()
    expect(main).to_contain_text("They are shown only this once")
    codes = main.locator("ol.code-list li").all_inner_texts()
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(BACKUP_CODE.match(code.strip()) for code in codes), codes

    main.get_by_role("link", name="I have saved my codes").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(main.get_by_role("heading", name="Staff workbenches")).to_be_visible()
    cards = main.locator("ul.cards li.card h2")
    expect(cards).to_have_text(LEGAL_WORKBENCHES)
    expect(main.get_by_role("link", name="Administration")).to_have_count(0)

    # The codes are gone from every later page.
    page.goto("/accounts/2fa/backup-codes/")
    for code in codes:
        expect(main).not_to_contain_text(code.strip())

    sign_out(page)
    page.goto("/staff/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    sign_in(page, "lena.legal@provider.test", PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/verify/"))
    expect(main.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.goto("/staff/")  # still no way round it
    expect(main.get_by_role("heading", name="Enter your code")).to_be_visible()

    # The code of the enrolment's time step was used once and cannot be used again: the app's
    # next code (within the one step of drift allowed) is what the person types.
    main.get_by_label("Code").fill(code_for(key, steps_ahead=1))
    main.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(main.locator("ul.cards li.card h2")).to_have_text(LEGAL_WORKBENCHES)


def test_customer_admin_invites_a_colleague(page, admin_a, member_a):
    main = page.locator("main")
    sign_in_with_code(page, admin_a, PASSWORD)
    expect(page).to_have_url(re.compile(r"/portal/$"))

    page.goto("/portal/organisations/acme/")
    invitations = main.locator("section", has=page.get_by_role("heading", name="Open invitations"))
    expect(invitations).to_contain_text("No open invitations.")
    members = main.locator("section", has=page.get_by_role("heading", name="Members"))
    expect(members).to_contain_text("member@acme.test")

    invite_form = main.locator("form", has=page.get_by_role("button", name="Send invitation"))
    invite_form.get_by_label("Email address").fill("new.colleague@acme.test")
    invite_form.get_by_label("Role").select_option(label="Admin")
    invite_form.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_url(re.compile(r"/portal/organisations/acme/$"))
    expect(main.get_by_role("status")).to_contain_text("Invitation sent to new.colleague@acme.test")
    row = invitations.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("new.colleague@acme.test")
    expect(row).to_contain_text("Admin")
    expect(row).to_contain_text(admin_a.email)
    expect(row.get_by_role("button", name="Withdraw")).to_be_visible()

    invitation = Invitation.objects.get()
    assert invitation.email == "new.colleague@acme.test"
    assert invitation.invited_by == admin_a
