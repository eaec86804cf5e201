"""Exports ready to download, on the portal home."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exports.models import ExportJob
from trustcentre.jobs.models import JobStatus
from trustcentre.pages.todos import Todo, portal_todos


@portal_todos
def exports_ready(user, memberships) -> list[Todo]:
    organisations = [m.organisation_id for m in memberships]
    if not organisations:
        return []
    jobs = ExportJob.objects.filter(
        organisation__in=organisations,
        status=JobStatus.COMPLETED,
        expires_at__gt=timezone.now(),
    ).select_related("organisation")
    return [
        Todo(
            title=_("Your data export is ready to download"),
            url=reverse("exports:detail", args=[job.organisation.slug, job.public_id]),
            when=job.expires_at,
            when_label=_("Available until"),
            organisation=job.organisation.name,
        )
        for job in jobs
    ]
