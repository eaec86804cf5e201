"""Open sub-processor changes on the portal home; open objections on the staff home."""

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from subprocessors.models import ChangeNotice, NoticeOrganisation, Objection
from trustcentre.accounts.permissions import has_staff_role
from trustcentre.pages.todos import Queue, Todo, portal_todos, staff_queues


@portal_todos
def changes_open_to_objection(user, memberships) -> list[Todo]:
    """Each announced change still open to objection, with the organisation's own deadline."""
    organisations = [m.organisation_id for m in memberships]
    if not organisations:
        return []
    rows = NoticeOrganisation.objects.filter(
        organisation__in=organisations,
        notice__status=ChangeNotice.Status.ANNOUNCED,
        objection_deadline__gt=timezone.now(),
    ).select_related("notice", "organisation")
    return [
        Todo(
            title=_("Review a sub-processor change: %(summary)s") % {"summary": row.notice.summary},
            url=reverse(
                "subprocessors_portal:notice", args=[row.organisation.slug, row.notice.public_id]
            ),
            when=row.objection_deadline,
            when_label=_("Objection deadline"),
            organisation=row.organisation.name,
        )
        for row in rows
    ]


@staff_queues
def open_objections(user) -> list[Queue]:
    if not has_staff_role(user, "legal"):
        return []
    waiting = Objection.objects.filter(status=Objection.Status.OPEN).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    return [
        Queue(
            workbench="subprocessors_staff:home",
            label=_("Open objections"),
            count=waiting["count"],
            oldest=waiting["oldest"],
        )
    ]
