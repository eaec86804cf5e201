"""Demo content of this app, seeded by `manage.py seed_demo` (idempotent)."""

import datetime
import re

from django.apps import apps
from django.utils import timezone

from exports.builtin_source.models import Lead
from rights_requests import services
from rights_requests.models import RightsRequest
from trustcentre.accounts.models import Organisation, User
from trustcentre.notifications.models import OutboxMessage

DEMO_DOMAIN = "demo-requester.example"


def seed_demo(stdout):
    """A handful of requests in various states and jurisdictions, some close to their
    deadline, one paused, one extended; once (skipped when demo requests exist)."""
    if RightsRequest.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}").exists():
        return
    # The demo customers' data first (idempotent), so one request finds a real subject.
    apps.get_app_config("builtin_source").seed_demo(stdout)
    now = timezone.now()
    dpo = User.objects.filter(groups__name="dpo").order_by("email").first()
    customer = Organisation.objects.filter(kind=Organisation.Kind.CUSTOMER).order_by("slug").first()
    known, known_name = None, "Jane Demo"
    if customer is not None:
        lead = (
            Lead.objects.filter(tenant_id=customer.tenant_id, email__isnull=False)
            .order_by("contact_id")
            .first()
        )
        known = lead.email if lead else None
        known_name = f"{lead.first_name} {lead.last_name}".strip() if lead else "Jane Demo"

    def filed(type, jurisdiction, days_ago, who, *, verify=True, email=None, company=""):
        rr = services.rights_request_file(
            type=type,
            jurisdiction=jurisdiction,
            name=who,
            email=email or f"{who.split()[0].lower()}@{DEMO_DOMAIN}",
            company_name=company,
            details="Demo request.",
            now=now - datetime.timedelta(days=days_ago),
        )
        if verify and rr.verified_at is None:
            message = OutboxMessage.objects.filter(
                cause=f"rights-request-verify:{rr.public_id}"
            ).first()
            token = re.search(r"/confirm/([^/\s]+)/", message.body_text).group(1)
            rr = services.rights_request_verify(token=token)
        rr.refresh_from_db()
        return rr

    created = [
        filed("access", "eu_gdpr", 27, known_name or "Jane Demo", email=known),
        filed("erasure", "uk_gdpr", 10, "Oliver Paused"),
        filed("portability", "eu_gdpr", 20, "Elena Extended"),
        filed("opt_out", "us_ccpa", 16, "Carlos Optout", verify=False),
        filed("access", "us_ccpa", 41, "Casey Soon"),
        filed("objection", "other", 35, "Olu Overdue"),
        filed("rectification", "eu_gdpr", 3, "Rita Fresh"),
        filed("access", "eu_gdpr", 1, "Una Unconfirmed", verify=False),
    ]
    services.rights_request_pause(
        rr=created[1],
        reason="Please confirm the address you used with our customer.",
        actor=dpo,
    )
    services.rights_request_extend(
        rr=created[2],
        reason="The request covers several systems; we need more time.",
        actor=dpo,
    )
    if dpo is not None:
        for rr in (created[0], created[4]):
            services.rights_request_assign(rr=rr, assignee=dpo, actor=dpo)
    stdout.write(
        "Rights requests: "
        + ", ".join(f"{rr.reference} ({rr.type}, {rr.jurisdiction})" for rr in created)
    )
