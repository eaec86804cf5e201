"""Delivering outbox messages."""

from celery import shared_task


@shared_task
def deliver_message(message_id: int) -> None:
    """Replaced by the delivery implementation."""


@shared_task
def deliver_due_messages() -> int:
    return 0
