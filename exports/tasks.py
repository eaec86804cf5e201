"""Celery tasks of exports (queue "exports"): run a job, and delete archives past retention."""

from celery import shared_task

from exports import services


@shared_task
def run_export(job_id: int) -> None:
    # Safe to run twice or after a crash: the job row says what is done (see export_run).
    services.export_run(job_id=job_id)


@shared_task
def delete_expired_exports() -> int:
    return services.export_delete_expired()
