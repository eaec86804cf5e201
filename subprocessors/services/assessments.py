"""Assessments of sub-processors: record, correct and remove one, attach evidence, serve it by a
signed link, the rule that an addition needs a completed assessment, and the reviews it adds to
the trust centre's review cadence."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from subprocessors.models import Assessment, AssessmentEvidence, ChangeNotice, SubProcessor
from trustcentre.audit.services import audit_record
from trustcentre.content.services import ReviewItem
from trustcentre.lib.files import check_upload, file_response, read_private, store_private
from trustcentre.lib.review import next_review_date
from trustcentre.lib.signed_links import make_signed_token, read_signed_token
from trustcentre.pages.public_cache import public_content_changed

EVIDENCE_PURPOSE = "subprocessor-assessment-evidence"
EVIDENCE_FOLDER = "subprocessor-assessments"
AREA_MESSAGES = {
    "security_controls": gettext_lazy("Say what was found about the security controls."),
    "data_protection_terms": gettext_lazy("Say what was found about the data protection terms."),
    "transfer_mechanism": gettext_lazy("Say what was found about the transfer mechanism."),
    "certifications": gettext_lazy("Say what was found about the certifications."),
    "resilience": gettext_lazy("Say what was found about resilience."),
}


class AssessmentRequired(Exception):
    """A sub-processor is to be added without a completed assessment."""


def _validated(
    *, assessed_on, result, areas: dict, next_review_on, today: datetime.date
) -> tuple[dict, datetime.date]:
    errors = {}
    if result not in Assessment.Result.values:
        errors["result"] = [_("Give the assessment's result: approved, conditional or rejected.")]
    if assessed_on is None:
        errors["assessed_on"] = [_("Give the day of the assessment.")]
    elif assessed_on > today:
        errors["assessed_on"] = [_("An assessment cannot be dated in the future.")]
    cleaned = {}
    for name in Assessment.AREAS:
        value = (areas.get(name) or "").strip()
        if not value:
            errors[name] = [str(AREA_MESSAGES[name])]
        cleaned[name] = value
    if next_review_on is None and assessed_on is not None:
        next_review_on = next_review_date(assessed_on)
    if next_review_on is not None and assessed_on is not None and next_review_on <= assessed_on:
        errors["next_review_on"] = [_("The next review must come after the assessment.")]
    if errors:
        raise ValidationError(errors)
    return cleaned, next_review_on


def assessment_record(
    *,
    subprocessor: SubProcessor,
    assessor,
    assessed_on: datetime.date,
    result: str,
    next_review_on: datetime.date | None = None,
    evidence=(),
    request=None,
    **areas,
) -> Assessment:
    """A completed assessment: every area, a result, and the next review (by default one review
    interval after the assessment). Evidence files are checked and stored with it."""
    areas, next_review_on = _validated(
        assessed_on=assessed_on,
        result=result,
        areas=areas,
        next_review_on=next_review_on,
        today=timezone.localdate(),
    )
    files = [check_upload(upload) for upload in evidence]
    with transaction.atomic():
        assessment = Assessment.objects.create(
            subprocessor=subprocessor,
            assessor=assessor,
            assessed_on=assessed_on,
            result=result,
            next_review_on=next_review_on,
            **areas,
        )
        for checked in files:
            _store_evidence(assessment=assessment, checked=checked, user=assessor)
        public_content_changed()
        audit_record(
            action="subprocessor.assessment_recorded",
            actor=assessor,
            obj=assessment,
            request=request,
            details={
                "subprocessor": str(subprocessor.public_id),
                "result": result,
                "assessed_on": assessed_on.isoformat(),
                "next_review_on": next_review_on.isoformat(),
                "evidence": [checked.sha256 for checked in files],
            },
        )
    return assessment


def assessment_update(
    *,
    assessment: Assessment,
    user,
    assessed_on: datetime.date,
    result: str,
    next_review_on: datetime.date | None = None,
    evidence=(),
    request=None,
    **areas,
) -> Assessment:
    """Correct a recorded assessment (and add evidence to it); the result stays required."""
    areas, next_review_on = _validated(
        assessed_on=assessed_on,
        result=result,
        areas=areas,
        next_review_on=next_review_on,
        today=timezone.localdate(),
    )
    files = [check_upload(upload) for upload in evidence]
    values = {
        "assessed_on": assessed_on,
        "result": result,
        "next_review_on": next_review_on,
        **areas,
    }
    changed = [name for name, value in values.items() if getattr(assessment, name) != value]
    with transaction.atomic():
        for name in changed:
            setattr(assessment, name, values[name])
        assessment.updated_at = timezone.now()
        assessment.save(update_fields=[*changed, "updated_at"])
        for checked in files:
            _store_evidence(assessment=assessment, checked=checked, user=user)
        public_content_changed()
        audit_record(
            action="subprocessor.assessment_changed",
            actor=user,
            obj=assessment,
            request=request,
            details={"fields": changed, "evidence": [checked.sha256 for checked in files]},
        )
    return assessment


def assessment_delete(*, assessment: Assessment, user, request=None) -> None:
    """Remove an assessment recorded by mistake, with its evidence files."""
    names = list(assessment.evidence.values_list("storage_name", flat=True))
    with transaction.atomic():
        audit_record(
            action="subprocessor.assessment_deleted",
            actor=user,
            obj=assessment,
            request=request,
            details={
                "subprocessor": str(assessment.subprocessor.public_id),
                "result": assessment.result,
                "assessed_on": assessment.assessed_on.isoformat(),
            },
        )
        assessment.delete()
        public_content_changed()
        # Files go only once the rows are gone for good.
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


def _store_evidence(*, assessment: Assessment, checked, user) -> AssessmentEvidence:
    return AssessmentEvidence.objects.create(
        assessment=assessment,
        storage_name=store_private(checked.data, EVIDENCE_FOLDER),
        filename=checked.filename,
        content_type=checked.content_type,
        sha256=checked.sha256,
        size=len(checked.data),
        uploaded_by=user if getattr(user, "pk", None) else None,
    )


def evidence_token(evidence: AssessmentEvidence, user) -> str:
    return make_signed_token(EVIDENCE_PURPOSE, f"{evidence.public_id}:{user.public_id}")


def evidence_from_token(token: str, user) -> AssessmentEvidence:
    """The evidence a link names, for the person it was made for; raises BadSignature (or
    SignatureExpired) for a link that is forged, expired or someone else's."""
    value = read_signed_token(EVIDENCE_PURPOSE, token, settings.TRUST_DOWNLOAD_LINK_MAX_AGE)
    public_id, _sep, owner = value.partition(":")
    if owner != str(user.public_id):
        raise ValueError("the link was made for someone else")
    return AssessmentEvidence.objects.select_related("assessment").get(public_id=public_id)


