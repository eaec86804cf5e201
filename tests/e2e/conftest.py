"""Browser journeys: pytest-django's live server (static files served by its StaticFilesHandler)
and Playwright driving the system's Chromium, with a screenshot of the page when a test fails.

Playwright's sync API keeps an asyncio loop suspended in the test's thread, and Django refuses
ORM calls from a thread with a loop in it. The browser therefore lives only as long as one test,
and `DJANGO_ALLOW_ASYNC_UNSAFE` is set for that test only: the ORM calls the tests make are
plain synchronous ones, between browser steps. e2e tests run in .ci/run's second pass."""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connections
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import authenticator_code, give_authenticator
from tests.reliability import conftest as real_parts

# The drills' real parts, for journeys whose jobs run in a Celery worker on Redis and
# PostgreSQL (.ci/run's second pass): an SMTP sink, workers, and delivery through the broker.
smtp_sink = real_parts.smtp_sink
worker_env = real_parts.worker_env
start_worker = real_parts.start_worker
broker_delivery = real_parts.broker_delivery

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "var" / "e2e-screenshots"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a loaded CI machine, short enough that a broken page fails quickly.
TIMEOUT_MS = 15_000
# Every journey runs on a laptop and on a phone (an iPhone 12-15's CSS width).
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# What fails a journey: people who rely on assistive technology are blocked or badly hindered.
AXE_FAILING_IMPACTS = {"serious", "critical"}
AXE = Axe()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the page fixture knows whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def _allow_orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(_allow_orm_beside_playwright):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests need Chromium at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # While Playwright's loop exists, Django keeps this thread's database connections
            # in a separate, per-loop store (asgiref's Local); close them before the loop goes,
            # or they outlive the test and block the test database's removal.
            connections.close_all()


class AccessibilityCheck:
    """Runs axe-core (shipped inside axe-playwright-python, so no CDN) on each page the journey
    opens, once per path, and keeps the serious and critical violations it finds, and any page
    wider than the screen."""

    def __init__(self, page: Page):
        self.page = page
        self.checked: set[str] = set()
        self.violations: list[str] = []

    def on_load(self, _page=None) -> None:
        url = self.page.url
        path = url.split("#", 1)[0]
        if not path.startswith("http") or path in self.checked:
            return
        try:
            results = AXE.run(self.page)
        except PlaywrightError:
            # The journey moved on to the next page while axe ran; that page is checked on its
            # own load.
            return
        self.checked.add(path)
        # Nothing a person needs may sit off-screen: the page never scrolls sideways.
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 1:
            self.violations.append(f"{path}: the page is {overflow} px wider than the screen")
        for violation in results.response["violations"]:
            if violation["impact"] not in AXE_FAILING_IMPACTS:
                continue
            targets = "; ".join(str(node["target"]) for node in violation["nodes"][:5])
            self.violations.append(
                f"{path}: {violation['id']} ({violation['impact']}) {violation['help']}: {targets}"
            )


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request):
    return VIEWPORTS[request.param]


@pytest.fixture
def page(browser, live_server, viewport, request):
    """A fresh browser context on the live server at the test's width, with axe run on every
    page it opens (the test fails on a serious or critical violation); on failure its screenshot
    goes to var/e2e-screenshots/<test name>.png."""
    context = browser.new_context(
        base_url=live_server.url, accept_downloads=True, viewport=viewport
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    accessibility = AccessibilityCheck(page)
    page.on("load", accessibility.on_load)
    yield page
    failed = any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
    if failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        except Exception as error:  # the screenshot must never hide the real failure
            print(f"screenshot failed: {error}")
        else:
            print(f"screenshot: {SCREENSHOTS / f'{name}.png'}")
    context.close()
    if accessibility.violations and not failed:
        pytest.fail(
            "serious or critical accessibility violations (axe), or pages wider than the "
            "screen:\n" + "\n".join(accessibility.violations)
        )


def sign_in(page: Page, email: str, password: str) -> None:
    """Fill allauth's sign-in form as a person would; the caller asserts where it lands."""
    page.goto("/accounts/login/")
    main = page.locator("main")
    main.get_by_label("Email").fill(email)
    main.get_by_label("Password").fill(password)
    main.get_by_role("button", name="Sign in").click()


def enter_code(page: Page, device) -> None:
    """On the second-factor form the sign-in leads to, enter the authenticator's code."""
    expect(page).to_have_url(re.compile(r"/accounts/2fa/verify/"))
    main = page.locator("main")
    main.get_by_label("Code").fill(authenticator_code(device))
    main.get_by_role("button", name="Verify").click()


def sign_in_with_code(page: Page, user, password: str) -> None:
    """Sign in as staff and customer admins do: the password, then a code from their
    authenticator app (the user's confirmed TOTP device; tests/conftest.give_authenticator,
    given before the password: someone without one is asked to set one up instead)."""
    device = give_authenticator(user)
    sign_in(page, user.email, password)
    enter_code(page, device)


def sign_out(page: Page) -> None:
    page.locator("header").get_by_role("button", name="Sign out").click()
    expect(page.locator("header").get_by_role("link", name="Sign in")).to_be_visible()


def main_nav_link(page: Page, name: str):
    """A link of the main navigation, as a person reaches it: on a phone the menu is collapsed
    behind its "Menu" button, which they open first."""
    menu = page.locator("header").get_by_text("Menu", exact=True)
    if menu.is_visible() and page.locator("details[data-site-menu]:not([open])").count():
        menu.click()
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)
