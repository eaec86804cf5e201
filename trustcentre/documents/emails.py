"""The trust centre's emails: subject and text from templates/documents/emails/<name>.*, the
HTML part from the text (one layout), all through the outbox in the caller's transaction."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from trustcentre.notifications.services import email_enqueue_rendered


def absolute(path_or_name: str, *args) -> str:
    path = reverse(path_or_name, args=args) if ":" in path_or_name else path_or_name
    return settings.SITE_URL.rstrip("/") + path


def send(*, name: str, to: str, context: dict, cause: str, recipient=None, organisation=None):
    full = {"provider_name": settings.PROVIDER_NAME, "site_url": settings.SITE_URL, **context}
    language = getattr(recipient, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"documents/emails/{name}.subject.txt", full)
        body_text = render_to_string(f"documents/emails/{name}.txt", full)
        body_html = render_to_string(
            "documents/emails/_layout.html", {**full, "subject": subject, "body_text": body_text}
        )
    return email_enqueue_rendered(
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        cause=cause,
        template=f"documents/{name}",
        recipient=recipient,
        organisation=organisation,
    )
