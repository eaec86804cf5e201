"""The emails of rights requests, through the outbox: one readable layout (text and HTML) whose
paragraphs each use case writes, so every message to a requester, a customer or a DPO looks
alike. Rendered here (the templates live in templates/rights_requests/emails/) and stored with
notifications' email_enqueue_rendered: one message per cause and recipient."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from trustcentre.notifications.models import OutboxMessage
from trustcentre.notifications.services import email_enqueue_rendered

TEMPLATE = "rights_requests/emails/message"


def send_email(
    *,
    to: str,
    subject: str,
    paragraphs: list[str],
    cause: str,
    greeting_name: str = "",
    link_url: str = "",
    link_label: str = "",
    quote: str = "",
    reference: str = "",
    recipient=None,
    organisation=None,
) -> OutboxMessage:
    existing = OutboxMessage.objects.filter(cause=cause, to_email=to).first()
    if existing is not None:
        return existing
    language = getattr(recipient, "language", None) or settings.LANGUAGE_CODE
    context = {
        "provider_name": settings.PROVIDER_NAME,
        "site_url": settings.SITE_URL,
        "subject": subject,
        "greeting_name": greeting_name,
        "paragraphs": [str(p) for p in paragraphs],
        "link_url": link_url,
        "link_label": link_label,
        "quote": quote,
        "reference": reference,
    }
    with translation.override(language):
        body_text = render_to_string(f"{TEMPLATE}.txt", context)
        body_html = render_to_string(f"{TEMPLATE}.html", context)
    return email_enqueue_rendered(
        to=to,
        subject=str(subject),
        body_text=body_text,
        body_html=body_html,
        cause=cause,
        template="rights_requests:message",
        recipient=recipient,
        organisation=organisation,
    )
