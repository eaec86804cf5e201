"""Beat task: jobs whose worker died (no heartbeat) are sent to the queue again."""

import logging

from celery import current_app, shared_task
from django.utils import timezone

from trustcentre.jobs.models import JobStatus
from trustcentre.jobs.services import concrete_job_models

logger = logging.getLogger(__name__)


def _enqueue(task_name: str, job_id: int) -> None:
    task = current_app.tasks.get(task_name)
    if task is not None:
        # Through the task object, so routing and (in tests) eager mode apply as for any .delay().
        task.delay(job_id)
    else:
        current_app.send_task(task_name, args=[job_id])


@shared_task
def requeue_stalled_jobs() -> int:
    """Safe to run at any time: a job that is in fact still running refuses the second claim."""
    now = timezone.now()
    requeued = 0
    for job_model in concrete_job_models():
        candidates = job_model.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        for job in candidates.iterator():
            if job.is_stalled(now):
                _enqueue(job_model.task_name, job.pk)
                requeued += 1
                logger.warning(
                    "requeued stalled %s %s (attempt %s so far)",
                    job_model._meta.label_lower,
                    job.public_id,
                    job.attempts,
                    extra={"job": str(job.public_id)},
                )
    return requeued
