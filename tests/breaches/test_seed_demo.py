"""The demo incident: notified to one demo customer and acknowledged, with one follow-up not
acknowledged yet, created once."""

import io

import pytest
from django.apps import apps

from dpa.breaches.models import FollowUpNotice, Incident, Notification
from trustcentre.accounts.models import Membership

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(dpo_user, org_a, org_b, admin_a, admin_b, no_notice_contact):
    config = apps.get_app_config("breaches")
    out = io.StringIO()
    config.seed_demo(stdout=out)
    config.seed_demo(stdout=out)
    incident = Incident.objects.get()
    assert incident.status == Incident.Status.NOTIFIED
    (notification,) = Notification.objects.all()
    assert notification.organisation == org_a  # the first customer by slug
    assert notification.acknowledged_by == admin_a
    assert notification.acknowledged_at > notification.notified_at
    assert incident.aware_at < incident.created_at < notification.notified_at
    assert Membership.objects.filter(user=admin_a, organisation=org_a).exists()
    assert out.getvalue().count("Demo incident") == 1
    (notice,) = FollowUpNotice.objects.select_related("follow_up")
    assert (notice.follow_up.number, notice.follow_up.kind) == (1, "measures_taken")
    assert notice.notification == notification and notice.acknowledged_at is None
    assert notice.sent_at > notification.notified_at


def test_seed_demo_without_a_dpo_does_nothing(org_a, admin_a):
    apps.get_app_config("breaches").seed_demo(stdout=io.StringIO())
    assert not Incident.objects.exists()
