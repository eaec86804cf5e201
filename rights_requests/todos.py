"""Referred requests awaiting a customer's instruction; the DPO's open requests."""

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from rights_requests.models import OPEN_STATUSES, Referral, RightsRequest
from trustcentre.accounts.models import Membership
from trustcentre.accounts.permissions import has_staff_role
from trustcentre.pages.todos import Queue, Todo, portal_todos, staff_queues


@portal_todos
def referrals_awaiting_instruction(user, memberships) -> list[Todo]:
    """Only a customer's admins instruct us, so only they see these."""
    organisations = [m.organisation_id for m in memberships if m.role == Membership.Role.ADMIN]
    if not organisations:
        return []
    referrals = Referral.objects.filter(
        organisation__in=organisations,
        instruction=Referral.Instruction.PENDING,
        request__status__in=OPEN_STATUSES,
    ).select_related("request", "organisation")
    return [
        Todo(
            title=_("Tell us how to handle privacy request %(reference)s")
            % {"reference": referral.request.reference},
            url=reverse("rights_requests_portal:referral", args=[referral.public_id]),
            when=referral.request.due_date,
            when_label=_("Our legal deadline"),
            organisation=referral.organisation.name,
        )
        for referral in referrals
    ]


@staff_queues
def open_requests(user) -> list[Queue]:
    if not has_staff_role(user, "dpo"):
        return []
    waiting = RightsRequest.objects.filter(status__in=OPEN_STATUSES).aggregate(
        count=Count("pk"), oldest=Min("received_at")
    )
    return [
        Queue(
            workbench="rights_requests_staff:request_list",
            label=_("Open requests"),
            count=waiting["count"],
            oldest=waiting["oldest"],
        )
    ]
