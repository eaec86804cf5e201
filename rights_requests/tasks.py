"""Celery tasks of rights requests: take ids, call the services; safe to run twice."""

from celery import shared_task

from rights_requests import services


@shared_task
def run_fulfilment(job_id: int) -> None:
    services.fulfilment_run(job_id=job_id)


@shared_task
def send_deadline_reminders() -> int:
    """Daily: the DPOs' deadline reminders and the customers' reminders to instruct us."""
    return services.rights_request_send_reminders() + services.referral_send_reminders()


@shared_task
def purge_unverified_requests() -> int:
    return services.rights_request_purge_unverified()
