"""Demo content of this app, seeded by `manage.py seed_demo` (idempotent)."""

import datetime

from django.db import transaction
from django.utils import timezone

from subprocessors import services, terms
from subprocessors.models import ListVersion, SubProcessor, Subscription, Topic
from trustcentre.accounts.models import Membership, Organisation, User

# (name, legal entity, purpose, services, data categories, countries, regions, mechanism, other)
DEMO_REGISTER = [
    (
        "Hetzner Online",
        "Hetzner Online GmbH",
        "Hosting of the production platform and backups",
        ["Analytics", "Lead insights"],
        ["All customer data"],
        ["DE", "FI"],
        ["eu"],
        "none",
        "",
    ),
    (
        "Amazon Web Services",
        "Amazon Web Services EMEA SARL",
        "Hosting for customers in the US region",
        ["Analytics", "Lead insights"],
        ["All customer data"],
        ["US"],
        ["us"],
        "dpf",
        "",
    ),
    (
        "Postmark",
        "ActiveCampaign, LLC",
        "Delivery of transactional email",
        ["Analytics", "Lead insights"],
        ["Contact data", "Email content"],
        ["US"],
        [],
        "scc_module_3",
        "",
    ),
    (
        "Zendesk",
        "Zendesk, Inc.",
        "Customer support desk",
        ["Support"],
        ["Contact data", "Support tickets"],
        ["US", "IE"],
        [],
        "dpf",
        "",
    ),
    (
        "Sentry",
        "Functional Software, Inc.",
        "Error monitoring of the application",
        ["Analytics", "Lead insights"],
        ["Technical identifiers", "IP addresses"],
        ["US"],
        [],
        "scc_module_3",
        "",
    ),
    (
        "Snowflake",
        "Snowflake Computing Netherlands B.V.",
        "Analytics warehouse for aggregated reports",
        ["Analytics"],
        ["Visitor profiles", "Journey events"],
        ["DE", "NL"],
        ["eu"],
        "none",
        "",
    ),
    (
        "Cloudflare",
        "Cloudflare, Inc.",
        "Content delivery and DDoS protection",
        ["Analytics", "Lead insights"],
        ["IP addresses", "Request metadata"],
        ["US", "DE"],
        [],
        "dpf",
        "",
    ),
    (
        "Stripe",
        "Stripe Payments Europe, Ltd.",
        "Billing and payment processing",
        ["Billing"],
        ["Billing contact data"],
        ["IE", "US"],
        [],
        "scc_module_3",
        "",
    ),
    (
        "Clearbit",
        "HubSpot, Inc.",
        "Company enrichment of lead insights",
        ["Lead insights"],
        ["Company domain", "Business contact data"],
        ["US"],
        [],
        "dpf",
        "",
    ),
    (
        "Intercom",
        "Intercom R&D Unlimited Company",
        "In-app messaging with customers",
        ["Support"],
        ["Contact data", "Messages"],
        ["IE"],
        [],
        "none",
        "",
    ),
    (
        "Datadog",
        "Datadog, Inc.",
        "Infrastructure monitoring and logs",
        ["Analytics", "Lead insights"],
        ["Technical identifiers", "Log lines"],
        ["DE"],
        ["eu"],
        "none",
        "",
    ),
    (
        "Moneyhub UK",
        "Moneyhub Financial Technology Ltd",
        "Invoice reconciliation",
        ["Billing"],
        ["Billing contact data"],
        ["GB"],
        [],
        "adequacy",
        "",
    ),
]

# What the demo's assessments found, area by area (the provider's example).
DEMO_ASSESSMENT_AREAS = {
    "security_controls": "Access control, encryption at rest and in transit, logging reviewed "
    "against the vendor's security whitepaper and latest penetration test summary.",
    "data_protection_terms": "The vendor's DPA flows down the Art. 28(3) GDPR terms, including "
    "audit rights, deletion at the end and notice of further sub-processors.",
    "transfer_mechanism": "Transfers rely on the EU-US Data Privacy Framework, with the EU SCCs "
    "as a fallback; transfer impact assessment on file.",
    "certifications": "ISO/IEC 27001 and SOC 2 Type II reports, valid and in scope.",
    "resilience": "Multi-region hosting, daily backups, restore tested; exit plan documented.",
}


