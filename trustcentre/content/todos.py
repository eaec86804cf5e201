"""The content reviews that are overdue, on the staff home."""

from django.utils import timezone
from django.utils.translation import gettext as _

from trustcentre.accounts.permissions import has_staff_role
from trustcentre.content.services import reviews_due
from trustcentre.pages.todos import Queue, staff_queues


@staff_queues
def overdue_reviews(user) -> list[Queue]:
    if not (has_staff_role(user, "trust_admin") or has_staff_role(user, "legal")):
        return []
    overdue = [item for item in reviews_due(today=timezone.localdate()) if item.overdue]
    return [
        Queue(
            workbench="content_staff:home",
            label=_("Reviews overdue"),
            count=len(overdue),
            oldest=min((item.due for item in overdue), default=None),
        )
    ]
