"""Signing a DPA online (a customer admin, with a fresh second factor), countersigning it
(legal; the executed PDF is rendered exactly once), and uploading a negotiated one."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dpa.documents import annex_snapshot, document_html, sha256_hex
from dpa.models import Agreement, DpaVersion
from dpa.selectors import admins_of, latest_published_version
from dpa.services.errors import (
    AlreadyExecuted,
    DpaRefused,
    FormAltered,
    NoAuthenticator,
    NotAllowed,
    NotAnAdmin,
    NothingPublished,
    SecondFactorNeeded,
    VersionChanged,
)
from trustcentre.accounts import mfa
from trustcentre.accounts.models import Organisation
from trustcentre.accounts.permissions import has_staff_role, is_organisation_admin
from trustcentre.audit.services import audit_record, client_ip
from trustcentre.lib.files import check_upload, store_private
from trustcentre.lib.pdf import html_to_pdf
from trustcentre.notifications.services import email_enqueue

STORAGE_FOLDER = "dpa"
# The code entered on the signing form must have been checked this recently (seconds).
SIGNING_STEP_UP_MAX_AGE = 120
PARTY_FIELDS = (
    "customer_legal_name",
    "customer_address",
    "signatory_name",
    "signatory_title",
    "notices_email",
)


def _user_agent(request) -> str:
    return (request.META.get("HTTP_USER_AGENT", "") if request else "")[:500]


def _denied(*, user, organisation, request, reason: str, action: str = "authz.denied"):
    audit_record(
        action=action,
        actor=user,
        organisation=organisation,
        request=request,
        object_type="dpa.agreement",
        details={"reason": reason},
    )


def second_factor_fresh(request) -> bool:
    """The session's second factor is verified and a TOTP code was entered moments ago."""
    return (
        request is not None
        and mfa.session_is_verified(request)
        and mfa.confirmed_totp_devices(request.user).exists()
        and mfa.recently_verified(request, max_age=SIGNING_STEP_UP_MAX_AGE)
    )


def agreement_sign_open(*, organisation: Organisation, user, request, attempt: bool) -> DpaVersion:
    """The version `user` may sign for `organisation` on the signing page, or the refusal: not
    an admin (recorded), nothing published, or no authenticator app yet (recorded when they
    tried to sign, `attempt`, not when they only opened the page)."""
    if not is_organisation_admin(user, organisation):
        _denied(
            user=user,
            organisation=organisation,
            request=request,
            reason="DPA signing page, not an admin",
        )
        raise NotAnAdmin()
    version = latest_published_version()
    if version is None:
        raise NothingPublished()
    if not mfa.confirmed_totp_devices(user).exists():
        if attempt:
            _denied(
                user=user,
                organisation=organisation,
                request=request,
                reason="sign DPA without a second factor",
                action="dpa.sign_refused",
            )
        raise NoAuthenticator()
    return version


def agreement_sign_form_check(
    *,
    organisation: Organisation,
    version: DpaVersion,
    organisation_public_id,
    version_public_id,
    user,
    request,
) -> None:
    """The signing form is for this page's organisation (else it was altered on the way, which
    is recorded) and for the version published now (else a newer one came meanwhile)."""
    if organisation_public_id != organisation.public_id:
        _denied(
            user=user,
            organisation=organisation,
            request=request,
            reason="DPA signing form names another organisation",
        )
        raise FormAltered()
    if version_public_id != version.public_id:
        raise VersionChanged()


