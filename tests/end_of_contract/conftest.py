"""Fixtures of the end-of-contract tests: private storage in a temp folder, a customer whose
contract has ended, and sample data for two tenants."""

import datetime

import pytest

from exports.builtin_source.sample_data import generate_sample_data


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private), "base_url": None},
        },
    }
    settings.BUSINESS_HOLIDAYS = []
    return private


CONTRACT_END = datetime.date(2026, 1, 30)  # a Friday


@pytest.fixture
def ended_org(org_a, admin_a):
    org_a.contract_start = datetime.date(2024, 2, 1)
    org_a.contract_end = CONTRACT_END
    org_a.save()
    return org_a


@pytest.fixture
def customer_data(org_a, org_b):
    counts_a = generate_sample_data(
        tenant_id=org_a.tenant_id, leads=40, seed=1, site="www.acme.example"
    )
    counts_b = generate_sample_data(
        tenant_id=org_b.tenant_id, leads=9, seed=2, site="www.globex.example"
    )
    return counts_a, counts_b
