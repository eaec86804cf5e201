"""Legal's pages: the case list with filters and pagination, a case with its timeline, holds,
unfeasibility statement, erasure and countersignature."""

import datetime

import pytest
from django.utils import timezone

from exports.end_of_contract import services
from exports.end_of_contract.models import CaseStatus, EndOfContractCase, LegalHold
from tests.conftest import login_with_second_factor, make_organisation
from trustcentre.jobs.models import JobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_staff_client(staff_client):
    """Legal, with the second factor entered moments ago: starting an erasure needs that."""
    import time

    from trustcentre.accounts.mfa import VERIFIED_AT_SESSION_KEY

    session = staff_client.session
    session[VERIFIED_AT_SESSION_KEY] = time.time()
    session.save()
    return staff_client


def open_case_for(organisation, days_ago=1):
    today = timezone.now().date()
    organisation.contract_end = today - datetime.timedelta(days=days_ago)
    organisation.save()
    return services.case_open_for_contract_end(organisation=organisation, today=today)


def test_only_legal_reaches_the_cases(client, dpo_user, admin_a):
    login_with_second_factor(client, admin_a)
    assert client.get("/staff/end-of-contract/").status_code == 403
    client.logout()
    login_with_second_factor(client, dpo_user)
    assert client.get("/staff/end-of-contract/").status_code == 403


def test_case_list_filters_and_paginates(staff_client, org_a, org_b):
    open_case_for(org_a)
    open_case_for(org_b)
    for number in range(21):
        open_case_for(make_organisation(f"customer-{number:02d}"))
    page = staff_client.get("/staff/end-of-contract/").content.decode()
    assert "Page 1 of 2" in page
    filtered = staff_client.get("/staff/end-of-contract/?q=glob").content.decode()
    assert "Globex" in filtered and "Acme" not in filtered
    none = staff_client.get("/staff/end-of-contract/?status=closed").content.decode()
    assert "No case matches these filters." in none
    choice = staff_client.get("/staff/end-of-contract/?choice=none&q=acme").content.decode()
    assert "Acme" in choice


def test_case_page_holds_unfeasibility_and_bad_input(fresh_staff_client, org_a, admin_a):
    staff_client = fresh_staff_client
    case = open_case_for(org_a)
    url = f"/staff/end-of-contract/{case.public_id}/"
    page = staff_client.get(url).content.decode()
    assert case.reference in page and "Transition" in page and "Place a legal hold" in page

    response = staff_client.post(url + "holds/", {"category": "leads", "reason": ""})
    assert response.status_code == 400 and not LegalHold.objects.exists()
    response = staff_client.post(url + "holds/", {"category": "leads", "reason": "Tax audit"})
    assert response.status_code == 302
    assert LegalHold.objects.get().reason == "Tax audit"

    too_long = case.transition_start + datetime.timedelta(days=250)
    response = staff_client.post(
        url + "unfeasibility/",
        {"reasons": "Proprietary format", "alternative_end": too_long.isoformat()},
    )
    assert response.status_code == 400
    assert "at most 7 months" in response.content.decode()
    alternative = case.transition_start + datetime.timedelta(days=120)
    response = staff_client.post(
        url + "unfeasibility/",
        {"reasons": "Proprietary format", "alternative_end": alternative.isoformat()},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.transition_end == alternative
    assert "Proprietary format" in staff_client.get(url).content.decode()

    # A second factor entered long ago: the erasure asks for it again first.
    from trustcentre.accounts.mfa import VERIFIED_AT_SESSION_KEY

    session = staff_client.session
    session[VERIFIED_AT_SESSION_KEY] = 0
    session.save()
    response = staff_client.post(url + "deletion/start/")
    assert response.status_code == 302 and "/verify" in response["Location"]
    assert not case.deletion_jobs.exists()
    session = staff_client.session
    session[VERIFIED_AT_SESSION_KEY] = __import__("time").time()
    session.save()
    # Not due yet: the erasure is refused with a clear message.
    response = staff_client.post(url + "deletion/start/", follow=True)
    assert "written confirmation" in response.content.decode()
    assert not case.deletion_jobs.exists()


def test_erasure_certificate_and_countersignature(
    fresh_staff_client, org_a, admin_a, client, django_capture_on_commit_callbacks, settings
):
    staff_client = fresh_staff_client
    case = open_case_for(org_a, days_ago=80)  # transition and retrieval are over
    EndOfContractCase.objects.filter(pk=case.pk).update(
        transition_start=timezone.now().date() - datetime.timedelta(days=70),
        transition_end=timezone.now().date() - datetime.timedelta(days=40),
        retrieval_end=timezone.now().date(),
    )
    url = f"/staff/end-of-contract/{case.public_id}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url + "deletion/start/")
    assert response.status_code == 302
    job = case.deletion_jobs.get()
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    page = staff_client.get(url).content.decode()
    assert "Countersign the certificate" in page and job.certificate.sha256 in page
    pdf = staff_client.get(url + "certificate/")
    assert pdf["Content-Type"] == "application/pdf" and "no-store" in pdf["Cache-Control"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert staff_client.post(url + "countersign/").status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert "legal@provider.test" in staff_client.get(url).content.decode()
    # The customer's admin (now of a former customer) downloads it too.
    client.logout()
    login_with_second_factor(client, admin_a)
    portal = client.get("/portal/leaving/").content.decode()
    assert "Download the deletion certificate" in portal and "Countersigned by legal" in portal
    assert client.get(f"/portal/leaving/certificate/{case.public_id}/").status_code == 200


def test_after_the_statement_deadline_the_form_is_gone_and_a_post_is_refused(
    client, legal_user, org_a, time_machine
):
    # Opened on Saturday 31 January 2026: the statement was due by Thursday 19 February.
    time_machine.move_to(datetime.datetime(2026, 1, 31, 9, 0, tzinfo=datetime.UTC))
    case = open_case_for(org_a)
    url = f"/staff/end-of-contract/{case.public_id}/"
    time_machine.move_to(datetime.datetime(2026, 2, 19, 9, 0, tzinfo=datetime.UTC))
    login_with_second_factor(client, legal_user)
    assert "Record the statement" in client.get(url).content.decode()

    time_machine.move_to(datetime.datetime(2026, 2, 20, 9, 0, tzinfo=datetime.UTC))
    login_with_second_factor(client, legal_user)
    page = client.get(url).content.decode()
    assert "Record the statement" not in page
    assert "it was possible until 19 Feb 2026" in page
    alternative = case.transition_start + datetime.timedelta(days=120)
    response = client.post(
        url + "unfeasibility/",
        {"reasons": "Proprietary format", "alternative_end": alternative.isoformat()},
    )
    assert "by 2026-02-19" in response.content.decode()
    case.refresh_from_db()
    assert not case.is_unfeasibility_stated