def agreement_sign(
    *, organisation: Organisation, version: DpaVersion, user, parties: dict, request
) -> Agreement:
    """A customer admin signs `version` for `organisation`. The annexes are frozen from live
    data now; the SHA-256 of the document as rendered is recorded with who, when, where."""
    if not is_organisation_admin(user, organisation):
        _denied(
            user=user, organisation=organisation, request=request, reason="sign DPA, not an admin"
        )
        raise NotAllowed(_("Only an admin of the organisation can sign its DPA."))
    if organisation.kind != Organisation.Kind.CUSTOMER:
        raise DpaRefused(_("Only a customer organisation signs a DPA."))
    if not second_factor_fresh(request):
        _denied(
            user=user,
            organisation=organisation,
            request=request,
            reason="sign DPA without a fresh second factor",
            action="dpa.sign_refused",
        )
        raise SecondFactorNeeded(
            _("Signing needs a code from your authenticator app, entered on the signing form.")
        )
    latest = latest_published_version()
    if latest is None or latest.pk != version.pk:
        raise DpaRefused(
            _("A newer DPA version has been published; review it before signing.")
            if latest is not None
            else _("No DPA version is published yet.")
        )
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        # One signature at a time per organisation: the row lock serialises two admins.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if Agreement.objects.filter(
            organisation=organisation, status=Agreement.Status.AWAITING_COUNTERSIGNATURE
        ).exists():
            raise DpaRefused(
                _("A signed DPA is already awaiting our countersignature; nothing was changed.")
            )
        if Agreement.objects.in_force().filter(organisation=organisation, version=version).exists():
            raise DpaRefused(_("This version is already executed for your organisation."))
        values = {field: (parties.get(field) or "").strip() for field in PARTY_FIELDS}
        snapshot = annex_snapshot(version=version, parties=values, effective_date=today)
        html = document_html(body=version.body, snapshot=snapshot)
        agreement = Agreement(
            organisation=organisation,
            kind=Agreement.Kind.ONLINE,
            version=version,
            status=Agreement.Status.AWAITING_COUNTERSIGNATURE,
            effective_date=today,
            objection_window_days=version.objection_window_days,
            annexes=snapshot,
            signed_document_sha256=sha256_hex(html),
            signed_by=user,
            signed_at=now,
            signed_ip=client_ip(request),
            signed_user_agent=_user_agent(request),
            signed_second_factor="totp",
            **values,
        )
        agreement.full_clean()
        try:
            with transaction.atomic():
                agreement.save()
        except IntegrityError as error:
            raise DpaRefused(
                _("A signed DPA is already awaiting our countersignature; nothing was changed.")
            ) from error
        audit_record(
            action="dpa.signed",
            actor=user,
            obj=agreement,
            organisation=organisation,
            request=request,
            details={
                "version": version.number,
                "signed_document_sha256": agreement.signed_document_sha256,
                "subprocessor_list_version": snapshot["subprocessor_list"]["number"],
                "controls": len(snapshot["controls"]),
                "second_factor": "totp",
            },
        )
    return agreement


def _signatures(agreement: Agreement, user, now, request) -> dict:
    signer = agreement.signed_by
    return {
        "reference": str(agreement.public_id),
        "signed_document_sha256": agreement.signed_document_sha256,
        "customer": {
            "name": agreement.signatory_name or (signer.full_name if signer else ""),
            "title": agreement.signatory_title,
            "email": signer.email if signer else "",
            "at": agreement.signed_at,
            "ip": agreement.signed_ip,
            "user_agent": agreement.signed_user_agent,
            "second_factor": agreement.signed_second_factor,
        },
        "provider": {
            "name": user.full_name or user.email,
            "email": user.email,
            "at": now,
            "ip": client_ip(request),
            "user_agent": _user_agent(request),
        },
    }


def executed_filename(agreement: Agreement) -> str:
    label = agreement.version.number if agreement.version_id else "negotiated"
    return f"DPA-{agreement.organisation.slug}-v{label}-{agreement.executed_at:%Y-%m-%d}.pdf"


def _store(data: bytes) -> str:
    return store_private(data, STORAGE_FOLDER)


def _supersede_previous(agreement: Agreement, now) -> None:
    """The organisation's agreements in force, other than this one, give way to it."""
    others = Agreement.objects.in_force().filter(organisation_id=agreement.organisation_id)
    if agreement.pk is not None:
        others = others.exclude(pk=agreement.pk)
    for previous in others:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])


def _tell_admins(agreement: Agreement) -> None:
    url = settings.SITE_URL + reverse(
        "dpa_portal:organisation", kwargs={"slug": agreement.organisation.slug}
    )
    for admin in admins_of(agreement.organisation):
        email_enqueue(
            to=admin.email,
            template="dpa/executed",
            context={
                "name": admin.full_name or admin.email,
                "organisation_name": agreement.organisation.name,
                "version_label": agreement.version_label,
                "sha256": agreement.executed_sha256,
                "agreement_url": url,
            },
            cause=f"dpa-executed:{agreement.public_id}",
            recipient=admin,
            organisation=agreement.organisation,
        )


