"""Reads for the incident and notice pages, scoped to who is asking."""

from django.db.models import Count, Prefetch, Q

from dpa.breaches.deadlines import duration_label, notification_due_at, notification_timing
from dpa.breaches.models import (
    Delivery,
    FollowUp,
    FollowUpDelivery,
    FollowUpNotice,
    Incident,
    Notification,
)
from trustcentre.accounts.models import Organisation
from trustcentre.accounts.selectors import portal_organisations


def staff_incidents(*, status: str = "", search: str = ""):
    incidents = Incident.objects.with_counts().order_by("-detected_at", "-created_at")
    if status:
        incidents = incidents.filter(status=status)
    if search:
        incidents = incidents.filter(Q(title__icontains=search) | Q(reference__icontains=search))
    return incidents


def incident_notification_rows(incident: Incident) -> list[dict]:
    """Each notified organisation with its timing (from detection and from awareness, against
    the due time) and every delivery's outbox status."""
    notifications = (
        Notification.objects.filter(incident=incident)
        .select_related("organisation", "acknowledged_by", "sent_by")
        .prefetch_related(
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.select_related(
                    "outbox_message", "webhook_message", "webhook_message__endpoint"
                ),
            )
        )
    )
    rows = []
    for notification in notifications:
        timing = notification_timing(
            detected_at=incident.detected_at,
            aware_at=incident.aware_at,
            notified_at=notification.notified_at,
        )
        rows.append(
            {
                "notification": notification,
                "timing": timing,
                "since_detection": duration_label(timing.since_detection),
                "since_awareness": duration_label(timing.since_awareness),
                "deliveries": list(notification.deliveries.all()),
            }
        )
    return rows


def incident_follow_ups(incident: Incident) -> list[FollowUp]:
    """The incident's follow-ups in order, each with every organisation's notice, its
    deliveries' outbox status and its acknowledgement."""
    notices = FollowUpNotice.objects.select_related(
        "notification__organisation", "acknowledged_by"
    ).prefetch_related(
        Prefetch(
            "deliveries",
            queryset=FollowUpDelivery.objects.select_related("outbox_message", "webhook_message"),
        )
    )
    return list(
        FollowUp.objects.filter(incident=incident)
        .select_related("sent_by")
        .prefetch_related(Prefetch("notices", queryset=notices))
        .order_by("number")
    )


def follow_up_notices_of(notification: Notification):
    """The follow-ups one organisation received for one notice, in order."""
    return (
        FollowUpNotice.objects.filter(notification=notification)
        .select_related("follow_up", "follow_up__incident", "acknowledged_by")
        .order_by("follow_up__number")
    )


def incident_due_at(incident: Incident):
    return notification_due_at(incident.aware_at)


def notifiable_organisations(incident: Incident):
    """Customer organisations not yet notified of this incident."""
    return Organisation.objects.filter(kind=Organisation.Kind.CUSTOMER).exclude(
        pk__in=Notification.objects.filter(incident=incident).values("organisation_id")
    )


def member_organisations(user):
    return portal_organisations(user=user).order_by("name")


def notifications_for_member(user, *, organisation_slug: str = "", state: str = ""):
    """The notices of the organisations the user belongs to (member or admin), with how many
    follow-ups each has and how many of those nobody acknowledged yet."""
    notifications = (
        Notification.objects.filter(organisation__in=member_organisations(user))
        .select_related("incident", "organisation", "acknowledged_by")
        .annotate(
            follow_up_count=Count("follow_up_notices", distinct=True),
            follow_ups_open=Count(
                "follow_up_notices",
                filter=Q(follow_up_notices__acknowledged_at__isnull=True),
                distinct=True,
            ),
        )
        .order_by("-notified_at")
    )
    if organisation_slug:
        notifications = notifications.filter(organisation__slug=organisation_slug)
    # A notice counts as open until it and each of its follow-ups are acknowledged.
    if state == "open":
        notifications = notifications.filter(
            Q(acknowledged_at__isnull=True) | Q(follow_ups_open__gt=0)
        )
    elif state == "acknowledged":
        notifications = notifications.filter(acknowledged_at__isnull=False, follow_ups_open=0)
    return notifications
