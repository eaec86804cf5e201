"""Restriction, objection and suppression: fulfilment sets the request's flag on the subject's
rows in every source of each customer that asked the provider to handle it, records how many
rows were flagged, leaves everyone else's rows alone, and exports show the flag."""

import csv
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from exports.builtin_source.models import Lead, VisitorProfile
from exports.models import SuppressionEntry
from rights_requests import services
from tests.rights_requests.conftest import SUBJECT

pytestmark = pytest.mark.django_db

FLAGS = ("processing_restricted", "objected_to_processing", "suppressed")


def _flags(model, tenant_id, email):
    """Each flag's values over the person's rows of the model (leads or their profiles)."""
    leads = Lead.objects.filter(tenant_id=tenant_id, email__iexact=email)
    rows = (
        leads
        if model is Lead
        else VisitorProfile.objects.filter(
            tenant_id=tenant_id, contact_id__in=leads.values("contact_id")
        )
    )
    return {name: sorted(set(rows.values_list(name, flat=True))) for name in FLAGS}


def _handled_for_us(file_request, admin_a, type):
    rr = file_request(type=type)
    services.referral_instruct(
        referral=rr.referrals.get(), user=admin_a, instruction="handle_for_us"
    )
    rr.refresh_from_db()
    return rr


@pytest.mark.parametrize(
    ("type", "flag"),
    [
        ("restriction", "processing_restricted"),
        ("objection", "objected_to_processing"),
        ("suppression", "suppressed"),
    ],
)
def test_the_requests_flag_is_set_on_the_subjects_rows_only(
    subject_data, org_a, org_b, admin_a, dpo_user, file_request, type, flag
):
    rr = _handled_for_us(file_request, admin_a, type)
    others = {name: [False] for name in FLAGS}

    services.fulfilment_apply_flags(rr=rr, actor=dpo_user)

    expected = {name: [name == flag] for name in FLAGS}
    assert _flags(Lead, org_a.tenant_id, SUBJECT) == expected
    assert _flags(VisitorProfile, org_a.tenant_id, SUBJECT) == expected
    assert VisitorProfile.objects.filter(tenant_id=org_a.tenant_id, **{flag: True}).count() == 2
    for tenant_id in (org_a.tenant_id, org_b.tenant_id):
        assert _flags(Lead, tenant_id, "other.person@example.org") == others
        assert _flags(VisitorProfile, tenant_id, "other.person@example.org") == others
    # The history says where and how many rows (1 lead and 2 profiles); the subject is on the
    # suppression list as before.
    event = rr.events.filter(kind="fulfilment").latest("created_at")
    assert "Acme" in event.text and "3 records flagged" in event.text, event.text
    assert event.actor == dpo_user
    assert SuppressionEntry.is_suppressed(tenant_id=org_a.tenant_id, kind="email", value=SUBJECT)


def test_a_controller_that_handles_it_itself_gets_no_flags(
    subject_data, org_a, admin_a, dpo_user, file_request
):
    rr = file_request(type="restriction")
    services.referral_instruct(referral=rr.referrals.get(), user=admin_a, instruction="we_handle")
    rr.refresh_from_db()
    with pytest.raises(ValidationError, match="handles this request itself"):
        services.fulfilment_apply_flags(rr=rr, actor=dpo_user)
    assert _flags(Lead, org_a.tenant_id, SUBJECT) == {name: [False] for name in FLAGS}
    assert not rr.events.filter(kind="fulfilment").exists()


def test_an_access_export_after_restriction_and_objection_shows_the_flags(
    subject_data,
    org_a,
    admin_a,
    dpo_user,
    file_request,
    django_capture_on_commit_callbacks,
):
    services.fulfilment_apply_flags(
        rr=_handled_for_us(file_request, admin_a, "restriction"), actor=dpo_user
    )
    services.fulfilment_apply_flags(
        rr=_handled_for_us(file_request, admin_a, "objection"), actor=dpo_user
    )
    rr = _handled_for_us(file_request, admin_a, "access")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.fulfilment_start(rr=rr, actor=dpo_user)
    job.refresh_from_db()
    assert job.status == "completed", job.error
    with default_storage.open(job.archive_name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))

    (lead,) = json.loads(archive.read("acme/leads.json"))
    assert lead["email"] == SUBJECT
    assert (lead["processing_restricted"], lead["objected_to_processing"], lead["suppressed"]) == (
        True,
        True,
        False,
    )
    profiles = json.loads(archive.read("acme/visitor_profiles.json"))
    assert len(profiles) == 2 and all(p["processing_restricted"] for p in profiles)
    (csv_lead,) = csv.DictReader(io.StringIO(archive.read("acme/leads.csv").decode()))
    assert (
        csv_lead["processing_restricted"],
        csv_lead["objected_to_processing"],
        csv_lead["suppressed"],
    ) == ("true", "true", "false")
    schema = json.loads(archive.read("schemas/leads.schema.json"))
    assert schema["properties"]["processing_restricted"]["type"] == "boolean"