def agreement_countersign(*, agreement: Agreement, user, request=None) -> Agreement:
    """Legal countersigns: the executed PDF is rendered once from the frozen annexes, stored,
    and its SHA-256 recorded. A second countersignature (or a concurrent one) is refused."""
    if not has_staff_role(user, "legal"):
        _denied(
            user=user,
            organisation=agreement.organisation,
            request=request,
            reason="countersign DPA without the legal role",
        )
        raise NotAllowed(_("Only legal can countersign a DPA."))
    now = timezone.now()
    with transaction.atomic():
        # The row lock makes a concurrent countersignature wait; it then finds the agreement
        # executed (the lock re-reads the row) and renders nothing.
        claimed = (
            Agreement.objects.select_for_update()
            .filter(
                pk=agreement.pk,
                kind=Agreement.Kind.ONLINE,
                status=Agreement.Status.AWAITING_COUNTERSIGNATURE,
            )
            .first()
        )
        if claimed is not None:
            agreement = _execute(claimed, user=user, now=now, request=request)
    if claimed is None:
        audit_record(
            action="dpa.change_refused",
            actor=user,
            obj=agreement,
            organisation=agreement.organisation,
            request=request,
            details={"reason": "countersign an agreement that is not awaiting it"},
        )
        raise AlreadyExecuted(
            _("This agreement is already executed; its PDF is never rendered again.")
        )
    return agreement


def _execute(agreement: Agreement, *, user, now, request) -> Agreement:
    _supersede_previous(agreement, now)
    agreement = Agreement.objects.select_related("version", "organisation", "signed_by").get(
        pk=agreement.pk
    )
    html = document_html(
        body=agreement.version.body,
        snapshot=agreement.annexes,
        signatures=_signatures(agreement, user, now, request),
    )
    pdf = html_to_pdf(html)
    digest = sha256_hex(pdf)
    agreement.status = Agreement.Status.EXECUTED
    agreement.countersigned_by = user
    agreement.countersigned_at = now
    agreement.countersigned_ip = client_ip(request)
    agreement.countersigned_user_agent = _user_agent(request)
    agreement.executed_at = now
    agreement.executed_sha256 = digest
    agreement.executed_filename = executed_filename(agreement)
    agreement.executed_file = _store(pdf)
    # The last save of this row: from now on the model refuses every change.
    agreement.save()
    audit_record(
        action="dpa.executed",
        actor=user,
        obj=agreement,
        organisation=agreement.organisation,
        request=request,
        details={
            "version": agreement.version.number,
            "signed_document_sha256": agreement.signed_document_sha256,
            "executed_sha256": digest,
        },
    )
    _tell_admins(agreement)
    return agreement


def agreement_upload_negotiated(
    *,
    organisation: Organisation,
    user,
    upload,
    customer_legal_name: str,
    notices_email: str,
    effective_date: datetime.date,
    objection_window_days: int,
    request=None,
) -> Agreement:
    """Legal records a DPA negotiated outside the portal: the signed PDF (checked by its
    content) is the document of record, with its own objection window."""
    if not has_staff_role(user, "legal"):
        _denied(
            user=user,
            organisation=organisation,
            request=request,
            reason="upload a negotiated DPA without the legal role",
        )
        raise NotAllowed(_("Only legal can upload a negotiated DPA."))
    if organisation.kind != Organisation.Kind.CUSTOMER:
        raise DpaRefused(_("Only a customer organisation has a DPA."))
    if upload is not None and upload.size and upload.size > settings.DPA_UPLOAD_MAX_BYTES:
        raise ValidationError(_("The file is larger than the limit."), code="too_large")
    checked = check_upload(upload, pdf_only=True)
    if checked.is_encrypted:
        raise ValidationError(_("Upload the PDF without a password."), code="encrypted")
    now = timezone.now()
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        agreement = Agreement(
            organisation=organisation,
            kind=Agreement.Kind.NEGOTIATED,
            status=Agreement.Status.EXECUTED,
            customer_legal_name=customer_legal_name.strip(),
            notices_email=notices_email,
            effective_date=effective_date,
            objection_window_days=objection_window_days,
            countersigned_by=user,
            countersigned_at=now,
            countersigned_ip=client_ip(request),
            countersigned_user_agent=_user_agent(request),
            executed_file=_store(checked.data),
            executed_sha256=checked.sha256,
            executed_at=now,
        )
        agreement.executed_filename = executed_filename(agreement)
        # The agreement in force gives way first: the one-in-force constraint is validated too.
        _supersede_previous(agreement, now)
        agreement.full_clean(exclude=["executed_file"])
        # An agreement awaiting countersignature gives way to the negotiated one.
        Agreement.objects.filter(
            organisation=organisation, status=Agreement.Status.AWAITING_COUNTERSIGNATURE
        ).delete()
        agreement.save()
        audit_record(
            action="dpa.negotiated_uploaded",
            actor=user,
            obj=agreement,
            organisation=organisation,
            request=request,
            details={
                "executed_sha256": checked.sha256,
                "objection_window_days": objection_window_days,
            },
        )
    return agreement
