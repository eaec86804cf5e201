"""Celery tasks of the audit log: the hourly external anchor and the CSV export."""

from celery import shared_task

from trustcentre.audit import anchors, services


@shared_task
def anchor_audit_chain() -> int | None:
    anchor = anchors.audit_anchor_write()
    return anchor.seq if anchor else None


@shared_task
def run_audit_export(job_id: int) -> None:
    services.audit_export_run(job_id=job_id)
