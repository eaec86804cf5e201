"""Daily and hourly upkeep: deadline reminders, overdue flags, and deleting the personal data
of requests whose email was never confirmed."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rights_requests.emails import send_email
from rights_requests.models import RequestStatus, RightsRequest
from rights_requests.services.intake import site_url
from trustcentre.accounts.models import User
from trustcentre.audit.services import audit_record


def _dpos():
    return User.objects.filter(is_active=True, groups__name="dpo").distinct().order_by("email")


def rights_request_send_reminders(*, today: datetime.date | None = None) -> int:
    """Remind assignees 7 and 2 days before the deadline; flag overdue requests to every DPO.
    Each email has its own cause, so running the task twice a day sends nothing twice."""
    today = today or timezone.localdate()
    sent = 0
    running = RightsRequest.objects.filter(
        status__in=[RequestStatus.OPEN, RequestStatus.REFERRED]
    ).select_related("assignee")
    for rr in running.filter(
        assignee__isnull=False,
        due_date__in=[
            today + datetime.timedelta(days=d) for d in settings.RIGHTS_REQUEST_REMINDER_DAYS
        ],
    ):
        days = (rr.due_date - today).days
        with transaction.atomic():
            send_email(
                to=rr.assignee.email,
                subject=_("%(reference)s is due in %(days)d days")
                % {"reference": rr.reference, "days": days},
                greeting_name=rr.assignee.full_name,
                paragraphs=[
                    _("The %(type)s request %(reference)s assigned to you is due on %(due)s.")
                    % {
                        "type": rr.get_type_display().lower(),
                        "reference": rr.reference,
                        "due": rr.due_date.isoformat(),
                    }
                ],
                link_url=site_url(
                    reverse(
                        "rights_requests_staff:request_detail", kwargs={"reference": rr.reference}
                    )
                ),
                link_label=_("Open the request"),
                recipient=rr.assignee,
                cause=f"rights-request-reminder:{rr.public_id}:{rr.due_date}:{days}",
            )
        sent += 1
    dpos = list(_dpos())
    for rr in running.filter(due_date__lt=today):
        with transaction.atomic():
            for dpo in dpos:
                send_email(
                    to=dpo.email,
                    subject=_("Overdue: %(reference)s was due on %(due)s")
                    % {"reference": rr.reference, "due": rr.due_date.isoformat()},
                    greeting_name=dpo.full_name,
                    paragraphs=[
                        _("The %(type)s request %(reference)s is overdue (due %(due)s).")
                        % {
                            "type": rr.get_type_display().lower(),
                            "reference": rr.reference,
                            "due": rr.due_date.isoformat(),
                        }
                    ],
                    link_url=site_url(
                        reverse(
                            "rights_requests_staff:request_detail",
                            kwargs={"reference": rr.reference},
                        )
                    ),
                    link_label=_("Open the request"),
                    recipient=dpo,
                    cause=f"rights-request-overdue:{rr.public_id}:{rr.due_date}",
                )
                sent += 1
    return sent


def rights_request_purge_unverified(*, now: datetime.datetime | None = None) -> int:
    """Requests never confirmed within the period are deleted with their personal data; the
    audit log keeps only the reference."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.RIGHTS_REQUEST_UNVERIFIED_DAYS)
    purged = 0
    for rr in RightsRequest.objects.filter(status=RequestStatus.UNVERIFIED, received_at__lt=cutoff):
        with transaction.atomic():
            audit_record(
                action="rights_request.unverified_deleted",
                actor_label="system",
                object_type="rights_requests.rightsrequest",
                object_id=rr.reference,
            )
            rr.delete()
        purged += 1
    return purged
