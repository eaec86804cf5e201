"""A signed-in person asks for gated documents: the rules decide in their order and the rule
that decided is recorded; legal approves (with a grant length) or rejects the rest; grants are
revoked and expire; every step emails the requester and leaves an audit event."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.conftest import add_member, make_organisation, make_user
from tests.documents.conftest import grant_access
from tests.dpa.factories import give_dpa
from trustcentre.accounts.models import Organisation
from trustcentre.audit.models import AuditEvent
from trustcentre.documents import services
from trustcentre.documents.access import access_rule_for
from trustcentre.documents.models import AccessGrant, AccessLevel, AccessRequest
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

Rule = AccessRequest.Rule


@pytest.fixture
def customer_org(db):
    return make_organisation("umbrella", kind=Organisation.Kind.CUSTOMER)


@pytest.mark.parametrize(
    ("email", "kind", "rule", "status"),
    [
        # The deny-list wins even over a customer.
        ("x@blocked.test", Organisation.Kind.CUSTOMER, Rule.DENY_LIST, "rejected"),
        ("x@freemail.test", Organisation.Kind.CUSTOMER, Rule.CUSTOMER, "approved"),
        ("x@partner.test", Organisation.Kind.PROSPECT, Rule.ALLOW_LIST, "approved"),
        ("x@freemail.test", Organisation.Kind.PROSPECT, Rule.FREE_MAIL, "pending"),
        ("x@FREEMAIL.test", None, Rule.FREE_MAIL, "pending"),
        ("x@initech.test", Organisation.Kind.PROSPECT, Rule.MANUAL, "pending"),
        ("x@initech.test", Organisation.Kind.FORMER_CUSTOMER, Rule.MANUAL, "pending"),
    ],
)
def test_rules_decide_in_their_order(email, kind, rule, status):
    organisation = make_organisation("org", kind=kind) if kind else None
    if kind == Organisation.Kind.CUSTOMER:
        give_dpa(organisation)  # a customer counts as one once its DPA is in force
    assert access_rule_for(email=email, organisation=organisation) == (rule, status)


def test_a_prospect_request_waits_for_legal_and_the_receipt_is_emailed(prospect, documents):
    access_request = services.access_request_create(
        user=prospect, documents=[documents["nda"]], company="Initech", reason="Vendor review"
    )
    assert (access_request.status, access_request.rule) == ("pending", Rule.MANUAL)
    assert not AccessGrant.objects.exists()
    mail = OutboxMessage.objects.get(to_email=prospect.email)
    assert access_request.reference in mail.subject
    assert "nda document" in mail.body_text
    assert "legal team reviews it" in mail.body_text
    event = AuditEvent.objects.get(action="access_request.created")
    assert event.details["rule"] == "manual"


def test_a_customer_is_approved_at_once_with_the_default_grant(customer_user, documents, settings):
    settings.TRUST_GRANT_DAYS = 30
    access_request = services.access_request_create(
        user=customer_user, documents=[documents["nda"]], company="Umbrella", reason="Audit"
    )
    assert (access_request.status, access_request.rule) == ("approved", Rule.CUSTOMER)
    grant = access_request.grant
    assert grant.term_days == 30
    assert list(grant.documents.all()) == [documents["nda"]]
    subjects = sorted(OutboxMessage.objects.values_list("subject", flat=True))
    assert subjects == [
        f"We received your document request {access_request.reference}",
        f"Your document request {access_request.reference} was approved",
    ]


def test_a_deny_listed_domain_is_rejected_with_a_reason(documents, prospect_org):
    user = make_user("eve@blocked.test")
    add_member(user, prospect_org)
    access_request = services.access_request_create(
        user=user, documents=[documents["nda"]], company="Blocked", reason="x"
    )
    assert (access_request.status, access_request.rule) == ("rejected", Rule.DENY_LIST)
    rejected = OutboxMessage.objects.get(subject__contains="was not approved")
    assert "not accepted" in rejected.body_text


def test_a_free_mail_address_always_goes_to_review(documents):
    user = make_user("someone@freemail.test")
    access_request = services.access_request_create(
        user=user, documents=[documents["registered"], documents["nda"]], company="Me", reason="x"
    )
    assert (access_request.status, access_request.rule) == ("pending", Rule.FREE_MAIL)
    assert access_request.organisation is None


@pytest.mark.parametrize("level", [AccessLevel.PRIVATE, AccessLevel.PUBLIC])
def test_a_private_or_public_document_cannot_be_requested(prospect, documents, level):
    with pytest.raises(ValidationError) as error:
        services.access_request_create(
            user=prospect, documents=[documents[level]], company="Initech", reason="x"
        )
    assert "cannot be requested" in error.value.messages[0]
    assert not AccessRequest.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_legal_approves_with_a_chosen_length_and_the_term_is_frozen(
    prospect, documents, legal_user
):
    access_request = services.access_request_create(
        user=prospect, documents=[documents["nda"]], company="Initech", reason="x"
    )
    before = timezone.now()
    grant = services.access_request_approve(
        access_request=access_request, user=legal_user, term_days=180
    )
    assert grant.term_days == 180
    assert before + datetime.timedelta(days=180) <= grant.expires_at
    assert grant.expires_at <= timezone.now() + datetime.timedelta(days=180)
    access_request.refresh_from_db()
    assert (access_request.status, access_request.decided_by) == ("approved", legal_user)
    approved = OutboxMessage.objects.get(subject__contains="was approved")
    assert "accepted our non-disclosure agreement" in approved.body_text
    assert AuditEvent.objects.filter(action="access_request.approved", actor=legal_user).exists()
    # A second decision is refused and changes nothing.
    with pytest.raises(ValidationError):
        services.access_request_reject(access_request=access_request, user=legal_user, reason="no")


def test_a_grant_length_that_is_not_offered_is_refused(prospect, documents, legal_user):
    access_request = services.access_request_create(
        user=prospect, documents=[documents["nda"]], company="Initech", reason="x"
    )
    with pytest.raises(ValidationError):
        services.access_request_approve(
            access_request=access_request, user=legal_user, term_days=10_000
        )
    access_request.refresh_from_db()
    assert access_request.status == "pending"


def test_legal_rejects_with_a_reason_the_requester_reads(prospect, documents, legal_user):
    access_request = services.access_request_create(
        user=prospect, documents=[documents["nda"]], company="Initech", reason="x"
    )
    with pytest.raises(ValidationError):
        services.access_request_reject(access_request=access_request, user=legal_user, reason=" ")
    services.access_request_reject(
        access_request=access_request, user=legal_user, reason="We could not verify the company."
    )
    mail = OutboxMessage.objects.get(subject__contains="was not approved")
    assert "We could not verify the company." in mail.body_text


def test_revoking_a_grant_emails_the_holder_once(prospect, documents, legal_user):
    grant = grant_access(prospect, [documents["nda"]], legal_user)
    services.grant_revoke(grant=grant, user=legal_user, reason="Deal lost")
    grant.refresh_from_db()
    assert not grant.is_in_force
    assert grant.revoked_by == legal_user
    mail = OutboxMessage.objects.get(subject__contains="was revoked")
    assert "Deal lost" in mail.body_text
    with pytest.raises(ValidationError):
        services.grant_revoke(grant=grant, user=legal_user, reason="again")
    assert OutboxMessage.objects.filter(subject__contains="was revoked").count() == 1


def test_holders_are_reminded_seven_days_before_expiry_once(prospect, documents, legal_user):
    grant = grant_access(prospect, [documents["nda"]], legal_user, term_days=30)
    now = timezone.now()
    assert services.grants_expiry_remind(now=now + datetime.timedelta(days=22)) == 0
    assert services.grants_expiry_remind(now=now + datetime.timedelta(days=23, hours=1)) == 1
    assert services.grants_expiry_remind(now=now + datetime.timedelta(days=24)) == 0
    mail = OutboxMessage.objects.get(subject__contains="ends soon")
    assert grant.access_request.reference in mail.subject
