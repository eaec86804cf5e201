"""NDAs: versions (append-only), click-through acceptance, countersigned uploads for legal."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from trustcentre.audit.services import audit_record, client_ip
from trustcentre.documents.access import (
    organisation_of,
)
from trustcentre.documents.models import (
    NdaAcceptance,
    NdaVersion,
)
from trustcentre.documents.services._common import nda_expiry
from trustcentre.lib.files import check_upload, store_private
from trustcentre.pages.public_cache import public_content_changed

# NDAs


@transaction.atomic
def nda_version_publish(*, user, title: str, text: str, request=None) -> NdaVersion:
    number = (NdaVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    version = NdaVersion.objects.create(
        number=number,
        title=title,
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )
    public_content_changed()
    audit_record(
        action="nda.published",
        actor=user,
        obj=version,
        request=request,
        details={"number": number, "sha256": version.sha256},
    )
    return version


@transaction.atomic
def nda_accept(
    *, user, nda_version: NdaVersion, signer_name, signer_title, company, request=None
) -> NdaAcceptance:
    """Click-through acceptance of the version shown, pinned by the hash of its text."""
    now = timezone.now()
    acceptance = NdaAcceptance.objects.create(
        kind=NdaAcceptance.Kind.CLICK_THROUGH,
        status=NdaAcceptance.Status.ACCEPTED,
        user=user,
        organisation=organisation_of(user),
        nda_version=nda_version,
        text_sha256=hashlib.sha256(nda_version.text.encode()).hexdigest(),
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        company=company.strip(),
        email=user.email,
        accepted_at=now,
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:500],
        expires_at=nda_expiry(now),
    )
    audit_record(
        action="nda.accepted",
        actor=user,
        obj=acceptance,
        organisation=acceptance.organisation,
        request=request,
        details={"nda_version": nda_version.number, "sha256": acceptance.text_sha256},
    )
    return acceptance


def nda_upload_review_flags(checked) -> list[str]:
    """What legal must look at before approving a customer's countersigned NDA. The upload is
    the customer's own signed copy, so it is kept (refusing it would lose the signature), but an
    encrypted file or one with scripts is not taken on trust."""
    flags = []
    if checked.has_javascript:
        flags.append("javascript")
    if checked.is_encrypted:
        flags.append("encrypted")
    return flags


def nda_upload_countersigned(
    *, user, upload, signer_name, signer_title, company, request=None
) -> NdaAcceptance:
    checked = check_upload(upload, pdf_only=True)
    storage_name = store_private(checked.data, "nda-uploads")
    now = timezone.now()
    with transaction.atomic():
        acceptance = NdaAcceptance.objects.create(
            kind=NdaAcceptance.Kind.COUNTERSIGNED,
            status=NdaAcceptance.Status.PENDING,
            user=user,
            organisation=organisation_of(user),
            nda_version=NdaVersion.current(),
            text_sha256=checked.sha256,
            signer_name=signer_name.strip(),
            signer_title=signer_title.strip(),
            company=company.strip(),
            email=user.email,
            accepted_at=now,
            ip_address=client_ip(request),
            user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:500],
            expires_at=nda_expiry(now),
            storage_name=storage_name,
            review_flags=nda_upload_review_flags(checked),
        )
        audit_record(
            action="nda.uploaded",
            actor=user,
            obj=acceptance,
            organisation=acceptance.organisation,
            request=request,
            details={"sha256": checked.sha256, "review_flags": acceptance.review_flags},
        )
    return acceptance


@transaction.atomic
def nda_upload_decide(*, acceptance, user, approve: bool, reason: str = "", request=None):
    acceptance = NdaAcceptance.objects.select_for_update().get(pk=acceptance.pk)
    if acceptance.status != NdaAcceptance.Status.PENDING:
        raise ValidationError(_("This NDA has already been decided."), code="decided")
    if not approve and not reason.strip():
        raise ValidationError(_("Give the reason for rejecting it."), code="reason")
    now = timezone.now()
    acceptance.status = NdaAcceptance.Status.ACCEPTED if approve else NdaAcceptance.Status.REJECTED
    acceptance.decided_by = user
    acceptance.decided_at = now
    acceptance.decision_reason = reason.strip()
    if approve:
        acceptance.expires_at = nda_expiry(now)
    acceptance.save()
    audit_record(
        action="nda.approved" if approve else "nda.rejected",
        actor=user,
        obj=acceptance,
        organisation=acceptance.organisation,
        request=request,
    )
    return acceptance
