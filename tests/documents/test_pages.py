"""The pages people use: a prospect requests documents in the portal, legal approves in
/staff/, trust admins publish documents; staff pages are closed to everyone else."""

import pytest

from tests.conftest import login_with_second_factor
from tests.documents.conftest import make_pdf, upload
from trustcentre.documents.models import AccessGrant, AccessRequest, Document, Questionnaire
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

STAFF_URLS = [
    "/staff/access-requests/",
    "/staff/documents/",
    "/staff/questionnaires/",
    "/staff/trust-centre/",
    "/staff/trust-centre/reviews/",
    "/staff/trust-centre/analytics/",
]


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_for_legal_and_trust_admins_only(
    client, url, documents, legal_user, trust_admin_user, dpo_user, member_a
):
    assert client.get(url).status_code == 302  # to the sign-in
    client.force_login(member_a)
    assert client.get(url).status_code == 403
    login_with_second_factor(client, dpo_user)
    assert client.get(url).status_code == 403
    for user in (legal_user, trust_admin_user):
        login_with_second_factor(client, user)
        assert client.get(url).status_code == 200


def test_a_prospect_requests_and_legal_approves_in_the_pages(
    client, prospect, documents, legal_user
):
    client.force_login(prospect)
    form = client.get(f"/portal/access-requests/new/?document={documents['nda'].public_id}")
    assert form.status_code == 200
    assert "nda document" in form.content.decode()
    response = client.post(
        "/portal/access-requests/new/",
        {
            "documents": [str(documents["nda"].public_id)],
            "company": "Initech",
            "reason": "Vendor security review",
        },
    )
    assert response.status_code == 302
    access_request = AccessRequest.objects.get()
    listing = client.get("/portal/access-requests/").content.decode()
    assert access_request.reference in listing
    assert "Waiting for review" in listing

    login_with_second_factor(client, legal_user)
    queue = client.get("/staff/access-requests/").content.decode()
    assert "pat@initech.test" in queue
    response = client.post(
        f"/staff/access-requests/{access_request.public_id}/approve/", {"term_days": "30"}
    )
    assert response.status_code == 302
    grant = AccessGrant.objects.get()
    assert grant.term_days == 30
    assert OutboxMessage.objects.filter(subject__contains="was approved").exists()
    # Approved requests leave the default (pending) queue.
    assert "pat@initech.test" not in client.get("/staff/access-requests/").content.decode()


def test_a_request_without_documents_shows_an_error(client, prospect, documents):
    client.force_login(prospect)
    response = client.post(
        "/portal/access-requests/new/", {"company": "Initech", "reason": "Review"}
    )
    assert response.status_code == 200
    assert "Choose at least one document." in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_a_private_document_is_not_offered_and_cannot_be_posted(client, prospect, documents):
    client.force_login(prospect)
    form = client.get("/portal/access-requests/new/").content.decode()
    assert "private document" not in form
    response = client.post(
        "/portal/access-requests/new/",
        {
            "documents": [str(documents["private"].public_id)],
            "company": "Initech",
            "reason": "x",
        },
    )
    assert response.status_code == 200
    assert not AccessRequest.objects.exists()


def test_legal_rejects_with_a_reason_and_revokes_in_the_pages(
    client, prospect, documents, legal_user
):
    from trustcentre.documents import services

    first = services.access_request_create(
        user=prospect, documents=[documents["nda"]], company="I", reason="x"
    )
    login_with_second_factor(client, legal_user)
    url = f"/staff/access-requests/{first.public_id}/reject/"
    client.post(url, {"reason": ""})
    first.refresh_from_db()
    assert first.status == "pending"
    client.post(url, {"reason": "Unknown company"})
    first.refresh_from_db()
    assert (first.status, first.decision_reason) == ("rejected", "Unknown company")

    second = services.access_request_create(
        user=prospect, documents=[documents["nda"]], company="I", reason="x"
    )
    services.access_request_approve(access_request=second, user=legal_user, term_days=90)
    client.post(f"/staff/access-requests/{second.public_id}/revoke/", {"reason": "Leak"})
    assert AccessGrant.objects.get().revoked_at is not None


def test_a_trust_admin_publishes_a_document(client, trust_admin_user, category):
    login_with_second_factor(client, trust_admin_user)
    response = client.post(
        "/staff/documents/",
        {
            "title": "SOC 2 bridge letter",
            "description": "",
            "category": category.pk,
            "access_level": "nda",
            "owner": trust_admin_user.pk,
            "next_review_on": "2027-06-30",
            "file": upload(make_pdf(1), "bridge.pdf"),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(title="SOC 2 bridge letter")
    assert document.current_version.number == 1
    assert str(document.next_review_on) == "2027-06-30"
    assert client.get("/documents/").content.decode().count("SOC 2 bridge letter") == 1


def test_library_filters_and_hides_private_documents(client, documents):
    page = client.get("/documents/").content.decode()
    assert "nda document" in page and "public document" in page
    assert "private document" not in page
    filtered = client.get("/documents/?level=nda").content.decode()
    assert "nda document" in filtered and "public document" not in filtered
    assert "No document matches" in client.get("/documents/?q=zzz").content.decode()


def test_a_questionnaire_is_answered_through_a_gated_link(client, prospect, legal_user, member_a):
    import datetime

    from django.utils import timezone

    client.force_login(prospect)
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        "/portal/questionnaires/",
        {"company": "Initech", "due_on": due, "file": upload(make_pdf(1), "questions.pdf")},
    )
    assert response.status_code == 302
    questionnaire = Questionnaire.objects.get()
    login_with_second_factor(client, legal_user)
    assert "Initech" in client.get("/staff/questionnaires/").content.decode()
    client.post(f"/staff/questionnaires/{questionnaire.public_id}/assign/")
    client.post(
        f"/staff/questionnaires/{questionnaire.public_id}/",
        {"file": upload(make_pdf(1, "Answers"), "answers.pdf")},
    )
    questionnaire.refresh_from_db()
    assert (questionnaire.status, questionnaire.assigned_to) == ("answered", legal_user)
    assert OutboxMessage.objects.filter(
        to_email=prospect.email, subject__contains="answered"
    ).exists()
    client.force_login(prospect)
    page = client.get("/portal/questionnaires/").content.decode()
    import re

    link = re.search(r'href="(/portal/questionnaires/answer/[^"]+)"', page).group(1)
    answer = client.get(link)
    assert answer.status_code == 200
    assert answer.content.startswith(b"%PDF")
    from trustcentre.audit.models import AuditEvent

    downloaded = AuditEvent.objects.get(action="questionnaire.answer_downloaded")
    assert downloaded.actor == prospect
    assert downloaded.details["sha256"] == questionnaire.answer_sha256
    client.force_login(member_a)
    assert client.get(link).status_code == 403
    assert AuditEvent.objects.filter(action="questionnaire.answer_downloaded").count() == 1


def test_the_grant_length_offered_first_is_trust_grant_days(
    client, prospect, documents, legal_user, settings
):
    from trustcentre.documents import services

    settings.TRUST_GRANT_DAYS = 60
    access_request = services.access_request_create(
        user=prospect, documents=[documents["nda"]], company="I", reason="x"
    )
    login_with_second_factor(client, legal_user)
    page = client.get(f"/staff/access-requests/{access_request.public_id}/").content.decode()
    assert '<option value="60" selected>60 days</option>' in page
    client.post(f"/staff/access-requests/{access_request.public_id}/approve/", {"term_days": "60"})
    assert AccessGrant.objects.get().term_days == 60
