"""Legal sets the answer period on a DPA version; a request from a customer that signed it is
due by that period, and the customer's DPA page shows it."""

import datetime

from django.urls import reverse

from dpa.audits.models import AuditRequest
from dpa.models import Agreement, DpaVersion
from tests.dpa.factories import BODY

FORM = {
    "title": "Data Processing Agreement",
    "body": BODY,
    "summary_of_changes": "Audits answered within 14 days.",
    "objection_window_days": 30,
    "subject_matter": "Analytics",
    "duration": "Term of the contract",
    "nature_and_purpose": "Providing the service",
    "data_categories": "Usage data",
    "data_subjects": "Visitors",
}


def test_legal_sets_the_period_and_a_request_follows_it(legal_client, admin_client, org_a):
    response = legal_client.post(
        reverse("dpa_staff:version_create"), {**FORM, "audit_answer_days": 14}
    )
    assert response.status_code == 302
    version = DpaVersion.objects.get()
    assert version.audit_answer_days == 14
    page = legal_client.get(response["Location"]).content.decode()
    assert "Answer period for audit and information requests" in page
    assert "14 days" in page

    DpaVersion.objects.filter(pk=version.pk).update(
        status="published", number=1, published_at=datetime.datetime.now(datetime.UTC)
    )
    Agreement.objects.create(
        organisation=org_a,
        kind=Agreement.Kind.ONLINE,
        version=version,
        status=Agreement.Status.EXECUTED,
        customer_legal_name="Acme Ltd",
        notices_email="dpo@acme.test",
        effective_date=datetime.date(2026, 1, 1),
        objection_window_days=30,
        executed_sha256="0" * 64,
    )
    page = admin_client.get(reverse("dpa_portal:organisation", args=["acme"])).content.decode()
    assert "Answer period for audit and information requests" in page
    assert "14 days" in page
    admin_client.post(
        reverse("audits_portal:request_new", args=["acme"]),
        {"kind": "information", "scope": "Backups"},
    )
    assert AuditRequest.objects.get().answer_days == 14


def test_a_draft_posted_without_the_period_gets_the_default(legal_client):
    assert legal_client.post(reverse("dpa_staff:version_create"), FORM).status_code == 302
    assert DpaVersion.objects.get().audit_answer_days == 30


def test_a_period_out_of_range_is_refused(legal_client):
    response = legal_client.post(
        reverse("dpa_staff:version_create"), {**FORM, "audit_answer_days": 0}
    )
    assert response.status_code == 400
    assert not DpaVersion.objects.exists()
