"""An incident as the DPO records it, and the clients of the people who look at it."""

import datetime

import pytest
from django.utils import timezone

from dpa.breaches import services
from dpa.models import Agreement
from tests.conftest import login_with_second_factor
from tests.dpa.factories import give_dpa

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
def no_notice_contact(db):
    """No organisation has a DPA in force, so the real look-up finds no notice contact; the
    contact a DPA names is covered by test_notify.py (the_notice_contact_comes_from_the_dpa)."""
    assert not Agreement.objects.in_force().exists()


@pytest.fixture
def notice_contact(db):
    """Give an organisation a DPA in force naming `address` for notices."""

    def give(organisation, address: str):
        return give_dpa(organisation, notices_email=address)

    return give
