"""Writing emails to the outbox. Call inside the transaction of the change that causes them."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from trustcentre.notifications.models import OutboxMessage


def _render(template: str, context: dict) -> tuple[str, str, str]:
    full_context = {"provider_name": settings.PROVIDER_NAME, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{template}.subject.txt", full_context)
    subject = " ".join(subject.split())
    body_text = render_to_string(f"emails/{template}.txt", full_context)
    body_html = render_to_string(f"emails/{template}.html", full_context)
    return subject, body_text, body_html


def email_enqueue(
    *,
    to: str,
    template: str,
    context: dict,
    cause: str,
    recipient=None,
    organisation=None,
    headers: dict | None = None,
) -> OutboxMessage:
    """Render `templates/emails/<template>.subject.txt|.txt|.html` and store the message.

    One message per (cause, recipient): enqueueing the same cause twice returns the first row,
    so a retried service never emails anyone twice. Delivery starts once the transaction commits;
    if the broker is down then, the periodic sweep delivers it later.
    """
    existing = OutboxMessage.objects.filter(cause=cause, to_email=to).first()
    if existing is not None:
        return existing
    language = getattr(recipient, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, body_text, body_html = _render(template, context)
    message = OutboxMessage.objects.create(
        cause=cause,
        template=template,
        to_email=to,
        recipient=recipient,
        organisation=organisation,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=headers or {},
    )
    transaction.on_commit(lambda: _schedule_delivery(message.pk))
    return message


def _schedule_delivery(message_id: int) -> None:
    from trustcentre.notifications.tasks import deliver_message

    try:
        deliver_message.delay(message_id)
    except Exception:  # broker down: the row is committed and the beat sweep will deliver it
        import logging

        logging.getLogger(__name__).warning("broker unavailable; outbox message %s waits for the sweep", message_id)
