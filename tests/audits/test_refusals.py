"""Bad input and the wrong people: a member (not an admin), another organisation's admin, an
empty scope, a document without an NDA, legal's steps out of order. Each gets a clear answer
and changes nothing."""

import re

from django.urls import reverse

from dpa.audits import services
from dpa.audits.models import AuditMessage, AuditRequest
from tests.audits.conftest import make_pdf, upload
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage

VALID = {"kind": "information", "scope": "Backups", "questions": "Where are they kept?"}


def _state():
    return (
        AuditRequest.objects.count(),
        AuditMessage.objects.count(),
        OutboxMessage.objects.count(),
        # Refusals are recorded; nothing else may be.
        AuditEvent.objects.exclude(action__startswith="authz.")
        .exclude(action="audit_request.input_refused")
        .count(),
    )


def test_a_member_who_is_not_an_admin_is_refused_and_nothing_changes(member_client, org_a):
    url = reverse("audits_portal:request_new", args=["acme"])
    before = _state()
    page = member_client.get(url)
    assert page.status_code == 403
    response = member_client.post(url, VALID)
    assert response.status_code == 403
    assert "Only an admin of Acme can ask us for an audit" in response.content.decode()
    assert _state() == before
    assert AuditEvent.objects.filter(action="authz.denied").count() == 2
    # The list tells them who can ask, and offers no button.
    listing = member_client.get(reverse("audits_portal:request_list")).content.decode()
    assert "admins can make a request" in listing
    assert "New request" not in listing


def test_another_organisations_admin_gets_a_404_and_nothing_changes(
    admin_client, admin_b_client, org_a, lena
):
    admin_client.post(reverse("audits_portal:request_new", args=["acme"]), VALID)
    audit_request = AuditRequest.objects.get()
    before = _state()
    assert (
        admin_b_client.post(reverse("audits_portal:request_new", args=["acme"]), VALID).status_code
        == 404
    )
    assert (
        admin_b_client.get(
            reverse("audits_portal:request_detail", args=[audit_request.public_id])
        ).status_code
        == 404
    )
    assert (
        admin_b_client.post(
            reverse("audits_portal:message_post", args=[audit_request.public_id]), {"body": "Hi"}
        ).status_code
        == 404
    )
    assert (
        audit_request.reference
        not in admin_b_client.get(reverse("audits_portal:request_list")).content.decode()
    )
    assert _state() == before
    assert AuditEvent.objects.filter(action="authz.denied").count() == 3


def test_a_prospect_cannot_ask_for_an_audit(client, prospect_org):
    from tests.conftest import add_member, make_user, sign_in_with_password

    pat = make_user("pat@initech.test")
    add_member(pat, prospect_org, role="admin")
    sign_in_with_password(client, pat)
    before = _state()
    response = client.post(reverse("audits_portal:request_new", args=["initech"]), VALID)
    assert response.status_code == 404
    assert _state() == before


def test_an_empty_scope_gets_a_clear_message_and_nothing_is_sent(admin_client, org_a):
    before = _state()
    response = admin_client.post(
        reverse("audits_portal:request_new", args=["acme"]),
        {"kind": "audit", "scope": "   ", "questions": "Everything?"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Describe the scope: which services, systems or obligations" in page
    assert "Nothing was sent." in page
    assert "Everything?" in page  # what was typed stays in the form
    assert _state() == before


def test_a_document_without_an_nda_is_refused(admin_client, admin_a, lena, org_a, nda_version):
    admin_client.post(reverse("audits_portal:request_new", args=["acme"]), VALID)
    audit_request = AuditRequest.objects.get()
    services.audit_request_answer(
        audit_request=audit_request,
        user=lena,
        body="The report.",
        uploads=[upload(make_pdf(1, "Report"), "report.pdf")],
    )
    page = admin_client.get(
        reverse("audits_portal:request_detail", args=[audit_request.public_id])
    ).content.decode()
    assert "Accept our NDA to download them" in page
    # A link made while an NDA was in force does not outlive it: the right is checked again.
    from tests.audits.conftest import accept_nda
    from trustcentre.documents.models import NdaAcceptance

    acceptance = accept_nda(admin_a, nda_version)
    page = admin_client.get(
        reverse("audits_portal:request_detail", args=[audit_request.public_id])
    ).content.decode()
    link = re.search(r'href="(/portal/audits/download/[^"]+)"', page).group(1)
    # The NDA runs out before the link is used.
    NdaAcceptance.objects.filter(pk=acceptance.pk).update(expires_at=acceptance.accepted_at)
    response = admin_client.get(link)
    assert response.status_code == 403
    assert "Accept the NDA first" in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit_request.document_downloaded").exists()


def test_a_link_is_bound_to_its_person(admin_client, member_client, admin_a, lena, nda_version):
    from tests.audits.conftest import accept_nda

    admin_client.post(reverse("audits_portal:request_new", args=["acme"]), VALID)
    audit_request = AuditRequest.objects.get()
    services.audit_request_answer(
        audit_request=audit_request,
        user=lena,
        body="The report.",
        uploads=[upload(make_pdf(1, "Report"), "report.pdf")],
    )
    accept_nda(admin_a, nda_version)
    page = admin_client.get(
        reverse("audits_portal:request_detail", args=[audit_request.public_id])
    ).content.decode()
    link = re.search(r'href="(/portal/audits/download/[^"]+)"', page).group(1)
    assert member_client.get(link).status_code == 404
    assert admin_client.get(link[:-3] + "xyz/").status_code == 404
    assert admin_client.get(link).status_code == 200


def test_legal_cannot_close_before_answering_nor_send_an_empty_answer(
    admin_client, legal_client, org_a
):
    admin_client.post(reverse("audits_portal:request_new", args=["acme"]), VALID)
    audit_request = AuditRequest.objects.get()
    before = _state()
    response = legal_client.post(
        reverse("audits_staff:request_close", args=[audit_request.public_id]), {"note": ""}
    )
    assert response.status_code == 302
    page = legal_client.get(response["Location"]).content.decode()
    assert "Answer the request or schedule the audit before closing it." in page
    response = legal_client.post(
        reverse("audits_staff:request_answer", args=[audit_request.public_id]), {"body": " "}
    )
    assert response.status_code == 400
    assert "Write the answer" in response.content.decode()
    response = legal_client.post(
        reverse("audits_staff:request_answer", args=[audit_request.public_id]),
        {"body": "See attached.", "documents": [upload(b"not a pdf", "notes.pdf")]},
    )
    assert response.status_code == 400
    assert "is not a real .pdf file" in response.content.decode()
    response = legal_client.post(
        reverse("audits_staff:request_schedule", args=[audit_request.public_id]),
        {"starts_at": "2020-01-01T09:00", "ends_at": "2020-01-01T08:00", "arrangements": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The audit must start in the future." in page
    assert "Describe the arrangements" in page
    audit_request.refresh_from_db()
    assert audit_request.status == "received"
    assert _state() == before


def test_customers_and_other_staff_cannot_reach_the_queue(admin_client, client, dpo_user):
    from tests.conftest import login_with_second_factor

    assert admin_client.get(reverse("audits_staff:request_list")).status_code == 403
    login_with_second_factor(client, dpo_user)
    assert client.get(reverse("audits_staff:request_list")).status_code == 403
