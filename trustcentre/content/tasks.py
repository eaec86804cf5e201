"""Celery tasks of the trust centre: the daily reminders (grant expiry, review cadence)."""

from celery import shared_task

from trustcentre.content.services import review_reminders_send
from trustcentre.documents.services import grants_expiry_remind


@shared_task
def send_daily_reminders() -> dict:
    return {"grants": grants_expiry_remind(), "reviews": review_reminders_send()}
