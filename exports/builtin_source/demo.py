"""Demo content of this app, seeded by `manage.py seed_demo` (idempotent)."""

import zlib

from exports.builtin_source.models import Lead
from exports.builtin_source.sample_data import generate_sample_data
from trustcentre.accounts.models import Organisation

DEMO_LEADS_PER_CUSTOMER = 3000


def seed_demo(stdout):
    """Give each demo customer a few thousand rows of data to export, once: a customer
    that already has leads is left as it is."""
    for organisation in Organisation.objects.filter(kind=Organisation.Kind.CUSTOMER).order_by(
        "slug"
    ):
        if Lead.objects.filter(tenant_id=organisation.tenant_id).exists():
            continue
        counts = generate_sample_data(
            tenant_id=organisation.tenant_id,
            leads=DEMO_LEADS_PER_CUSTOMER,
            seed=zlib.crc32(organisation.slug.encode()),
            site=f"www.{organisation.slug}.example",
        )
        stdout.write(
            f"Sample data for {organisation.slug}: {counts.leads} leads, "
            f"{counts.visitor_profiles} visitor profiles, {counts.journey_insights} journey "
            f"events, {counts.organisation_profiles} organisation profiles."
        )
