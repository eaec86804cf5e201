"""The DPO workbench: who may see it, the queue with filters and days left, actions through
the pages, the letter and the statistics; and the customers' referral pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rights_requests.models import Referral, RequestStatus, RightsRequest
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo_client(client, dpo_user):
    login_with_second_factor(client, dpo_user)
    return client


def test_only_dpos_see_the_workbench(client, legal_user, member_a):
    url = reverse("rights_requests_staff:request_list")
    assert client.get(url).status_code == 302  # to sign-in
    client.force_login(member_a)
    assert client.get(url).status_code == 403
    login_with_second_factor(client, legal_user)
    assert client.get(url).status_code == 403


def test_queue_sorted_by_deadline_with_days_left_and_overdue_in_red(dpo_client, file_request):
    today = timezone.localdate()
    late = file_request(email="late@example.org")
    soon = file_request(email="soon@example.org", type="erasure")
    hidden = file_request(email="unconfirmed@example.org", verify=False)
    RightsRequest.objects.filter(pk=late.pk).update(due_date=today - datetime.timedelta(days=3))
    RightsRequest.objects.filter(pk=soon.pk).update(due_date=today + datetime.timedelta(days=5))
    body = dpo_client.get(reverse("rights_requests_staff:request_list")).content.decode()
    assert body.index(late.reference) < body.index(soon.reference)
    assert "3 days overdue" in body and "5 days left" in body
    assert 'class="overdue"' in body
    assert hidden.reference not in body
    filtered = dpo_client.get(
        reverse("rights_requests_staff:request_list"), {"overdue": "on"}
    ).content.decode()
    assert late.reference in filtered and soon.reference not in filtered
    by_type = dpo_client.get(
        reverse("rights_requests_staff:request_list"), {"type": "erasure"}
    ).content.decode()
    assert soon.reference in by_type and late.reference not in by_type
    within = dpo_client.get(
        reverse("rights_requests_staff:request_list"), {"due_within": "6"}
    ).content.decode()
    assert soon.reference in within


def test_unconfirmed_request_detail_is_a_404(dpo_client, file_request):
    rr = file_request(email="u@example.org", verify=False)
    url = reverse("rights_requests_staff:request_detail", kwargs={"reference": rr.reference})
    assert dpo_client.get(url).status_code == 404


def test_actions_through_the_page(dpo_client, dpo_user, file_request):
    rr = file_request(email="act@example.org", jurisdiction="uk_gdpr")
    action = lambda name: reverse(  # noqa: E731
        "rights_requests_staff:request_action", kwargs={"reference": rr.reference, "action": name}
    )
    dpo_client.post(action("assign"), {"assignee": str(dpo_user.public_id)})
    dpo_client.post(action("note"), {"text": "Checked the CRM."})
    dpo_client.post(action("pause"), {"text": "Please send ID."})
    rr.refresh_from_db()
    assert rr.assignee == dpo_user and rr.status == RequestStatus.PAUSED
    dpo_client.post(action("resume"))
    dpo_client.post(action("extend"), {"text": "Complex."})
    response = dpo_client.post(action("extend"), {"text": "Again."}, follow=True)
    assert (
        "extended once" in response.content.decode()
        or "can be extended once" in response.content.decode()
    )
    dpo_client.post(action("complete"), {"text": "Sent you everything."})
    rr.refresh_from_db()
    assert rr.status == RequestStatus.COMPLETED and rr.is_extended
    kinds = list(rr.events.values_list("kind", flat=True))
    for kind in ("assigned", "note", "paused", "resumed", "extended", "completed"):
        assert kind in kinds
    letter = dpo_client.get(
        reverse("rights_requests_staff:request_letter", kwargs={"reference": rr.reference})
    )
    assert letter.content.startswith(b"%PDF")
    assert "no-store" in letter["Cache-Control"]
    assert letter["X-Content-Type-Options"] == "nosniff"
    assert letter["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert dpo_client.post(action("nonsense")).status_code == 404


def test_stats_page(dpo_client, file_request, dpo_user):
    from rights_requests import services

    rr = file_request(email="st@example.org")
    services.rights_request_complete(rr=rr, outcome="Done", actor=dpo_user)
    body = dpo_client.get(reverse("rights_requests_staff:stats")).content.decode()
    assert "median days to close" in body and "100 %" in body


def test_referral_page_for_the_customer_admin_only(
    client, subject_data, admin_a, admin_b, member_a, file_request
):
    rr = file_request()
    referral = Referral.objects.get(request=rr)
    url = reverse("rights_requests_portal:referral", kwargs={"public_id": referral.public_id})
    login_with_second_factor(client, admin_b)
    assert client.get(url).status_code == 404
    client.force_login(member_a)
    assert client.get(url).status_code == 404
    login_with_second_factor(client, admin_a)
    assert rr.reference in client.get(url).content.decode()
    client.post(
        url,
        {
            "instruction": "handle_for_us",
            "categories": [
                "leads",
                "visitor_profiles",
                "journey_insights",
                "organisation_profiles",
            ],
        },
    )
    referral.refresh_from_db()
    assert referral.instruction == "handle_for_us" and referral.instructed_by == admin_a
    assert (
        rr.reference in client.get(reverse("rights_requests_portal:referral_list")).content.decode()
    )


def test_pause_and_extension_are_offered_exactly_when_the_service_would_accept_them(
    client, dpo_user, file_request, time_machine
):
    from django.core.exceptions import ValidationError

    from rights_requests import services

    def page(rr):
        login_with_second_factor(client, dpo_user)
        url = reverse("rights_requests_staff:request_detail", kwargs={"reference": rr.reference})
        return client.get(url).content.decode()

    time_machine.move_to(datetime.datetime(2026, 1, 31, 10, 0, tzinfo=datetime.UTC))
    uk = file_request(jurisdiction="uk_gdpr", email="uk-offer@example.org")
    eu = file_request(jurisdiction="eu_gdpr", email="eu-offer@example.org")
    assert "Pause the clock" in page(uk)
    assert "Pause the clock" not in page(eu)  # only UK GDPR lets the clock wait

    # Received 31 January: the extension must be announced by 2 March (see test_deadlines).
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC))
    assert "Extend the deadline" in page(eu)
    time_machine.move_to(datetime.datetime(2026, 3, 3, 10, 0, tzinfo=datetime.UTC))
    assert "Extend the deadline" not in page(eu)
    with pytest.raises(ValidationError, match="announced by 2 Mar 2026"):
        services.rights_request_extend(rr=eu, reason="Too late", actor=dpo_user)
    eu.refresh_from_db()
    assert not eu.is_extended
