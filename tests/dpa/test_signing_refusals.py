"""Every refusal of the signing journey: nothing is signed, the person is told why, and the
attempt is a security event in the audit log."""

import time

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from dpa.models import Agreement
from tests.conftest import (
    add_member,
    authenticator_code,
    login_with_second_factor,
    make_user,
    sign_in_with_password,
)
from tests.dpa.factories import make_version
from tests.dpa.test_executed_pdf import PARTIES, sign_through_the_page
from trustcentre.accounts.mfa import VERIFIED_AT_SESSION_KEY
from trustcentre.accounts.models import Membership
from trustcentre.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _post(client, org, version, **overrides):
    data = {
        **PARTIES,
        "organisation": str(org.public_id),
        "version": str(version.public_id),
        **overrides,
    }
    return client.post(reverse("dpa_portal:sign", kwargs={"slug": org.slug}), data)


def _verified(client, user):
    device = login_with_second_factor(client, user)
    session = client.session
    session[VERIFIED_AT_SESSION_KEY] = time.time()
    session.save()
    return device


def test_a_member_who_is_not_an_admin_cannot_sign(client, org_a, member_a, version):
    device = _verified(client, member_a)
    response = _post(client, org_a, version, code=authenticator_code(device))
    assert response.status_code == 403
    assert "Only an admin of the organisation can sign" in response.content.decode()
    assert not Agreement.objects.exists()
    assert AuditEvent.objects.filter(action="authz.denied", organisation=org_a).exists()


def test_an_admin_of_another_organisation_gets_a_404(client, org_a, admin_b, version):
    device = _verified(client, admin_b)
    response = _post(client, org_a, version, code=authenticator_code(device))
    assert response.status_code == 404
    assert not Agreement.objects.exists()


def test_a_tampered_form_naming_another_organisation_is_refused(
    admin_client, org_a, org_b, version
):
    response = _post(
        admin_client,
        org_a,
        version,
        organisation=str(org_b.public_id),
        code=authenticator_code(admin_client.device),
    )
    assert response.status_code == 403
    assert "names another organisation" in response.content.decode()
    assert not Agreement.objects.exists()
    event = AuditEvent.objects.get(action="authz.denied")
    assert event.details["reason"] == "DPA signing form names another organisation"
    assert event.organisation == org_a


def test_an_admin_without_a_second_factor_is_sent_to_enrol(client, org_a, version, settings):
    # Where customer admins are not made to set up a second factor before the portal (the
    # setting off), signing the DPA still needs one.
    settings.MFA_REQUIRED_FOR_CUSTOMER_ADMINS = False
    admin = make_user("new.admin@acme.test")
    add_member(admin, org_a, Membership.Role.ADMIN)
    sign_in_with_password(client, admin)
    page = client.get(reverse("dpa_portal:sign", kwargs={"slug": org_a.slug}))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("mfa:setup"))
    response = _post(client, org_a, version, code="123456")
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa:setup"))
    assert not Agreement.objects.exists()
    assert AuditEvent.objects.filter(action="dpa.sign_refused").exists()
    follow = client.get(response["Location"])
    assert "Signing the DPA needs a second factor" in follow.content.decode()


def test_a_session_without_a_verified_second_factor_cannot_sign(client, org_a, admin_a, version):
    device = login_with_second_factor(client, admin_a)
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()
    response = _post(client, org_a, version, code=authenticator_code(device))
    # The gate in front of every page asks for the code before anything else.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa:verify"))
    assert not Agreement.objects.exists()


def test_a_wrong_code_signs_nothing(admin_client, org_a, version):
    response = _post(admin_client, org_a, version, code="000000")
    assert response.status_code == 400
    assert "That code is not valid" in response.content.decode()
    assert not Agreement.objects.exists()
    assert AuditEvent.objects.filter(action="mfa.verify_failed").exists()


def test_the_service_refuses_a_signature_without_a_fresh_code(rf, org_a, admin_a, version):
    from django.contrib.sessions.backends.db import SessionStore

    from dpa import services

    request = rf.post("/")
    request.user = admin_a
    request.session = SessionStore()
    with pytest.raises(services.SecondFactorNeeded):
        services.agreement_sign(
            organisation=org_a, version=version, user=admin_a, parties=PARTIES, request=request
        )
    assert not Agreement.objects.exists()
    assert AuditEvent.objects.filter(action="dpa.sign_refused").exists()


def test_an_executed_agreement_cannot_be_countersigned_or_changed_again(
    admin_client, org_a, legal_user, version
):
    from dpa import services
    from dpa.models import Frozen

    sign_through_the_page(admin_client, org_a, version)
    agreement = services.agreement_countersign(
        agreement=Agreement.objects.get(organisation=org_a), user=legal_user
    )
    sha, name = agreement.executed_sha256, agreement.executed_file
    with pytest.raises(services.AlreadyExecuted):
        services.agreement_countersign(agreement=agreement, user=legal_user)
    assert AuditEvent.objects.filter(action="dpa.change_refused").exists()
    agreement.customer_legal_name = "Someone Else Ltd"
    with pytest.raises(Frozen):
        agreement.save()
    with pytest.raises(Frozen):
        agreement.delete()
    agreement.refresh_from_db()
    assert agreement.customer_legal_name == PARTIES["customer_legal_name"]
    assert (agreement.executed_sha256, agreement.executed_file) == (sha, name)


def test_staff_countersigning_twice_through_the_page_says_why(
    admin_client, client, org_a, legal_user, version
):
    sign_through_the_page(admin_client, org_a, version)
    agreement = Agreement.objects.get(organisation=org_a)
    admin_client.logout()
    device = login_with_second_factor(client, legal_user)
    url = reverse("dpa_staff:agreement_countersign", kwargs={"public_id": agreement.public_id})
    client.post(url, {"code": authenticator_code(device)})
    agreement.refresh_from_db()
    sha = agreement.executed_sha256
    page = client.post(url, {"code": authenticator_code(device)}, follow=True)
    assert "already executed" in page.content.decode()
    agreement.refresh_from_db()
    assert agreement.executed_sha256 == sha


def test_a_form_for_a_version_replaced_meanwhile_signs_nothing(admin_client, org_a, version):
    make_version(summary_of_changes="Breach notice within 24 hours.")
    response = _post(admin_client, org_a, version, code=authenticator_code(admin_client.device))
    assert response.status_code == 409
    page = response.content.decode()
    assert "A newer DPA version was published meanwhile" in page
    assert not Agreement.objects.exists()


def test_with_no_version_published_the_signing_page_says_so(admin_client, org_a):
    response = admin_client.get(reverse("dpa_portal:sign", kwargs={"slug": org_a.slug}))
    assert response.status_code == 302
    assert response["Location"] == reverse("dpa_portal:organisation", kwargs={"slug": org_a.slug})
    page = admin_client.get(response["Location"]).content.decode()
    assert "No DPA version is published yet." in page
