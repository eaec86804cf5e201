"""generate_sample_data ORG_SLUG --leads N and the demo seed: the right counts in every category,
the same rows for the same seed, nothing for a suppressed subject, existing data kept unless
--replace."""

import hashlib
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from exports.builtin_source.models import JourneyEvent, Lead, OrganisationProfile, VisitorProfile
from exports.formats import csv_record
from exports.models import SuppressionEntry, identifier_hash
from exports.sources import all_categories, get_category
from exports.sources.base import RowFilter
from tests.conftest import make_organisation
from trustcentre.accounts.models import Organisation


def run(*args):
    out = io.StringIO()
    call_command("generate_sample_data", *args, stdout=out)
    return out.getvalue()


def fingerprint(tenant_id) -> dict:
    """A digest of every exported row of every category, in export order."""
    digests = {}
    for category in all_categories():
        source, _category = get_category(category.id)
        digest = hashlib.sha256()
        for row in source.iter_rows(
            category_id=category.id, row_filter=RowFilter(tenant_id=tenant_id)
        ):
            digest.update("\x1f".join(csv_record(row, category.fields)).encode() + b"\x1e")
        digests[category.id] = digest.hexdigest()
    return digests


def counts(tenant_id) -> tuple:
    return tuple(
        model.objects.filter(tenant_id=tenant_id).count()
        for model in (Lead, VisitorProfile, JourneyEvent, OrganisationProfile)
    )


@pytest.mark.parametrize(
    "leads, expected", [(41, (41, 61, 244, 3)), (1, (1, 1, 4, 1)), (0, (0, 0, 0, 0))]
)
def test_proportionate_counts_in_every_category(org_a, leads, expected):
    output = run(org_a.slug, "--leads", str(leads))
    assert counts(org_a.tenant_id) == expected
    assert (
        f"{expected[0]} leads, {expected[1]} visitor profiles, {expected[2]} journey events"
        in output
    )


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(org_a):
    run(org_a.slug, "--leads", "30", "--seed", "7")
    first = fingerprint(org_a.tenant_id)
    run(org_a.slug, "--leads", "30", "--seed", "7", "--replace")
    assert fingerprint(org_a.tenant_id) == first
    run(org_a.slug, "--leads", "30", "--seed", "8", "--replace")
    assert fingerprint(org_a.tenant_id).keys() == first.keys()
    assert all(digest != first[key] for key, digest in fingerprint(org_a.tenant_id).items())


def test_two_tenants_with_the_same_seed_share_no_keys(org_a, org_b):
    run(org_a.slug, "--leads", "20")
    run(org_b.slug, "--leads", "20")
    keys_a = set(Lead.objects.filter(tenant_id=org_a.tenant_id).values_list("pk", flat=True))
    keys_b = set(Lead.objects.filter(tenant_id=org_b.tenant_id).values_list("pk", flat=True))
    assert len(keys_a) == len(keys_b) == 20 and not keys_a & keys_b


def test_profiles_and_events_link_to_the_tenants_rows(org_a):
    run(org_a.slug, "--leads", "10")
    contacts = set(
        Lead.objects.filter(tenant_id=org_a.tenant_id).values_list("contact_id", flat=True)
    )
    linked = VisitorProfile.objects.filter(tenant_id=org_a.tenant_id, contact_id__isnull=False)
    assert set(linked.values_list("contact_id", flat=True)) == contacts
    profiles = set(
        VisitorProfile.objects.filter(tenant_id=org_a.tenant_id).values_list(
            "profile_id", flat=True
        )
    )
    assert (
        set(
            JourneyEvent.objects.filter(tenant_id=org_a.tenant_id).values_list(
                "profile_id", flat=True
            )
        )
        == profiles
    )


def test_existing_data_is_kept_unless_replace_is_given(org_a):
    run(org_a.slug, "--leads", "5")
    with pytest.raises(CommandError, match="--replace"):
        run(org_a.slug, "--leads", "5")
    assert counts(org_a.tenant_id)[0] == 5
    run(org_a.slug, "--leads", "3", "--replace")
    assert counts(org_a.tenant_id) == (3, 4, 16, 1)


@pytest.mark.parametrize(
    "args, message",
    [(["nobody", "--leads", "3"], "No organisation"), (["acme", "--leads", "-1"], "0 or more")],
)
def test_bad_arguments_are_clear_errors(org_a, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_a_suppressed_subject_is_not_generated_again(org_a):
    run(org_a.slug, "--leads", "12", "--seed", "3")
    before = {
        lead.email: lead.contact_id for lead in Lead.objects.filter(tenant_id=org_a.tenant_id)
    }
    erased_email = sorted(before)[4]
    SuppressionEntry.objects.create(
        tenant_id=org_a.tenant_id,
        kind="email",
        identifier_hash=identifier_hash("email", erased_email),
    )
    output = run(org_a.slug, "--leads", "12", "--seed", "3", "--replace")
    after = {lead.email: lead.contact_id for lead in Lead.objects.filter(tenant_id=org_a.tenant_id)}
    assert erased_email not in after
    assert after == {email: contact for email, contact in before.items() if email != erased_email}
    assert not VisitorProfile.objects.filter(contact_id=before[erased_email]).exists()
    assert "1 leads skipped" in output


def test_seed_demo_gives_each_customer_data_once(db):
    acme = make_organisation("acme-retail")
    globex = make_organisation("globex-logistics")
    prospect = make_organisation("initech", kind=Organisation.Kind.PROSPECT)
    config = apps.get_app_config("builtin_source")
    out = io.StringIO()
    config.seed_demo(stdout=out)
    first = {
        organisation.slug: counts(organisation.tenant_id)
        for organisation in (acme, globex, prospect)
    }
    assert first["acme-retail"] == first["globex-logistics"] == (3000, 4500, 18000, 150)
    assert first["initech"] == (0, 0, 0, 0)
    assert "Sample data for acme-retail: 3000 leads" in out.getvalue()

    again = io.StringIO()
    config.seed_demo(stdout=again)  # idempotent: nothing added, nothing said
    assert {
        organisation.slug: counts(organisation.tenant_id)
        for organisation in (acme, globex, prospect)
    } == first
    assert again.getvalue() == ""
