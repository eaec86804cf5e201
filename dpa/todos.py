"""The DPA's part of the portal home and the staff home."""

import datetime

from django.db.models import Count, Min, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dpa.models import Agreement
from dpa.selectors import DpaStatus, _with_dpa_status, latest_published_version
from trustcentre.accounts.models import Organisation
from trustcentre.accounts.permissions import has_staff_role
from trustcentre.pages.todos import Queue, Todo, portal_todos, staff_queues

# How long a countersigned DPA stays on the home as news.
RECENTLY_COUNTERSIGNED = datetime.timedelta(days=30)


@portal_todos
def dpa_to_sign(user, memberships) -> list[Todo]:
    """A customer whose DPA is not signed on the current version is asked to sign it (its
    admins sign; members are told who must); one signed is shown until countersigned, and a
    countersigned one for a month after, with its executed copy."""
    customers = {
        m.organisation_id: m
        for m in memberships
        if m.organisation.kind == Organisation.Kind.CUSTOMER
    }
    if not customers:
        return []
    latest = latest_published_version()
    executed_at = Subquery(
        Agreement.objects.in_force()
        .filter(organisation=OuterRef("pk"))
        .order_by("-executed_at")
        .values("executed_at")[:1]
    )
    organisations = _with_dpa_status(Organisation.objects.filter(pk__in=customers)).annotate(
        in_force_executed_at=executed_at
    )
    recently = timezone.now() - RECENTLY_COUNTERSIGNED
    todos = []
    for organisation in organisations:
        url = reverse("dpa_portal:organisation", args=[organisation.slug])
        status = organisation.dpa_status
        if status in DpaStatus.NEEDS_SIGNATURE and latest is not None:
            title = (
                _("Sign the data processing agreement, version %(number)d")
                if customers[organisation.pk].is_admin
                else _("Your organisation's admin has to sign the DPA, version %(number)d")
            ) % {"number": latest.number}
            todos.append(
                Todo(
                    title=title,
                    url=url,
                    when=latest.published_at,
                    when_label=_("Published"),
                    organisation=organisation.name,
                )
            )
        elif status == DpaStatus.AWAITING:
            todos.append(
                Todo(
                    title=_("Your signed DPA is waiting for our countersignature"),
                    url=url,
                    organisation=organisation.name,
                    done=True,
                )
            )
        elif (
            status == DpaStatus.EXECUTED
            and organisation.in_force_executed_at
            and organisation.in_force_executed_at >= recently
        ):
            todos.append(
                Todo(
                    title=_("Your DPA is countersigned: download the executed copy"),
                    url=url,
                    when=organisation.in_force_executed_at,
                    when_label=_("Countersigned"),
                    organisation=organisation.name,
                    done=True,
                )
            )
    return todos


@staff_queues
def agreements_to_countersign(user) -> list[Queue]:
    if not has_staff_role(user, "legal"):
        return []
    waiting = Agreement.objects.filter(status=Agreement.Status.AWAITING_COUNTERSIGNATURE).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    return [
        Queue(
            workbench="dpa_staff:home",
            label=_("DPAs to countersign"),
            count=waiting["count"],
            oldest=waiting["oldest"],
        )
    ]
