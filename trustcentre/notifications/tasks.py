"""Delivering outbox messages: a task per message or per batch of messages (one SMTP connection),
and the periodic sweep that catches the rest.

Both route to the `notifications` queue (CELERY_TASK_ROUTES). Running either twice is harmless:
a message is sent only by the worker whose conditional UPDATE claimed it."""

from celery import shared_task

from trustcentre.notifications.services import message_deliver, messages_deliver, outbox_queue_due


@shared_task
def deliver_message(message_id: int) -> str | None:
    message = message_deliver(message_id=message_id)
    return message.status if message is not None else None


@shared_task
def deliver_messages(message_ids: list[int]) -> int:
    """A batch of messages over one SMTP connection; returns how many this worker handled."""
    return len(messages_deliver(message_ids=message_ids))


@shared_task
def deliver_due_messages() -> int:
    """Every minute (beat): reclaim rows from stopped workers, then enqueue what is due and not
    already on its way. Messages whose first enqueue was lost (broker down at commit), tasks lost
    with the broker, and retries whose delay has passed all arrive here."""
    return outbox_queue_due()


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
