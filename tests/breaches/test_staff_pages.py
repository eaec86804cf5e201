"""The incident pages: the DPO records, notifies and follows; legal reads; everyone else is
refused, with the refusal audited and nothing changed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dpa.breaches import services
from dpa.breaches.models import Incident, Notification
from tests.breaches.conftest import incident_values
from tests.conftest import login_with_second_factor
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

FORMAT = "%Y-%m-%dT%H:%M"


def form_data(**overrides):
    now = timezone.localtime()
    data = {
        "title": "Stolen laptop",
        "detected_at": (now - datetime.timedelta(hours=6)).strftime(FORMAT),
        "aware_at": (now - datetime.timedelta(hours=4)).strftime(FORMAT),
        "nature": "A support laptop with a local export was stolen.",
        "data_categories": "Names, phone numbers",
        "subjects_affected": "80",
        "records_affected": "80",
        "likely_consequences": "Unwanted calls.",
        "measures_taken": "Disk encryption confirmed, device wiped remotely.",
        "measures_proposed": "",
        "customer_actions": "",
        "contact_point": "DPO, dpo@provider.test",
    }
    data.update(overrides)
    return data


def test_the_dpo_records_an_incident_through_the_form(dpo_client):
    response = dpo_client.post(reverse("breaches_staff:incident_new"), form_data())
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "breaches_staff:incident_detail", args=[incident.public_id]
    )
    page = dpo_client.get(response["Location"])
    assert "Stolen laptop" in page.content.decode()
    assert "Notify the affected customers" in page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"subjects_affected": "-3"}, "cannot be negative"),
        ({"records_affected": "-1"}, "cannot be negative"),
        (
            {"detected_at": (timezone.localtime() + datetime.timedelta(days=2)).strftime(FORMAT)},
            "This time is in the future.",
        ),
        (
            {
                "detected_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime(
                    FORMAT
                ),
                "aware_at": (timezone.localtime() - datetime.timedelta(hours=5)).strftime(FORMAT),
            },
            "before it was detected",
        ),
        ({"aware_at": "yesterday"}, "Give a date and time"),
    ],
)
def test_bad_input_gets_a_clear_message_nothing_saved_and_audited(dpo_client, overrides, message):
    response = dpo_client.post(reverse("breaches_staff:incident_new"), form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Incident.objects.exists()
    event = AuditEvent.objects.get(action="breach.input_refused")
    assert event.details["fields"]


def test_list_filters_by_status_and_paginates(dpo_client, dpo_user, settings, org_a):
    settings.BREACHES_PAGE_SIZE = 2
    for number in range(3):
        services.incident_record(user=dpo_user, **incident_values(title=f"Draft {number}"))
    notified = services.incident_record(user=dpo_user, **incident_values(title="Sent one"))
    services.incident_notify(incident=notified, organisations=[org_a], user=dpo_user)
    url = reverse("breaches_staff:incident_list")
    page = dpo_client.get(url, {"status": "notified"}).content.decode()
    assert "Sent one" in page and "Draft 0" not in page
    first = dpo_client.get(url, {"status": "draft"}).content.decode()
    assert "Page 1 of 2" in first
    second = dpo_client.get(url, {"status": "draft", "page": 2}).content.decode()
    assert first.count("Draft ") + second.count("Draft ") == 3
    assert "Sent one" not in first + second
    assert "No incident matches" in dpo_client.get(url, {"q": "nothing like it"}).content.decode()


def test_the_incident_page_shows_timing_deliveries_and_acknowledgement(
    dpo_client, dpo_user, org_a, admin_a, no_notice_contact, django_capture_on_commit_callbacks
):
    now = timezone.now()
    incident = services.incident_record(
        user=dpo_user,
        **incident_values(
            detected_at=now - datetime.timedelta(hours=60),
            aware_at=now - datetime.timedelta(hours=50),
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_notify(incident=incident, organisations=[org_a], user=dpo_user, now=now)
    notification = Notification.objects.get()
    services.notification_acknowledge(notification=notification, user=admin_a)
    page = dpo_client.get(reverse("breaches_staff:incident_detail", args=[incident.public_id]))
    text = page.content.decode()
    assert "2 d 12 h 0 min" in text  # 60 h after detection
    assert "2 d 2 h 0 min" in text  # 50 h after awareness
    assert "Late" in text  # beyond 48 h
    assert "admin@acme.test" in text and "Sent" in text
    assert "Acme" in text
    assert "Every customer organisation has been notified" in text  # acme is the only one
    assert "Not yet" not in text


def test_a_tampered_organisation_id_is_refused_and_audited(
    dpo_client, incident, org_a, prospect_org, admin_a
):
    url = reverse("breaches_staff:incident_notify", args=[incident.public_id])
    for bad in (str(prospect_org.public_id), "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        response = dpo_client.post(
            url, {"organisations": [str(org_a.public_id), bad], "confirm": "on"}
        )
        assert response.status_code == 400
        assert "not a customer organisation we know" in response.content.decode()
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert AuditEvent.objects.filter(action="authz.denied").count() == 3


def test_no_organisation_selected_is_refused(dpo_client, incident):
    url = reverse("breaches_staff:incident_notify", args=[incident.public_id])
    response = dpo_client.post(url, {"confirm": "on"})
    assert response.status_code == 400
    assert "Select at least one affected customer organisation." in response.content.decode()
    assert AuditEvent.objects.filter(action="breach.input_refused").exists()
    incident.refresh_from_db()
    assert incident.status == Incident.Status.DRAFT


def test_sending_twice_through_the_page_notifies_once(
    dpo_client, incident, org_a, admin_a, no_notice_contact
):
    url = reverse("breaches_staff:incident_notify", args=[incident.public_id])
    data = {"organisations": [str(org_a.public_id)], "confirm": "on"}
    assert dpo_client.post(url, data).status_code == 302
    second = dpo_client.post(url, data, follow=True)
    assert "Already notified before, not sent again: Acme." in second.content.decode()
    assert Notification.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


def test_legal_reads_but_cannot_send(client, legal_user, incident, org_a):
    login_with_second_factor(client, legal_user)
    assert client.get(reverse("breaches_staff:incident_list")).status_code == 200
    page = client.get(reverse("breaches_staff:incident_detail", args=[incident.public_id]))
    assert page.status_code == 200
    assert "Send the notifications" not in page.content.decode()
    response = client.post(
        reverse("breaches_staff:incident_notify", args=[incident.public_id]),
        {"organisations": [str(org_a.public_id)], "confirm": "on"},
    )
    assert response.status_code == 403
    assert not Notification.objects.exists()
    event = AuditEvent.objects.get(action="authz.denied")
    assert event.actor == legal_user
    assert event.details["method"] == "POST"


@pytest.mark.parametrize("who", ["admin_a", "member_a", "trust_admin_user"])
def test_others_cannot_open_the_staff_pages(client, request, who, incident):
    user = request.getfixturevalue(who)
    login_with_second_factor(client, user)
    for url in (
        reverse("breaches_staff:incident_list"),
        reverse("breaches_staff:incident_new"),
        reverse("breaches_staff:incident_detail", args=[incident.public_id]),
    ):
        assert client.get(url).status_code == 403
    assert AuditEvent.objects.filter(action="authz.denied", actor=user).count() == 3


def test_a_customer_without_second_factor_is_refused_too(client, member_a):
    client.force_login(member_a)
    assert client.get(reverse("breaches_staff:incident_list")).status_code == 403
    assert AuditEvent.objects.filter(action="authz.denied", actor=member_a).exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("breaches_staff:incident_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_each_status_offers_only_the_actions_the_services_accept(dpo_client, dpo_user, org_a):
    incident = services.incident_record(user=dpo_user, **incident_values())
    url = reverse("breaches_staff:incident_detail", args=[incident.public_id])

    def actions():
        page = dpo_client.get(url).content.decode()
        return {
            name
            for name, label in [
                ("edit", "Edit the draft"),
                ("close", "Close the incident"),
                ("notify", "Notify"),
            ]
            if label in page
        }

    assert actions() == {"edit", "notify"}
    with pytest.raises(services.IncidentStateError):
        services.incident_close(incident=incident, user=dpo_user)

    services.incident_notify(incident=incident, organisations=[org_a], user=dpo_user)
    assert actions() == {"close", "notify"}
    with pytest.raises(services.IncidentStateError):
        services.incident_update(
            incident=incident, user=dpo_user, **incident_values(title="Rewritten")
        )

    services.incident_close(incident=incident, user=dpo_user)
    assert actions() == set()
    with pytest.raises(services.IncidentStateError):
        services.incident_notify(incident=incident, organisations=[org_a], user=dpo_user)
