"""Security notices in the portal: members and admins of the notified organisation read and
acknowledge (by POST; the email's link changes nothing); anyone else gets a 404, audited."""

import pytest
from django.urls import reverse

from dpa.breaches import services
from dpa.breaches.models import Notification
from tests.breaches.conftest import incident_values
from tests.conftest import login_with_second_factor
from trustcentre.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def notification(incident, dpo_user, org_a, no_notice_contact):
    return services.incident_notify(
        incident=incident, organisations=[org_a], user=dpo_user
    ).notified[0]


def test_a_member_reads_the_notice_and_get_changes_nothing(client, member_a, notification):
    client.force_login(member_a)
    url = reverse("breaches_portal:notice_detail", args=[notification.public_id])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Leaked support export" in text and "Warn your users" in text
    assert "Acknowledge receipt" in text
    notification.refresh_from_db()
    assert notification.acknowledged_at is None


def test_a_member_acknowledges_with_the_button(client, member_a, notification):
    client.force_login(member_a)
    url = reverse("breaches_portal:acknowledge", args=[notification.public_id])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "the notice is marked as acknowledged" in response.content.decode()
    notification.refresh_from_db()
    assert notification.acknowledged_by == member_a
    again = client.post(url, follow=True)
    assert "already acknowledged" in again.content.decode()
    assert AuditEvent.objects.filter(action="breach.notification_acknowledged").count() == 1


def test_another_organisation_gets_404_and_is_audited(client, admin_b, notification):
    login_with_second_factor(client, admin_b)
    detail = reverse("breaches_portal:notice_detail", args=[notification.public_id])
    acknowledge = reverse("breaches_portal:acknowledge", args=[notification.public_id])
    assert client.get(detail).status_code == 404
    assert client.post(acknowledge).status_code == 404
    notification.refresh_from_db()
    assert notification.acknowledged_at is None
    events = AuditEvent.objects.filter(action="authz.denied", actor=admin_b)
    assert sorted(event.details["method"] for event in events) == ["GET", "POST"]
    assert (
        "Leaked support export"
        not in client.get(reverse("breaches_portal:notice_list")).content.decode()
    )


def test_staff_without_membership_get_404(client, dpo_user, notification):
    from tests.conftest import login_with_second_factor

    login_with_second_factor(client, dpo_user)
    url = reverse("breaches_portal:notice_detail", args=[notification.public_id])
    assert client.get(url).status_code == 404


def test_list_filters_and_shows_only_own_notices(
    client, admin_a, org_a, org_b, dpo_user, notification, settings
):
    other = services.incident_record(user=dpo_user, **incident_values(title="Globex only"))
    services.incident_notify(incident=other, organisations=[org_b], user=dpo_user)
    second = services.incident_record(user=dpo_user, **incident_values(title="Second for acme"))
    services.incident_notify(incident=second, organisations=[org_a], user=dpo_user)
    services.notification_acknowledge(
        notification=Notification.objects.get(incident=second), user=admin_a
    )
    login_with_second_factor(client, admin_a)
    url = reverse("breaches_portal:notice_list")
    text = client.get(url).content.decode()
    assert "Leaked support export" in text and "Second for acme" in text
    assert "Globex only" not in text
    open_only = client.get(url, {"state": "open"}).content.decode()
    assert "Leaked support export" in open_only and "Second for acme" not in open_only
    settings.BREACHES_PAGE_SIZE = 1
    assert "Page 1 of 2" in client.get(url).content.decode()


def test_anonymous_is_sent_to_sign_in(client, notification):
    url = reverse("breaches_portal:notice_detail", args=[notification.public_id])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
