"""generate_sample_data ORG_SLUG --leads N: fill an organisation's built-in data for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from exports.builtin_source.models import JourneyEvent, Lead, OrganisationProfile, VisitorProfile
from exports.builtin_source.sample_data import generate_sample_data
from trustcentre.accounts.models import Organisation

MODELS = (JourneyEvent, VisitorProfile, Lead, OrganisationProfile)


class Command(BaseCommand):
    help = (
        "Fill an organisation's built-in data source with N made-up leads and proportionate "
        "visitor profiles (1.5 per lead), journey events (4 per profile) and organisation "
        "profiles (1 per 20 leads). The same seed gives the same rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("org_slug", help="The organisation's slug.")
        parser.add_argument("--leads", type=int, required=True, help="How many leads.")
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
        parser.add_argument(
            "--replace", action="store_true", help="Delete the organisation's existing rows first."
        )

    def handle(self, *args, org_slug, leads, seed, replace, **options):
        if leads < 0:
            raise CommandError("--leads must be 0 or more.")
        organisation = Organisation.objects.filter(slug=org_slug).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {org_slug!r}.")
        tenant_id = organisation.tenant_id
        has_rows = any(model.objects.filter(tenant_id=tenant_id).exists() for model in MODELS)
        if has_rows and not replace:
            # Keys come from the seed: adding to existing rows could repeat them.
            raise CommandError(
                f"{org_slug} already has data in the built-in source; "
                "add --replace to delete it first."
            )
        started = time.monotonic()
        with transaction.atomic():
            if has_rows:
                for model in MODELS:
                    # One DELETE per table: no cascades or signals, so Django runs it as it is.
                    model.objects.filter(tenant_id=tenant_id).delete()
            site = f"www.{organisation.slug}.example"
            counts = generate_sample_data(tenant_id=tenant_id, leads=leads, seed=seed, site=site)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{organisation.slug}: {counts.leads} leads, "
            f"{counts.visitor_profiles} visitor profiles, "
            f"{counts.journey_insights} journey events, "
            f"{counts.organisation_profiles} organisation profiles in {elapsed:.1f} s"
        )
        if counts.refused:
            self.stdout.write(f"{counts.refused} leads skipped: on the suppression list.")
