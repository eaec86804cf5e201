"""Demo content of this app, seeded by `manage.py seed_demo` (idempotent)."""

import datetime

from django.utils import timezone

from dpa.audits import services
from dpa.audits.models import AuditRequest
from trustcentre.accounts.models import Membership, Organisation, User

DEMO_SCOPE = "Backups and disaster recovery of the analytics service."


def seed_demo(stdout):
    """For the first demo customer: an information request legal answered in time, and an
    audit request still in review; left alone when they exist (or when the demo legal user
    or customer admin is missing)."""
    if AuditRequest.objects.filter(scope=DEMO_SCOPE).exists():
        return
    legal = User.objects.filter(groups__name="legal").order_by("pk").first()
    customer = Organisation.objects.filter(kind=Organisation.Kind.CUSTOMER).order_by("slug").first()
    admin = (
        Membership.objects.filter(organisation=customer, role=Membership.Role.ADMIN)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if legal is None or customer is None or admin is None:
        return
    now = timezone.now()
    answered = services.audit_request_submit(
        user=admin.user,
        organisation=customer,
        kind="information",
        scope=DEMO_SCOPE,
        questions="How often are backups taken, where are they kept, and when was the last "
        "restore test?",
        now=now - datetime.timedelta(days=12),
    )
    services.audit_request_triage(
        audit_request=answered,
        user=legal,
        assignee=legal,
        now=now - datetime.timedelta(days=11),
    )
    services.audit_request_answer(
        audit_request=answered,
        user=legal,
        body="Daily encrypted backups, kept 35 days in two EU regions; the last restore test "
        "passed last month. The ISO 27001 certificate covers both regions.",
        now=now - datetime.timedelta(days=7),
    )
    in_review = services.audit_request_submit(
        user=admin.user,
        organisation=customer,
        kind="audit",
        scope="Access control to production systems holding our visitors' data.",
        preferred_dates="Any week in the coming quarter, Tuesday to Thursday.",
        auditor="Our internal audit team (two people)",
        now=now - datetime.timedelta(days=3),
    )
    services.audit_request_triage(
        audit_request=in_review,
        user=legal,
        assignee=legal,
        now=now - datetime.timedelta(days=2),
    )
    stdout.write(
        f"Demo audit requests {answered.reference} (answered) and {in_review.reference} "
        f"(in review) for {customer.slug}."
    )
