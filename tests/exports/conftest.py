"""Fixtures of the exports tests."""

import pytest

from exports.builtin_source.sample_data import generate_sample_data


@pytest.fixture
def export_storage(settings, tmp_path):
    """Private storage and the exports' work folder in a temp folder (not var/)."""
    private = tmp_path / "private"
    private.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private), "base_url": None},
        },
    }
    settings.EXPORT_WORK_DIR = tmp_path / "export-work"
    return private


@pytest.fixture
def customer_data(org_a, org_b):
    """A few hundred rows in every category for org_a, and other rows for org_b (which must
    never appear in org_a's exports)."""
    counts = generate_sample_data(
        tenant_id=org_a.tenant_id, leads=60, seed=1, site="www.acme.example"
    )
    generate_sample_data(tenant_id=org_b.tenant_id, leads=7, seed=2, site="www.globex.example")
    return counts


@pytest.fixture
def make_lead():
    """Create a lead of a tenant straight in the built-in source (no suppression check), with
    plausible defaults for whatever the test does not name."""
    import datetime
    import uuid

    from exports.builtin_source.models import Lead

    def make(tenant_id, **fields):
        moment = fields.pop("created_at", datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC))
        defaults = {
            "contact_id": uuid.uuid4(),
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": f"{uuid.uuid4().hex[:8]}@example.com",
            "created_at": moment,
            "updated_at": moment,
        }
        return Lead.objects.create(tenant_id=tenant_id, **{**defaults, **fields})

    return make


@pytest.fixture
def completed_export(
    django_capture_on_commit_callbacks, export_storage, customer_data, org_a, admin_a
):
    """A finished CSV export of org_a's leads and organisation profiles, requested by admin_a."""
    from exports.services import export_request

    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(
            organisation=org_a,
            user=admin_a,
            categories=["leads", "organisation_profiles"],
            format="csv",
        )
    job.refresh_from_db()
    assert job.status == "completed", job.error
    return job
