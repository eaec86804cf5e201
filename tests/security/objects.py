"""The people and the objects the permission matrix requests pages with.

Every object a URL names belongs to organisation A (or to one of its people), so that a request
from organisation B's admin is a cross-organisation request. `identifiers_of_a` lists what must
never appear in a response to organisation B: A's slug and name, its people's emails, and the
UUIDs and references of its objects."""

import datetime
import hashlib
import uuid
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import add_member, make_admin, make_organisation, make_user
from trustcentre.accounts.models import Invitation, Organisation

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOW = timezone.now


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    users: dict  # actor name -> User (None for the anonymous visitor)
    kwargs: dict = field(default_factory=dict)  # URL name or kwarg name -> value
    identifiers_of_a: set = field(default_factory=set)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _private_file(name: str, data: bytes = PDF) -> str:
    return default_storage.save(f"security-matrix/{name}", ContentFile(data))


def build_world() -> World:
    org_a = make_organisation("acme", domains=["acme.test"])
    org_b = make_organisation("globex", domains=["globex.test"])
    prospect_org = make_organisation(
        "initech", kind=Organisation.Kind.PROSPECT, domains=["initech.test"]
    )
    admin_a = make_admin("admin@acme.test", org_a, full_name="Ada Admin")
    member_a = make_user("member@acme.test", full_name="Max Member")
    add_member(member_a, org_a)
    admin_b = make_admin("admin@globex.test", org_b, full_name="Bea Admin")
    prospect = make_user("pat@initech.test", full_name="Pat Prospect")
    add_member(prospect, prospect_org)
    legal = make_user("legal@provider.test", roles=["legal"])
    dpo = make_user("dpo@provider.test", roles=["dpo"])
    trust_admin = make_user("trust@provider.test", roles=["trust_admin"])
    # Signed in with the password only, no second factor set up yet.
    staff_no_2fa = make_user("newlegal@provider.test", roles=["legal"])
    for user in (legal, dpo, trust_admin):
        TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)

    world = World(
        org_a=org_a,
        org_b=org_b,
        users={
            "anonymous": None,
            "prospect": prospect,
            "member_a": member_a,
            "admin_a": admin_a,
            "admin_b": admin_b,
            "legal": legal,
            "dpo": dpo,
            "trust_admin": trust_admin,
            "staff_no_2fa": staff_no_2fa,
        },
    )
    kw = world.kwargs
    kw["slug"] = org_a.slug
    kw["token"] = "not-a-valid-token"
    kw["user_id"] = member_a.public_id
    # allauth's and single sign-on's own kwargs: an unknown key or provider.
    kw.update(key="not-a-valid-key", uidb36="1", provider_id="no-such-provider")
    ids = world.identifiers_of_a
    ids.update({org_a.slug, org_a.name, admin_a.email, member_a.email, str(org_a.public_id)})
    ids.update({str(member_a.public_id), str(admin_a.public_id), str(org_a.tenant_id)})

    def remember(name, obj, attr="public_id"):
        value = getattr(obj, attr)
        kw[name] = value
        ids.add(str(value))
        return obj

    _accounts(world, remember, admin_a, member_a)
    _exports(world, remember, admin_a)
    _end_of_contract(world, remember, admin_a)
    _documents(world, remember, member_a)
    _subprocessors(world, remember, admin_a, legal)
    _retention(world, legal)
    _rights_requests(world, remember)
    _notifications(world, remember, admin_a)
    _audit(world, remember, legal)
    _content(world)
    _dpa(world, remember, legal)
    _data_act(world)
    _audit_requests(world, remember, admin_a)
    return world


def _accounts(world, remember, admin_a, member_a):
    from trustcentre.accounts.api_clients import api_client_register
    from trustcentre.accounts.api_keys import api_key_create

    invitation = Invitation.objects.create(
        organisation=world.org_a,
        email="invitee@acme.test",
        token_hash=_sha(b"invitation"),
        expires_at=NOW() + datetime.timedelta(days=7),
        invited_by=admin_a,
    )
    remember("accounts:invitation_revoke", invitation)
    remember("staff_organisations:invitation_revoke", invitation)
    world.identifiers_of_a.add(invitation.email)
    api_key, _plaintext = api_key_create(organisation=world.org_a, name="CRM sync")
    remember("api_keys:revoke", api_key)
    world.identifiers_of_a.add(api_key.prefix)
    api_client, _secret = api_client_register(
        organisation=world.org_a, name="Warehouse", scopes=["read"], created_by=admin_a
    )
    remember("api_clients:revoke", api_client)
    remember("api_clients:revoke_tokens", api_client)
    world.identifiers_of_a.add(api_client.client_id)


