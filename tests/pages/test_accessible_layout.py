"""The layout stays usable with assistive technology and on a phone: a status message is
announced without breaking its list, the menu collapses into a button that works without
JavaScript, and table cells carry their column's label for the stacked layout."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template.loader import render_to_string
from django.test import RequestFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

pytestmark = pytest.mark.django_db


def test_a_flash_message_is_a_list_inside_a_status_region():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = {}
    storage = FallbackStorage(request)
    storage.add(constants.SUCCESS, "Saved.")
    request._messages = storage
    html = render_to_string("base.html", {"messages": storage}, request=request)
    assert re.search(
        r'<div class="messages-region" role="status">\s*<ul class="messages">\s*'
        r'<li class="message message-success">Saved\.</li>',
        html,
    )


def test_no_list_in_any_template_carries_a_role_that_hides_its_items():
    # role="status" or "alert" on a <ul> or <ol> turns it into a live region whose <li> items
    # are no longer in a list (axe: "listitem", serious): the role goes on a wrapper.
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if re.search(r"<(ul|ol)\b[^>]*\brole=", path.read_text())
    ]
    assert offenders == []


def test_the_menu_is_a_details_element_open_by_default(client):
    html = client.get("/").content.decode()
    # Open without JavaScript; static/js/site_menu.js closes it on a phone.
    assert '<details class="site-menu" open data-site-menu>' in html
    assert "Menu</summary>" in html
    assert 'src="/static/js/site_menu.js"' in html
    # "Create account" is outside the menu, so a phone shows it without opening anything.
    menu = html.split('<details class="site-menu"', 1)[1].split("</details>", 1)[0]
    assert "Create account" not in menu
    assert "Create account" in html
