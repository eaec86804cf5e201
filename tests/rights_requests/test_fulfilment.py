"""Fulfilment: the access zip holds exactly the subject's records; erasure removes them from
every source, leaves everyone else's, and the subject cannot be imported again."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from exports.builtin_source.models import JourneyEvent, Lead, VisitorProfile
from exports.builtin_source.services import SubjectSuppressed, lead_ingest
from exports.models import SuppressionEntry
from rights_requests import services
from rights_requests.models import RequestStatus
from tests.rights_requests.conftest import SUBJECT

pytestmark = pytest.mark.django_db


def _counts(tenant_id, email):
    leads = Lead.objects.filter(tenant_id=tenant_id, email__iexact=email)
    contacts = leads.values("contact_id")
    profiles = VisitorProfile.objects.filter(tenant_id=tenant_id, contact_id__in=contacts)
    events = JourneyEvent.objects.filter(
        tenant_id=tenant_id, profile_id__in=profiles.values("profile_id")
    )
    return leads.count(), profiles.count(), events.count()


def _fulfil(rr, dpo_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.fulfilment_start(rr=rr, actor=dpo_user)
    job.refresh_from_db()
    assert job.status == "completed", job.error
    return job


def test_erasure_removes_the_subject_everywhere_and_suppresses_re_import(
    subject_data, org_a, org_b, admin_a, dpo_user, file_request, django_capture_on_commit_callbacks
):
    rr = file_request(type="erasure")
    services.referral_instruct(
        referral=rr.referrals.get(), user=admin_a, instruction="handle_for_us"
    )
    rr.refresh_from_db()
    others_a = _counts(org_a.tenant_id, "other.person@example.org")
    others_b = _counts(org_b.tenant_id, "other.person@example.org")
    assert _counts(org_a.tenant_id, SUBJECT) == (1, 2, 6)
    total_before = (
        Lead.objects.count() + VisitorProfile.objects.count() + JourneyEvent.objects.count()
    )

    job = _fulfil(rr, dpo_user, django_capture_on_commit_callbacks)

    assert _counts(org_a.tenant_id, SUBJECT) == (0, 0, 0)
    assert job.row_counts["acme"] == {
        "organisation_profiles": 0,
        "journey_insights": 6,
        "visitor_profiles": 2,
        "leads": 1,
    }
    total_after = (
        Lead.objects.count() + VisitorProfile.objects.count() + JourneyEvent.objects.count()
    )
    assert total_before - total_after == 9
    assert _counts(org_a.tenant_id, "other.person@example.org") == others_a
    assert _counts(org_b.tenant_id, "other.person@example.org") == others_b
    # On the suppression list (hashed), and a re-import of the same email is refused.
    assert SuppressionEntry.is_suppressed(tenant_id=org_a.tenant_id, kind="email", value=SUBJECT)
    with pytest.raises(SubjectSuppressed):
        lead_ingest(tenant_id=org_a.tenant_id, email=" Jane.Subject@Example.org ")
    with pytest.raises(SubjectSuppressed):
        lead_ingest(tenant_id=org_a.tenant_id, phone="+49 30 123456")
    assert _counts(org_a.tenant_id, SUBJECT) == (0, 0, 0)
    # Another person is imported as before.
    lead_ingest(tenant_id=org_a.tenant_id, email="new.person@example.org")


def test_erasure_is_skipped_for_a_controller_that_handles_it(
    subject_data, org_a, admin_a, dpo_user, file_request, django_capture_on_commit_callbacks
):
    rr = file_request(type="erasure")
    services.referral_instruct(referral=rr.referrals.get(), user=admin_a, instruction="we_handle")
    rr.refresh_from_db()
    with pytest.raises(ValidationError, match="handles this request itself"):
        services.fulfilment_start(rr=rr, actor=dpo_user)
    assert _counts(org_a.tenant_id, SUBJECT) == (1, 2, 6)
    assert not rr.fulfilment_jobs.exists()


def test_access_zip_holds_exactly_the_subjects_records(
    subject_data, org_a, admin_a, dpo_user, file_request, django_capture_on_commit_callbacks
):
    rr = file_request(type="access")
    services.referral_instruct(
        referral=rr.referrals.get(), user=admin_a, instruction="handle_for_us"
    )
    rr.refresh_from_db()
    job = _fulfil(rr, dpo_user, django_capture_on_commit_callbacks)
    assert job.is_downloadable and len(job.sha256) == 64
    with default_storage.open(job.archive_name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = set(archive.namelist())
    assert {
        "manifest.json",
        "acme/leads.json",
        "acme/leads.csv",
        "acme/journey_insights.csv",
    } <= names
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["request_reference"] == rr.reference
    rows = {c["id"]: c["rows"] for c in manifest["organisations"][0]["categories"]}
    assert rows == {
        "leads": 1,
        "visitor_profiles": 2,
        "journey_insights": 6,
        "organisation_profiles": 0,
    }
    leads = json.loads(archive.read("acme/leads.json"))
    assert [lead["email"] for lead in leads] == [SUBJECT]
    assert "other.person@example.org" not in archive.read("acme/leads.csv").decode()
    # Nothing was deleted by an access request.
    assert Lead.objects.filter(email=SUBJECT).count() == 1


def test_fulfilment_refuses_a_paused_or_closed_request(file_request, dpo_user):
    rr = file_request(type="access", jurisdiction="uk_gdpr", email="p@example.org")
    services.rights_request_pause(rr=rr, reason="Please send ID", actor=dpo_user)
    rr.refresh_from_db()
    with pytest.raises(ValidationError, match="clock is paused"):
        services.fulfilment_start(rr=rr, actor=dpo_user)
    assert rr.status == RequestStatus.PAUSED
