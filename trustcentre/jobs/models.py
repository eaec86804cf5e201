"""The shape every long job shares: the row is the truth about where the job is."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class BackgroundJob(models.Model):
    """Abstract base of every long job. A concrete job names its Celery task in `task_name`
    and implements its work in a service that records progress and heartbeat as it goes."""

    task_name: str = ""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=JobStatus.choices,
        default=JobStatus.QUEUED,
        db_index=True,
    )
    progress = models.FloatField(_("progress"), default=0.0, help_text=_("From 0 to 1."))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)

    @property
    def is_in_progress(self) -> bool:
        """Queued or running: its page follows the progress."""
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    def is_stalled(self, now=None) -> bool:
        now = now or timezone.now()
        limit = timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT)
        if self.status == JobStatus.RUNNING:
            return (self.heartbeat_at or self.started_at or self.created_at) < now - limit
        if self.status == JobStatus.QUEUED:
            return self.created_at < now - limit
        return False
