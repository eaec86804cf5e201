"""An incident as the DPO records it, and the clients of the people who look at it."""

import datetime

import pytest
from django.utils import timezone

from dpa.breaches import services
from tests.conftest import login_with_second_factor

DETECTED = datetime.timedelta(hours=5)
AWARE = datetime.timedelta(hours=3)


def incident_values(**overrides):
    now = timezone.now()
    values = {
        "title": "Leaked support export",
        "detected_at": now - DETECTED,
        "aware_at": now - AWARE,
        "nature": "A support export was readable through a misconfigured bucket.",
        "data_categories": "Names, email addresses",
        "subjects_affected": 1200,
        "records_affected": 3400,
        "likely_consequences": "Phishing attempts against the people listed.",
        "measures_taken": "Bucket closed, access logs reviewed.",
        "measures_proposed": "Automated checks of bucket policies.",
        "customer_actions": "Warn your users about phishing emails.",
        "contact_point": "DPO, dpo@provider.test",
    }
    values.update(overrides)
    return values


@pytest.fixture
def incident(dpo_user):
    return services.incident_record(user=dpo_user, **incident_values())


@pytest.fixture
def dpo_client(client, dpo_user):
    login_with_second_factor(client, dpo_user)
    return client


@pytest.fixture
def no_notice_contact(monkeypatch):
    """No notice contact on any DPA, without creating agreements; the real look-up is covered by
    test_notify.py::test_the_notice_contact_comes_from_the_dpa_in_force."""
    monkeypatch.setattr("dpa.selectors.notice_contact_for", lambda organisation: None)


@pytest.fixture
def notice_contacts(monkeypatch):
    """Monkeypatched dpa.selectors.notice_contact_for: a mapping slug -> address to fill in."""
    contacts: dict[str, str] = {}
    monkeypatch.setattr(
        "dpa.selectors.notice_contact_for",
        lambda organisation: contacts.get(organisation.slug),
    )
    return contacts
