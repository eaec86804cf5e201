"""Unacknowledged breach notices on the portal home; open incidents on the staff home."""

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from dpa.breaches.models import Incident, Notification
from trustcentre.accounts.permissions import has_staff_role
from trustcentre.pages.todos import Queue, Todo, portal_todos, staff_queues


@portal_todos
def notices_to_acknowledge(user, memberships) -> list[Todo]:
    organisations = [m.organisation_id for m in memberships]
    if not organisations:
        return []
    notices = Notification.objects.filter(
        organisation__in=organisations, acknowledged_at__isnull=True
    ).select_related("incident", "organisation")
    return [
        Todo(
            title=_("Read and acknowledge security notice %(reference)s: %(title)s")
            % {"reference": notice.incident.reference, "title": notice.incident.title},
            url=reverse("breaches_portal:notice_detail", args=[notice.public_id]),
            when=notice.notified_at,
            when_label=_("Notified"),
            organisation=notice.organisation.name,
        )
        for notice in notices
    ]


@staff_queues
def open_incidents(user) -> list[Queue]:
    if not (has_staff_role(user, "dpo") or has_staff_role(user, "legal")):
        return []
    # Art. 33's clock runs from awareness, so the age shown counts from it.
    drafts = Incident.objects.filter(status=Incident.Status.DRAFT).aggregate(
        count=Count("pk"), oldest=Min("aware_at")
    )
    return [
        Queue(
            workbench="breaches_staff:incident_list",
            label=_("Incidents not yet notified"),
            count=drafts["count"],
            oldest=drafts["oldest"],
        )
    ]