def seed_demo(stdout):
    """A realistic register, list version 1, one change already effective (version 2), one
    announced change, assessments, and subscriptions for the demo customers' admins. Idempotent."""
    if SubProcessor.objects.exists():
        return
    with transaction.atomic():
        for (
            name,
            entity,
            purpose,
            svc,
            cats,
            countries,
            regions,
            mechanism,
            other,
        ) in DEMO_REGISTER:
            services.subprocessor_create(
                status=SubProcessor.Status.ACTIVE,
                name=name,
                legal_entity=entity,
                purpose=purpose,
                services=svc,
                data_categories=cats,
                countries=countries,
                regions=regions,
                transfer_mechanism=mechanism,
                transfer_mechanism_other=other,
                website=f"https://www.{name.split()[0].lower()}.example",
            )
        first = services.register_initialise()
        # Acme uses analytics and support, hosted in the EU: it sees the list that applies.
        acme = Organisation.objects.filter(slug="acme-retail").first()
        if acme is not None:
            services.customer_scope_set(
                organisation=acme,
                services=["Analytics", "Lead insights", "Support"],
                regions=["eu"],
            )
        ListVersion.objects.filter(pk=first.pk).update(
            published_at=timezone.now() - datetime.timedelta(days=200)
        )
        # A change that already took effect: Datadog now also processes in the US.
        change = services.notice_create(
            kind="change",
            subprocessor=SubProcessor.objects.get(name="Datadog"),
            summary="Datadog log retention moves partly to the US",
            reason="Longer log retention for security investigations.",
            proposed_changes={"countries": ["DE", "US"], "transfer_mechanism": "dpf"},
        )
        past = timezone.now() - datetime.timedelta(days=90)
        deadline = terms.objection_deadline(announced_at=past, window_days=30)
        services.notice_announce(
            notice=change, effective_date=terms.earliest_effective_date(deadline), now=past
        )
        services.notice_make_effective(notice=change)
        # An announced change, open for objections.
        proposed = services.subprocessor_create(
            status=SubProcessor.Status.PROPOSED,
            name="Mixpanel",
            legal_entity="Mixpanel, Inc.",
            purpose="Product analytics of our own application",
            services=["Analytics"],
            data_categories=["Usage events", "Technical identifiers"],
            countries=["US"],
            transfer_mechanism="dpf",
            website="https://www.mixpanel.example",
        )
        # Assessed before it is announced, as every addition must be; the hosting provider
        # was assessed last year, so its review shows as coming up.
        assessor = User.objects.filter(email="legal@northwind.example").first()
        if assessor is not None:
            today = timezone.localdate()
            assessed = [
                (sp, "approved", today - datetime.timedelta(days=60 + 20 * index))
                for index, sp in enumerate(SubProcessor.objects.order_by("name"))
                if sp.name not in ("Hetzner Online", "Postmark", "Mixpanel")
            ]
            assessed += [
                (proposed, "approved", today - datetime.timedelta(days=3)),
                (
                    SubProcessor.objects.get(name="Hetzner Online"),
                    "approved",
                    today - datetime.timedelta(days=350),
                ),
                (
                    SubProcessor.objects.get(name="Postmark"),
                    "conditional",
                    today - datetime.timedelta(days=120),
                ),
            ]
            for subject, result, when in assessed:
                services.assessment_record(
                    subprocessor=subject,
                    assessor=assessor,
                    assessed_on=when,
                    result=result,
                    **DEMO_ASSESSMENT_AREAS,
                )
        notice = services.notice_create(
            kind="add",
            subprocessor=proposed,
            summary="Mixpanel for product analytics",
            reason="To understand which features customers use and improve them.",
        )
        now = timezone.now()
        deadline = terms.objection_deadline(announced_at=now, window_days=30)
        services.notice_announce(
            notice=notice, effective_date=terms.earliest_effective_date(deadline), now=now
        )
        for membership in Membership.objects.filter(
            role=Membership.Role.ADMIN, organisation__kind=Organisation.Kind.CUSTOMER
        ).select_related("user", "organisation"):
            Subscription.objects.get_or_create(
                email=membership.user.email,
                defaults={
                    "topics": [Topic.SUBPROCESSOR_CHANGES, Topic.DPA_UPDATES],
                    "status": Subscription.Status.VERIFIED,
                    "confirmed_at": now,
                    "user": membership.user,
                    "organisation": membership.organisation,
                },
            )
    stdout.write(
        f"Sub-processors: {len(DEMO_REGISTER) + 1} in the register, list version "
        f"{ListVersion.objects.order_by('-number').first().number}, one change announced."
    )
