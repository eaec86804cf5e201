"""Outbox rows for tests, written through the service as the application writes them."""

from itertools import count

from trustcentre.notifications.services import email_enqueue_rendered

_sequence = count(1)


def make_message(*, to="reader@example.test", cause=None, **overrides):
    number = next(_sequence)
    fields = {
        "subject": f"Notice {number}",
        "body_text": f"Plain text of notice {number}.",
        "body_html": f"<p>HTML of notice <strong>{number}</strong>.</p>",
        "template": "test_notice",
    }
    fields.update(overrides)
    return email_enqueue_rendered(to=to, cause=cause or f"test:{number}", **fields)
