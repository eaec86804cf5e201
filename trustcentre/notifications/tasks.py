"""Delivering outbox messages: one task per message, and the periodic sweep that catches the rest.

Both route to the `notifications` queue (CELERY_TASK_ROUTES). Running either twice is harmless:
a message is sent only by the worker whose conditional UPDATE claimed it."""

from celery import shared_task

from trustcentre.notifications.services import message_deliver, outbox_due_message_ids


@shared_task
def deliver_message(message_id: int) -> str | None:
    message = message_deliver(message_id=message_id)
    return message.status if message is not None else None


@shared_task
def deliver_due_messages() -> int:
    """Every minute (beat): reclaim rows from stopped workers, then enqueue what is due. Messages
    whose first enqueue was lost (broker down at commit) and retries whose delay has passed both
    arrive here."""
    message_ids = outbox_due_message_ids()
    for message_id in message_ids:
        deliver_message.delay(message_id)
    return len(message_ids)


@shared_task
def deliver_webhook(message_id: int) -> str | None:
    from trustcentre.notifications.webhooks import webhook_deliver

    message = webhook_deliver(message_id=message_id)
    return message.status if message is not None else None


@shared_task
def deliver_due_webhooks() -> int:
    """Every 30 s (beat): retries whose delay has passed, and messages whose first enqueue was
    lost."""
    from trustcentre.notifications.webhooks import webhook_due_message_ids

    message_ids = webhook_due_message_ids()
    for message_id in message_ids:
        deliver_webhook.delay(message_id)
    return len(message_ids)
