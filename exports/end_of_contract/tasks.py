"""Celery tasks of end-of-contract cases (queue "exports": every name starts with "exports.").
Each takes ids or nothing, calls a service, and is safe to run twice."""

from celery import shared_task

from exports.end_of_contract import services


@shared_task(name="exports.end_of_contract.tasks.run_deletion")
def run_deletion(job_id: int) -> None:
    services.deletion_run(job_id=job_id)


@shared_task(name="exports.end_of_contract.tasks.open_cases_for_ended_contracts")
def open_cases_for_ended_contracts() -> int:
    return services.cases_open_for_ended_contracts()


@shared_task(name="exports.end_of_contract.tasks.advance_cases")
def advance_cases() -> int:
    return services.cases_advance()


@shared_task(name="exports.end_of_contract.tasks.send_deletion_reminders")
def send_deletion_reminders() -> int:
    return services.reminders_send()


@shared_task(name="exports.end_of_contract.tasks.start_due_deletions")
def start_due_deletions() -> int:
    return services.deletions_start_due()
