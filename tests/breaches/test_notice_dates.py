"""A breach's times read the same on every page and in the email: the one date format, in
the provider's zone, labelled with it."""

import pytest
from django.urls import reverse

from dpa.breaches import services
from tests.conftest import login_with_second_factor
from trustcentre.lib.moments import format_moment
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def notification(
    incident, dpo_user, org_a, admin_a, no_notice_contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        return services.incident_notify(
            incident=incident, organisations=[org_a], user=dpo_user
        ).notified[0]


def test_the_customer_and_the_dpo_read_the_same_times(
    client, notification, admin_a, dpo_user, incident
):
    notified = format_moment(notification.notified_at)
    detected = format_moment(incident.detected_at)
    login_with_second_factor(client, admin_a)

    listing = client.get(reverse("breaches_portal:notice_list")).content.decode()
    detail = client.get(
        reverse("breaches_portal:notice_detail", args=[notification.public_id])
    ).content.decode()

    assert notified in listing
    assert notified in detail and detected in detail
    login_with_second_factor(client, dpo_user)
    staff_list = client.get(reverse("breaches_staff:incident_list")).content.decode()
    staff_detail = client.get(
        reverse("breaches_staff:incident_detail", args=[incident.public_id])
    ).content.decode()
    assert detected in staff_list
    assert notified in staff_detail and detected in staff_detail


def test_the_notification_email_gives_the_same_times(notification, incident):
    message = OutboxMessage.objects.filter(template__contains="breaches/notification").first()

    assert message is not None
    assert format_moment(incident.detected_at) in message.body_text
    assert format_moment(incident.aware_at) in message.body_html