def evidence_file_response(*, evidence: AssessmentEvidence, user, request=None):
    data = read_private(evidence.storage_name)
    audit_record(
        action="subprocessor.assessment_evidence_downloaded",
        actor=user,
        obj=evidence.assessment,
        request=request,
        details={"evidence": str(evidence.public_id), "sha256": evidence.sha256},
    )
    return file_response(data, filename=evidence.filename, content_type=evidence.content_type)


def latest_assessment(subprocessor: SubProcessor) -> Assessment | None:
    return subprocessor.assessments.order_by("-assessed_on", "-created_at").first()


def latest_assessments(subprocessor_ids) -> dict[int, Assessment]:
    """The last assessment of each sub-processor, by its primary key, in one query."""
    latest = {}
    rows = (
        Assessment.objects.filter(subprocessor_id__in=list(subprocessor_ids))
        .select_related("subprocessor", "assessor")
        .order_by("subprocessor_id", "-assessed_on", "-created_at")
    )
    for assessment in rows:
        latest.setdefault(assessment.subprocessor_id, assessment)
    return latest


def assessment_required_for(notice: ChangeNotice) -> None:
    """Before a change that brings a new sub-processor in (an addition, or the new one of a
    replacement) is announced, the sub-processor must have been assessed, and not rejected:
    the processor engages only sub-processors providing sufficient guarantees (GDPR Art. 28(1)
    and (4)), so the guarantees are checked before customers are asked to accept it."""
    if notice.kind not in (ChangeNotice.Kind.ADD, ChangeNotice.Kind.REPLACE):
        return
    last = latest_assessment(notice.subprocessor)
    if last is None:
        raise AssessmentRequired(
            _(
                "%(name)s has no completed assessment: record one, with its result, before "
                "announcing that it is added."
            )
            % {"name": notice.subprocessor.name}
        )
    if not last.clears_addition:
        raise AssessmentRequired(
            _(
                "The last assessment of %(name)s (%(date)s) rejected it: it cannot be announced "
                "until an assessment approves it."
            )
            % {"name": notice.subprocessor.name, "date": last.assessed_on.strftime("%d %b %Y")}
        )


def assessment_reviews_due(*, today: datetime.date, horizon: datetime.date, owner=None) -> list:
    """For the review cadence: sub-processors in use or proposed whose last assessment's next
    review is overdue or due by the horizon; the assessor is the owner who is reminded."""
    current = SubProcessor.objects.exclude(status=SubProcessor.Status.RETIRED).values_list(
        "pk", flat=True
    )
    items = []
    for assessment in latest_assessments(current).values():
        if assessment.next_review_on > horizon:
            continue
        if owner is not None and assessment.assessor_id != owner.pk:
            continue
        items.append(
            ReviewItem(
                kind="subprocessor_assessment",
                obj=assessment,
                today=today,
                label=str(_("Sub-processor assessment")),
                roles=("legal",),
                url=reverse(
                    "subprocessors_staff:assessment_new",
                    kwargs={"public_id": assessment.subprocessor.public_id},
                ),
            )
        )
    return items