def _exports(world, remember, admin_a):
    from exports.models import ExportJob
    from exports.views import download_token

    job = ExportJob.objects.create(
        organisation=world.org_a,
        requested_by=admin_a,
        idempotency_key=f"matrix-{uuid.uuid4()}",
        format="csv",
        categories=["leads"],
    )
    for name in (
        "exports:detail",
        "exports:status",
        "exports:retry",
        "api:export_detail",
        "api:export_download",
    ):
        remember(name, job)
    world.kwargs["exports:download.token"] = download_token(job)


def _end_of_contract(world, remember, admin_a):
    from exports.end_of_contract.models import (
        DeletionCertificate,
        DeletionJob,
        EndOfContractCase,
        LegalHold,
    )

    today = datetime.date.today()
    case = EndOfContractCase.objects.create(
        organisation=world.org_a,
        origin="contract_end",
        requested_on=today,
        transition_start=today,
        transition_end=today + datetime.timedelta(days=30),
        retrieval_end=today + datetime.timedelta(days=60),
    )
    remember("case", case)
    hold = LegalHold.objects.create(case=case, category="leads", reason="Litigation")
    world.kwargs["hold_id"] = hold.public_id
    world.identifiers_of_a.add(str(hold.public_id))
    job = DeletionJob.objects.create(case=case, idempotency_key=f"matrix-{uuid.uuid4()}")
    storage_name = _private_file("certificate.pdf")
    certificate_fields = {
        "case": case,
        "job": job,
        "file_name": "deletion-certificate.pdf",
        "sha256": _sha(PDF),
        "content_sha256": _sha(PDF),
        "backups_overwritten_by": today + datetime.timedelta(days=35),
    }
    if any(f.name == "storage_name" for f in DeletionCertificate._meta.fields):
        certificate_fields["storage_name"] = storage_name
    certificate = DeletionCertificate.objects.create(**certificate_fields)
    remember("end_of_contract:certificate", certificate)
    for name in (
        "end_of_contract_staff:case_detail",
        "end_of_contract_staff:state_unfeasibility",
        "end_of_contract_staff:place_hold",
        "end_of_contract_staff:release_hold",
        "end_of_contract_staff:start_deletion",
        "end_of_contract_staff:retry_deletion",
        "end_of_contract_staff:countersign",
        "end_of_contract_staff:certificate",
    ):
        world.kwargs[name] = case.public_id


def _documents(world, remember, member_a):
    from trustcentre.documents.models import (
        AccessRequest,
        Document,
        DocumentCategory,
        NdaAcceptance,
        NdaVersion,
        Questionnaire,
    )

    category = DocumentCategory.objects.create(name="Reports", slug="reports")
    document = Document.objects.create(
        title="Public overview", description="Public.", category=category, access_level="public"
    )
    world.kwargs["documents:detail"] = document.public_id
    world.kwargs["documents_staff:document_detail"] = document.public_id
    nda = NdaVersion.objects.create(number=1, title="Mutual NDA", text="Keep it.", sha256="0" * 64)
    acceptance = NdaAcceptance.objects.create(
        kind=NdaAcceptance.Kind.COUNTERSIGNED,
        status="pending",
        nda_version=nda,
        user=member_a,
        organisation=world.org_a,
        text_sha256="0" * 64,
        signer_name="Max Member",
        signer_title="CISO",
        company="Acme",
        email=member_a.email,
        expires_at=NOW() + datetime.timedelta(days=365),
        storage_name=_private_file("nda.pdf"),
    )
    for name in (
        "documents_portal:nda_detail",
        "documents_portal:nda_receipt",
        "documents_staff:nda_upload_detail",
        "documents_staff:nda_upload_file",
    ):
        remember(name, acceptance)
    accepted_online = NdaAcceptance.objects.create(
        kind=NdaAcceptance.Kind.CLICK_THROUGH,
        status="accepted",
        nda_version=nda,
        user=member_a,
        organisation=world.org_a,
        text_sha256="0" * 64,
        signer_name="Max Member",
        signer_title="CISO",
        company="Acme",
        email=member_a.email,
        expires_at=NOW() + datetime.timedelta(days=365),
    )
    remember("documents_staff:nda_register_receipt", accepted_online)
    access_request = AccessRequest.objects.create(
        requester=member_a,
        organisation=world.org_a,
        email=member_a.email,
        company="Acme",
        reason="Vendor review",
        rule="manual",
    )
    for name in (
        "documents_staff:access_request_detail",
        "documents_staff:access_request_approve",
        "documents_staff:access_request_reject",
        "documents_staff:access_request_revoke",
    ):
        remember(name, access_request)
    questionnaire = Questionnaire.objects.create(
        requester=member_a,
        organisation=world.org_a,
        company="Acme",
        due_on=datetime.date.today() + datetime.timedelta(days=14),
        filename="questionnaire.xlsx",
        storage_name=_private_file("questionnaire.xlsx", b"PK\x03\x04"),
        sha256=_sha(b"PK\x03\x04"),
    )
    for name in (
        "documents_staff:questionnaire_detail",
        "documents_staff:questionnaire_assign",
        "documents_staff:questionnaire_file",
    ):
        remember(name, questionnaire)


