from django.apps import AppConfig

DEMO_LEADS_PER_CUSTOMER = 3000


class BuiltinSourceConfig(AppConfig):
    """The data source that keeps customer data in the portal's own database."""

    name = "exports.builtin_source"
    label = "builtin_source"
    verbose_name = "Built-in data source"

    def seed_demo(self, stdout):
        """Give each demo customer a few thousand rows of data to export, once: a customer
        that already has leads is left as it is."""
        # Imported here: an AppConfig module loads before the models are ready.
        import zlib

        from exports.builtin_source.models import Lead
        from exports.builtin_source.sample_data import generate_sample_data
        from trustcentre.accounts.models import Organisation

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
