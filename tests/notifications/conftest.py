"""Fixtures for the outbox: an email template of our own, and a mail server that can refuse."""

from pathlib import Path

import pytest

from tests.notifications import backends

TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def notice_template(settings):
    """`emails/test_notice` renders through the shared email layout."""
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [*engine["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]
    return "test_notice"


@pytest.fixture
def mail_server(settings):
    """The locmem outbox, behind a server whose next answers the test scripts."""
    settings.EMAIL_BACKEND = "tests.notifications.backends.ScriptedBackend"
    backends.FAILURES.clear()
    yield backends
    backends.FAILURES.clear()
