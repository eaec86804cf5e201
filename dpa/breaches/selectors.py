"""Reads for the incident and notice pages, scoped to who is asking."""

from django.db.models import Prefetch, Q

from dpa.breaches.deadlines import duration_label, notification_due_at, notification_timing
from dpa.breaches.models import Delivery, Incident, Notification
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
    """The notices of the organisations the user belongs to (member or admin)."""
    notifications = (
        Notification.objects.filter(organisation__in=member_organisations(user))
        .select_related("incident", "organisation", "acknowledged_by")
        .order_by("-notified_at")
    )
    if organisation_slug:
        notifications = notifications.filter(organisation__slug=organisation_slug)
    if state == "open":
        notifications = notifications.filter(acknowledged_at__isnull=True)
    elif state == "acknowledged":
        notifications = notifications.filter(acknowledged_at__isnull=False)
    return notifications
