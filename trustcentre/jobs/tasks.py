"""Beat task: jobs whose worker died (no heartbeat) are sent to the queue again."""

import logging

from celery import current_app, shared_task
from django.utils import timezone

from trustcentre.jobs.models import JobStatus
from trustcentre.jobs.services import concrete_job_models

logger = logging.getLogger(__name__)


@shared_task
def requeue_stalled_jobs() -> int:
    now = timezone.now()
    requeued = 0
    for job_model in concrete_job_models():
        candidates = job_model.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        for job in candidates.iterator():
            if job.is_stalled(now):
                current_app.send_task(job_model.task_name, args=[job.pk])
                requeued += 1
                logger.warning("requeued stalled job", extra={"job": str(job.public_id)})
    return requeued
