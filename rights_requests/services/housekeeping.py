"""Daily and hourly upkeep: deadline reminders, overdue flags, and deleting the personal data
of requests whose email was never confirmed."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rights_requests.emails import send_email
from rights_requests.models import Referral, RequestStatus, RightsRequest, local_date
from rights_requests.services.intake import site_url
from trustcentre.accounts.models import Membership, User
from trustcentre.audit.services import audit_record
from trustcentre.lib.moments import format_moment


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
                        "due": format_moment(rr.due_date),
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
                    % {"reference": rr.reference, "due": format_moment(rr.due_date)},
                    greeting_name=dpo.full_name,
                    paragraphs=[
                        _("The %(type)s request %(reference)s is overdue (due %(due)s).")
                        % {
                            "type": rr.get_type_display().lower(),
                            "reference": rr.reference,
                            "due": format_moment(rr.due_date),
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


# Days after a referral on which its customer's admins are reminded while they have not
# instructed us, and days before the deadline of a last reminder.
REFERRAL_REMINDER_AFTER_DAYS = (3, 7)
REFERRAL_REMINDER_BEFORE_DUE_DAYS = (5,)


def referral_reminder_due(referral: Referral, today: datetime.date) -> str | None:
    """Which reminder a customer that has not instructed us gets today, as a key unique to
    that day's reminder ("after-3", "after-7", "due-5"), or None."""
    waited = (today - local_date(referral.created_at)).days
    if waited in REFERRAL_REMINDER_AFTER_DAYS:
        return f"after-{waited}"
    left = (referral.request.due_date - today).days
    if left in REFERRAL_REMINDER_BEFORE_DUE_DAYS:
        return f"due-{left}"
    return None


def referral_send_reminders(*, today: datetime.date | None = None) -> int:
    """Remind the admins of every customer whose instruction is awaited, through the outbox:
    3 and 7 days after the referral and 5 days before the deadline. Each reminder's cause
    names its day, so running the task twice sends nothing twice."""
    today = today or timezone.localdate()
    sent = 0
    waiting = Referral.objects.filter(
        instruction=Referral.Instruction.PENDING,
        request__status__in=[RequestStatus.REFERRED, RequestStatus.PAUSED],
    ).select_related("request", "organisation")
    for referral in waiting:
        key = referral_reminder_due(referral, today)
        if key is None:
            continue
        rr = referral.request
        url = site_url(
            reverse("rights_requests_portal:referral", kwargs={"public_id": referral.public_id})
        )
        admins = Membership.objects.filter(
            organisation=referral.organisation, role=Membership.Role.ADMIN, user__is_active=True
        ).select_related("user")
        with transaction.atomic():
            for membership in admins:
                send_email(
                    to=membership.user.email,
                    subject=_("Reminder: we are waiting for your instruction on %(reference)s")
                    % {"reference": rr.reference},
                    greeting_name=membership.user.full_name,
                    paragraphs=[
                        _(
                            "A data subject's %(type)s request about data we process for "
                            "%(organisation)s has waited for your instruction since %(since)s. "
                            "We act on your data only on your instruction, so nothing is done "
                            "until you tell us."
                        )
                        % {
                            "type": rr.get_type_display().lower(),
                            "organisation": referral.organisation.name,
                            "since": format_moment(local_date(referral.created_at)),
                        },
                        _("The legal deadline is %(due)s.") % {"due": format_moment(rr.due_date)},
                    ],
                    link_url=url,
                    link_label=_("See the request and instruct us"),
                    reference=rr.reference,
                    recipient=membership.user,
                    organisation=referral.organisation,
                    cause=f"rights-request-referral-reminder:{referral.public_id}:{key}",
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
