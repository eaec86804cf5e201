"""Recording and editing an incident: the DPO only, bad input refused with nothing changed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dpa.breaches import services
from dpa.breaches.models import Incident
from tests.breaches.conftest import incident_values
from trustcentre.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_dpo_records_a_draft_with_an_audit_event(dpo_user):
    incident = services.incident_record(user=dpo_user, **incident_values())
    assert incident.status == Incident.Status.DRAFT
    assert incident.reference.startswith(f"INC-{incident.created_at:%Y}-")
    assert incident.subjects_affected == 1200
    event = AuditEvent.objects.get(action="breach.incident_recorded")
    assert event.object_id == str(incident.public_id)
    assert event.actor == dpo_user


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"subjects_affected": -1}, "subjects_affected", "cannot be negative"),
        ({"records_affected": -5}, "records_affected", "cannot be negative"),
        (
            {"detected_at": datetime.timedelta(hours=1)},
            "detected_at",
            "in the future",
        ),
        (
            {"aware_at": datetime.timedelta(days=1)},
            "aware_at",
            "in the future",
        ),
        (
            {
                "detected_at": -datetime.timedelta(hours=2),
                "aware_at": -datetime.timedelta(hours=3),
            },
            "aware_at",
            "before it was detected",
        ),
        ({"nature": "   "}, "nature", "required"),
        ({"contact_point": ""}, "contact_point", "required"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_recorded(dpo_user, overrides, field, message):
    # Times are given as offsets from now, taken when the test runs rather than when the module
    # is imported: a long run would otherwise turn "in an hour" into the past.
    now = timezone.now()
    overrides = {
        name: now + value if isinstance(value, datetime.timedelta) else value
        for name, value in overrides.items()
    }
    with pytest.raises(ValidationError) as refused:
        services.incident_record(user=dpo_user, **incident_values(**overrides))
    assert message in " ".join(refused.value.message_dict[field])
    assert not Incident.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="breach.incident").exists()


@pytest.mark.parametrize("role_user", ["legal_user", "trust_admin_user", "admin_a"])
def test_only_the_dpo_may_record(request, role_user):
    user = request.getfixturevalue(role_user)
    with pytest.raises(PermissionDenied):
        services.incident_record(user=user, **incident_values())
    assert not Incident.objects.exists()


def test_a_draft_can_be_edited(incident, dpo_user):
    services.incident_update(
        incident=incident,
        user=dpo_user,
        **incident_values(
            subjects_affected=1500, detected_at=incident.detected_at, aware_at=incident.aware_at
        ),
    )
    incident.refresh_from_db()
    assert incident.subjects_affected == 1500
    event = AuditEvent.objects.get(action="breach.incident_updated")
    assert event.details["fields"] == ["subjects_affected"]


def test_bad_edit_changes_nothing(incident, dpo_user):
    with pytest.raises(ValidationError):
        services.incident_update(
            incident=incident, user=dpo_user, **incident_values(records_affected=-1)
        )
    incident.refresh_from_db()
    assert incident.records_affected == 3400


def test_a_notified_incident_cannot_be_edited(incident, dpo_user, org_a, no_notice_contact):
    services.incident_notify(incident=incident, organisations=[org_a], user=dpo_user)
    with pytest.raises(services.IncidentStateError):
        services.incident_update(
            incident=incident, user=dpo_user, **incident_values(title="Changed afterwards")
        )
    incident.refresh_from_db()
    assert incident.title == "Leaked support export"


def test_closing_needs_a_notified_incident(incident, dpo_user, org_a, no_notice_contact):
    with pytest.raises(services.IncidentStateError):
        services.incident_close(incident=incident, user=dpo_user)
    services.incident_notify(incident=incident, organisations=[org_a], user=dpo_user)
    closed = services.incident_close(incident=incident, user=dpo_user)
    assert closed.status == Incident.Status.CLOSED
    assert AuditEvent.objects.filter(action="breach.incident_closed").count() == 1
    with pytest.raises(services.IncidentStateError):
        services.incident_notify(incident=incident, organisations=[org_a], user=dpo_user)
