"""/dev/mail/: the developer's view of the outbox, which exists only while DEBUG is on."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.notifications.factories import make_message
from trustcentre.notifications.services import message_deliver

pytestmark = pytest.mark.django_db

debug_urls = pytest.mark.urls("tests.notifications.urls_debug")


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_not_routed_without_debug(client):
    assert client.get("/dev/mail/").status_code == 404


@debug_urls
def test_the_views_refuse_without_debug_even_when_routed(client):
    message = make_message()

    assert client.get("/dev/mail/").status_code == 404
    assert client.get(f"/dev/mail/{message.public_id}/").status_code == 404


def test_routed_when_debug_is_on():
    """trustcentre/urls.py decides at import, so ask a fresh process started with DEBUG=1."""
    probe = (
        "import django; django.setup(); from django.urls import resolve; "
        "print(resolve('/dev/mail/').url_name)"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_VERSION"}
    env.update(DEBUG="1", DJANGO_SETTINGS_MODULE="trustcentre.settings")
    result = subprocess.run(  # noqa: S603 (our own interpreter and a fixed script)
        [sys.executable, "-c", probe],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "list"


@debug_urls
def test_lists_every_message_newest_first_and_filters_by_recipient(client, debug):
    make_message(to="ada@example.test", subject="To Ada")
    make_message(to="bea@example.test", subject="To Bea")

    everything = client.get(reverse("devmail:list")).content.decode()
    only_ada = client.get(reverse("devmail:list"), {"to": "ada@"}).content.decode()

    assert everything.index("To Bea") < everything.index("To Ada")
    assert "To Ada" in only_ada and "To Bea" not in only_ada


@debug_urls
def test_paginates(client, debug):
    for number in range(30):
        make_message(subject=f"Notice number {number:02d}")

    second = client.get(reverse("devmail:list"), {"page": 2}).content.decode()

    assert "Notice number 04" in second and "Notice number 29" not in second


@debug_urls
def test_detail_shows_headers_text_and_html(client, debug, mail_server):
    message = make_message(
        body_text="Plain & simple.",
        body_html='<p onclick="steal()">Hello <script>alert(1)</script></p>',
        headers={"List-Unsubscribe": "<https://example.test/u>"},
    )
    message_deliver(message_id=message.pk)

    response = client.get(reverse("devmail:detail", args=[message.public_id]))

    assert response.status_code == 200
    body = response.content.decode()
    assert message.message_id.strip("<>") in body  # the Message-ID header, as sent
    assert "List-Unsubscribe" in body
    assert "Plain &amp; simple." in body
    escaped = (
        "&lt;p onclick=&quot;steal()&quot;&gt;Hello &lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;"
    )
    # Once as the sandboxed preview's srcdoc, once as source; never as live markup.
    assert 'sandbox="" referrerpolicy="no-referrer"' in body
    assert f'srcdoc="{escaped}"' in body
    assert f"<code>{escaped}</code>" in body
    assert "<script>alert(1)" not in body
    assert "Sent" in body  # the delivery attempt


@debug_urls
def test_the_page_keeps_the_strict_content_security_policy(client, debug):
    message = make_message()

    response = client.get(reverse("devmail:detail", args=[message.public_id]))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert " style=" not in response.content.decode()
