"""The end-of-contract timeline on the portal home; open cases on the staff home."""

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from exports.end_of_contract.models import CaseStatus, EndOfContractCase
from trustcentre.accounts.permissions import has_staff_role
from trustcentre.pages.todos import Queue, Todo, portal_todos, staff_queues


def _next_step(case) -> tuple[str, object, str]:
    """What the customer faces next in an open case, and the day it is due."""
    if case.status == CaseStatus.AWAITING_CHOICE:
        return (
            _("Your contract ends: choose what happens to your data"),
            case.transition_start,
            _("Transition starts"),
        )
    if case.status == CaseStatus.TRANSITION:
        return (
            _("Your contract ends: the transition period is running"),
            case.transition_end,
            _("Transition ends"),
        )
    if case.status == CaseStatus.RETRIEVAL:
        return _("Retrieve your data before it is erased"), case.retrieval_end, _("Erasure due")
    return _("Your data is being erased"), case.retrieval_end, _("Erasure due")


@portal_todos
def leaving_timeline(user, memberships) -> list[Todo]:
    organisations = [m.organisation_id for m in memberships]
    if not organisations:
        return []
    cases = EndOfContractCase.objects.open().filter(organisation__in=organisations)
    todos = []
    for case in cases.select_related("organisation"):
        title, when, when_label = _next_step(case)
        todos.append(
            Todo(
                title=title,
                url=reverse("end_of_contract:organisation", args=[case.organisation.slug]),
                when=when,
                when_label=when_label,
                organisation=case.organisation.name,
            )
        )
    return todos


@staff_queues
def open_cases(user) -> list[Queue]:
    if not has_staff_role(user, "legal"):
        return []
    waiting = EndOfContractCase.objects.open().aggregate(count=Count("pk"), oldest=Min("opened_at"))
    return [
        Queue(
            workbench="end_of_contract_staff:case_list",
            label=_("Open cases"),
            count=waiting["count"],
            oldest=waiting["oldest"],
        )
    ]
