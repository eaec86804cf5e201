"""Demo content of this app, seeded by `manage.py seed_demo` (idempotent)."""

import datetime

from django.utils import timezone

from dpa.breaches import services, services_follow_ups
from dpa.breaches.models import Incident
from trustcentre.accounts.models import Membership, Organisation, User

DEMO_INCIDENT_TITLE = "Misdirected export email"


def seed_demo(stdout):
    """One past incident, notified to the first demo customer and acknowledged there, with a
    follow-up on the measures taken that is not acknowledged yet; left alone when it already
    exists (or when the demo DPO or customer is missing)."""
    if Incident.objects.filter(title=DEMO_INCIDENT_TITLE).exists():
        return
    dpo = User.objects.filter(groups__name="dpo").order_by("pk").first()
    customer = Organisation.objects.filter(kind=Organisation.Kind.CUSTOMER).order_by("slug").first()
    admin = (
        Membership.objects.filter(organisation=customer, role=Membership.Role.ADMIN)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if dpo is None or customer is None or admin is None:
        return
    detected = (timezone.now() - datetime.timedelta(days=40)).replace(
        hour=9, minute=15, second=0, microsecond=0
    )
    aware = detected + datetime.timedelta(hours=2, minutes=30)
    incident = services.incident_record(
        user=dpo,
        now=aware + datetime.timedelta(hours=1),
        title=DEMO_INCIDENT_TITLE,
        detected_at=detected,
        aware_at=aware,
        nature=(
            "A scheduled export of lead data was emailed to a wrong recipient at a partner "
            "agency because of a mistyped distribution list."
        ),
        data_categories="Names, business email addresses, job titles of leads.",
        subjects_affected=240,
        records_affected=240,
        likely_consequences=(
            "Low: business contact data only; the recipient confirmed deletion in writing."
        ),
        measures_taken=(
            "Distribution list corrected; recipient asked to delete and confirm; export "
            "emails now need a second approver."
        ),
        measures_proposed="Replace emailed exports with links that need a sign-in.",
        customer_actions="No action needed; inform your own DPO for your breach register.",
        contact_point="Data Protection Officer, dpo@northwind.example, +49 30 1234567",
    )
    notified_at = aware + datetime.timedelta(hours=20)
    result = services.incident_notify(
        incident=incident, organisations=[customer], user=dpo, now=notified_at
    )
    for notification in result.notified:
        services.notification_acknowledge(
            notification=notification,
            user=admin.user,
            now=notified_at + datetime.timedelta(hours=5),
        )
    services_follow_ups.follow_up_send(
        incident=incident,
        user=dpo,
        now=notified_at + datetime.timedelta(days=3),
        kind="measures_taken",
        body=(
            "The partner agency's IT confirmed the deletion from its mail server and backups. "
            "Emailed exports are now switched off for every customer."
        ),
        measures_proposed="Links that need a sign-in replace emailed exports from next month.",
    )
    stdout.write(
        f"Demo incident {incident.reference} notified to {customer.slug} and acknowledged, "
        "with one follow-up."
    )