def _retention(world, legal):
    from retention import services

    rule = services.retention_rule_create(
        data="Audit log", period="P6Y", starts="Written", at_end="Deleted", user=legal
    )
    world.kwargs["retention_staff:rule"] = rule.public_id


def _subprocessors(world, remember, admin_a, legal):
    from subprocessors import services
    from subprocessors.models import NoticeOrganisation, Objection, SubProcessor, TransferMechanism
    from tests.subprocessors.assessing import assess
    from trustcentre.notifications.models import WebhookEndpoint

    def make(name, status=SubProcessor.Status.ACTIVE):
        return services.subprocessor_create(
            status=status,
            name=name,
            legal_entity=f"{name} GmbH",
            purpose=f"{name} does things",
            services=["Analytics"],
            data_categories=["Contact data"],
            countries=["DE"],
            transfer_mechanism=TransferMechanism.NONE_NEEDED,
            website=f"https://{name.lower()}.example",
        )

    hosting = make("Hostly")
    services.register_initialise()
    proposed = make("Warehouse", status=SubProcessor.Status.PROPOSED)
    world.kwargs["subprocessors_staff:subprocessor"] = hosting.public_id
    assessment = assess(proposed, assessor=legal)
    world.kwargs["subprocessors_staff:assessments"] = proposed.public_id
    world.kwargs["subprocessors_staff:assessment_new"] = proposed.public_id
    world.kwargs["subprocessors_staff:assessment"] = assessment.public_id
    world.kwargs["subprocessors_staff:assessment_delete"] = assessment.public_id
    notice = services.notice_create(
        kind="add", subprocessor=proposed, summary="Warehouse", reason="Reports", user=legal
    )
    for name in (
        "subprocessors:notice",
        "subprocessors:notice_ics",
        "subprocessors_staff:notice",
        "subprocessors_staff:notice_announce",
        "subprocessors_staff:notice_withdraw",
        "subprocessors_staff:notice_proceed",
        "subprocessors_portal:notice",
        "subprocessors_portal:acknowledge",
        "api:subprocessor_objections",
    ):
        world.kwargs[name] = notice.public_id
    world.kwargs["number"] = 1
    row = NoticeOrganisation.objects.create(
        notice=notice,
        organisation=world.org_a,
        objection_deadline=NOW() + datetime.timedelta(days=30),
        window_days=30,
    )
    objection = Objection.objects.create(
        notice=notice, organisation=world.org_a, grounds="Data leaves the EU", raised_by=admin_a
    )
    remember("subprocessors_staff:objection_resolve", objection)
    remember("subprocessors_staff:objection_reply", objection)
    del row
    webhook = WebhookEndpoint.objects.create(
        organisation=world.org_a, url="https://hooks.acme.test/trust", secret="whsec_x"
    )
    remember("subprocessors_portal:webhook", webhook)
    remember("subprocessors_portal:webhook_delete", webhook)
    world.identifiers_of_a.add(webhook.url)


def _rights_requests(world, remember):
    from rights_requests.models import FulfilmentJob, Referral, RightsRequest

    rr = RightsRequest.objects.create(
        type="access",
        jurisdiction="eu_gdpr",
        name="Jane Subject",
        email="jane.subject@example.org",
        due_date=datetime.date.today() + datetime.timedelta(days=30),
    )
    world.kwargs["reference"] = rr.reference
    world.kwargs["action"] = "assign"
    referral = Referral.objects.create(request=rr, organisation=world.org_a, matched_by="company")
    remember("rights_requests_portal:referral", referral)
    job = FulfilmentJob.objects.create(
        request=rr, kind="export", idempotency_key=f"matrix-{uuid.uuid4()}"
    )
    world.kwargs["rights_requests_staff:job_status"] = job.public_id


def _notifications(world, remember, admin_a):
    from trustcentre.notifications.models import OutboxMessage

    message = OutboxMessage.objects.create(
        cause=f"matrix-{uuid.uuid4()}",
        template="test",
        to_email=admin_a.email,
        subject="Your export is ready",
        body_text="Hello Ada",
        organisation=world.org_a,
        recipient=admin_a,
    )
    remember("notifications:portal_message_detail", message)


