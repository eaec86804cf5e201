"""Filing a request, confirming the email, routing to the controller, duplicates."""

import datetime

import pytest
from django.utils import timezone

from rights_requests import services
from rights_requests.models import Referral, RequestStatus, RightsRequest
from tests.rights_requests.conftest import SUBJECT, last_email, verify_token
from trustcentre.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_filing_keeps_received_time_and_deadline_and_emails_a_link(file_request):
    rr = file_request(verify=False)
    assert rr.status == RequestStatus.UNVERIFIED
    assert rr.reference.startswith("RR-") and len(rr.reference) == 22
    received = timezone.localtime(rr.received_at).date()
    assert rr.due_date >= received + datetime.timedelta(days=28)
    message = last_email(SUBJECT)
    assert "/privacy/requests/confirm/" in message.body_text
    assert rr.reference in message.body_text
    # The audit log holds the reference, never the email.
    event = AuditEvent.objects.get(action="rights_request.filed")
    assert event.object_id == rr.reference
    assert SUBJECT not in str(event.details)


def test_confirming_opens_the_request_and_the_link_works_once(file_request):
    rr = file_request(verify=False)
    token = verify_token(SUBJECT)
    received_at = rr.received_at
    services.rights_request_verify(token=token)
    rr.refresh_from_db()
    assert rr.status == RequestStatus.OPEN
    assert rr.verified_at is not None
    assert rr.received_at == received_at
    with pytest.raises(services.ProofFailed):
        services.rights_request_verify(token=token)


def test_a_tampered_or_expired_link_changes_nothing(file_request, settings):
    rr = file_request(verify=False)
    token = verify_token(SUBJECT)
    with pytest.raises(services.ProofFailed):
        services.rights_request_verify(token=token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    settings.RIGHTS_REQUEST_VERIFY_LINK_MAX_AGE = -1
    with pytest.raises(services.ProofFailed):
        services.rights_request_verify(token=token)
    rr.refresh_from_db()
    assert rr.status == RequestStatus.UNVERIFIED


def test_routing_refers_to_the_customer_holding_the_email(
    subject_data, org_a, admin_a, admin_b, file_request
):
    rr = file_request()
    assert rr.status == RequestStatus.REFERRED
    referral = Referral.objects.get(request=rr)
    assert referral.organisation == org_a
    assert referral.matched_by == Referral.MatchedBy.DATA
    assert referral.rows_found == 1 + 2 + 6
    notice = last_email(admin_a.email)
    assert rr.reference in notice.body_text and "/portal/rights-requests/" in notice.body_text
    assert last_email(admin_b.email) is None
    told = last_email(SUBJECT)
    assert "Acme" in told.body_text


def test_routing_by_company_name(org_b, admin_b, file_request):
    rr = file_request(company_name="globex")
    referral = Referral.objects.get(request=rr)
    assert referral.organisation == org_b and referral.matched_by == Referral.MatchedBy.COMPANY


def test_no_match_is_handled_directly(org_a, file_request):
    rr = file_request(email="nobody@example.org")
    assert rr.status == RequestStatus.OPEN and rr.handled_directly
    assert not rr.referrals.exists()


def test_controller_instruction_returns_the_request_to_the_dpo(subject_data, admin_a, file_request):
    rr = file_request()
    referral = rr.referrals.get()
    services.referral_instruct(referral=referral, user=admin_a, instruction="handle_for_us")
    rr.refresh_from_db()
    assert rr.status == RequestStatus.OPEN
    assert rr.events.filter(kind="instruction").exists()


def test_a_second_request_of_the_same_type_is_flagged_as_duplicate(file_request):
    first = file_request(email="dup@example.org")
    second = file_request(email="dup@example.org")
    assert second.duplicate_of == first
    third = file_request(email="dup@example.org", type="erasure")
    assert third.duplicate_of is None


def test_opt_out_needs_no_verification_and_counts_business_days(file_request):
    rr = file_request(type="opt_out", jurisdiction="us_ccpa", email="o@example.org", verify=False)
    assert rr.status == RequestStatus.OPEN
    assert RightsRequest.objects.in_queue().filter(pk=rr.pk).exists()


def test_ccpa_request_to_delete_is_acknowledged(file_request):
    rr = file_request(type="erasure", jurisdiction="us_ccpa", email="ca@example.org")
    assert rr.acknowledged_at is not None
    assert (
        "45 days" in last_email("ca@example.org").body_text
        or rr.events.filter(kind="acknowledged").exists()
    )


def test_unverified_requests_are_deleted_after_seven_days(file_request):
    old = file_request(email="old@example.org", verify=False)
    RightsRequest.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=8)
    )
    fresh = file_request(email="fresh@example.org", verify=False)
    kept = file_request(email="kept@example.org")
    RightsRequest.objects.filter(pk=kept.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=8)
    )
    assert services.rights_request_purge_unverified() == 1
    assert not RightsRequest.objects.filter(pk=old.pk).exists()
    assert RightsRequest.objects.filter(pk__in=[fresh.pk, kept.pk]).count() == 2