def _audit(world, remember, legal):
    from trustcentre.audit.models import AuditEvent, AuditExportJob
    from trustcentre.audit.services import audit_record

    event = audit_record(action="matrix.example", actor=legal, organisation=world.org_a)
    assert isinstance(event, AuditEvent)
    world.kwargs["audit:event_detail"] = event.public_id
    job = AuditExportJob.objects.create(requested_by=legal, idempotency_key=f"m-{uuid.uuid4()}")
    world.kwargs["audit:export_detail"] = job.public_id
    world.kwargs["audit:export_retry"] = job.public_id


def _content(world):
    from trustcentre.content.models import Control, ControlGroup

    group = ControlGroup.objects.create(name="Access control", slug="access-control")
    control = Control.objects.create(group=group, title="MFA", description="Everywhere.")
    world.kwargs["kind"] = "control"
    world.kwargs["content_staff:item_edit.key"] = control.public_id
    world.kwargs["content_staff:mark_reviewed"] = control.public_id
    world.kwargs["category_id"] = "leads"


def _data_act(world):
    """A measure of the register's statements (legal's editor)."""
    from exports.statements_models import GovernmentAccessMeasure

    measure = GovernmentAccessMeasure.objects.create(
        title="EU only", description="Stored in the EU."
    )
    for name in (
        "data_act_staff:row_create",
        "data_act_staff:row_edit",
        "data_act_staff:row_delete",
    ):
        world.kwargs[f"{name}.kind"] = "measures"
    world.kwargs["data_act_staff:row_edit"] = measure.public_id
    world.kwargs["data_act_staff:row_delete"] = measure.public_id


def _dpa(world, remember, legal):
    """The DPA's versions and agreements, and breach notifications (their apps are new: the
    fields are the required ones only)."""
    from dpa.breaches.models import Incident, Notification
    from dpa.models import Agreement, DpaVersion

    text = "Text."
    version = DpaVersion.objects.create(
        body=text,
        subject_matter=text,
        duration=text,
        nature_and_purpose=text,
        data_categories=text,
        data_subjects=text,
    )
    for name in (
        "dpa_staff:version_detail",
        "dpa_staff:version_edit",
        "dpa_staff:version_preview",
        "dpa_staff:version_publish",
    ):
        world.kwargs[name] = version.public_id
    agreement = Agreement.objects.create(
        organisation=world.org_a,
        kind="online",
        version=version,
        signed_by=world.users["admin_a"],
        status="awaiting",
        customer_legal_name="Acme Ltd",
        notices_email="privacy@acme.test",
        effective_date=datetime.date.today(),
        objection_window_days=30,
    )
    for name in (
        "dpa_staff:agreement_detail",
        "dpa_staff:agreement_countersign",
        "dpa_staff:agreement_download",
    ):
        remember(name, agreement)
    world.identifiers_of_a.update({"Acme Ltd", "privacy@acme.test"})
    incident = Incident.objects.create(
        reference="INC-MATRIX-1",
        title="Lost laptop",
        detected_at=NOW(),
        aware_at=NOW(),
        nature=text,
        data_categories=text,
        subjects_affected=1,
        records_affected=1,
        likely_consequences=text,
        measures_taken=text,
        contact_point=text,
    )
    for name in (
        "breaches_staff:incident_detail",
        "breaches_staff:incident_edit",
        "breaches_staff:incident_notify",
        "breaches_staff:incident_close",
        "breaches_staff:incident_follow_up",
    ):
        world.kwargs[name] = incident.public_id
    notification = Notification.objects.create(incident=incident, organisation=world.org_a)
    for name in (
        "breaches_portal:notice_detail",
        "breaches_portal:acknowledge",
        "breaches_portal:follow_up_acknowledge",
        "api:security_notice",
    ):
        remember(name, notification)
    world.kwargs["breaches_portal:follow_up_acknowledge.number"] = 1


def _audit_requests(world, remember, admin_a):
    """An information request of organisation A, received today."""
    from dpa.audits.models import AuditRequest

    audit_request = AuditRequest.objects.create(
        reference="AUD-MATRIX-1",
        organisation=world.org_a,
        kind="information",
        scope="Backups.",
        requested_by=admin_a,
        answer_days=30,
        due_on=datetime.date.today() + datetime.timedelta(days=30),
    )
    for name in (
        "audits_portal:request_detail",
        "audits_portal:message_post",
        "audits_staff:request_detail",
        "audits_staff:request_triage",
        "audits_staff:request_answer",
        "audits_staff:request_schedule",
        "audits_staff:message_post",
        "audits_staff:request_close",
    ):
        remember(name, audit_request)
    world.identifiers_of_a.add(audit_request.reference)
