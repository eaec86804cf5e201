"""Security questionnaires: submitted by a customer or prospect, assigned and answered by staff."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trustcentre.audit.services import audit_record
from trustcentre.documents import emails
from trustcentre.documents.access import (
    organisation_of,
)
from trustcentre.documents.models import (
    Questionnaire,
)
from trustcentre.documents.services._common import _name
from trustcentre.lib.files import check_upload, read_private, store_private

# Security questionnaires


def questionnaire_submit(*, user, upload, company, due_on, request=None) -> Questionnaire:
    checked = check_upload(upload)
    if due_on < timezone.localdate():
        raise ValidationError(_("The due date is in the past."), code="due_on")
    storage_name = store_private(checked.data, "questionnaires")
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            requester=user,
            organisation=organisation_of(user),
            company=company.strip(),
            due_on=due_on,
            filename=checked.filename,
            storage_name=storage_name,
            sha256=checked.sha256,
        )
        audit_record(
            action="questionnaire.submitted",
            actor=user,
            obj=questionnaire,
            organisation=questionnaire.organisation,
            request=request,
            details={"sha256": checked.sha256},
        )
    return questionnaire


@transaction.atomic
def questionnaire_assign(*, questionnaire, user, assignee, request=None) -> Questionnaire:
    questionnaire.assigned_to = assignee
    if questionnaire.status == Questionnaire.Status.OPEN:
        questionnaire.status = Questionnaire.Status.ASSIGNED
    questionnaire.save(update_fields=["assigned_to", "status"])
    audit_record(
        action="questionnaire.assigned",
        actor=user,
        obj=questionnaire,
        request=request,
        details={"assignee": str(assignee.public_id)},
    )
    return questionnaire


def questionnaire_answer(*, questionnaire, user, upload, request=None) -> Questionnaire:
    checked = check_upload(upload)
    storage_name = store_private(checked.data, "questionnaires")
    with transaction.atomic():
        questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        questionnaire.answer_filename = checked.filename
        questionnaire.answer_storage_name = storage_name
        questionnaire.answer_sha256 = checked.sha256
        questionnaire.answered_at = timezone.now()
        questionnaire.status = Questionnaire.Status.ANSWERED
        questionnaire.save()
        audit_record(
            action="questionnaire.answered",
            actor=user,
            obj=questionnaire,
            organisation=questionnaire.organisation,
            request=request,
            details={"sha256": checked.sha256},
        )
        emails.send(
            name="questionnaire_answered",
            to=questionnaire.requester.email,
            context={
                "name": _name(questionnaire.requester),
                "questionnaire": questionnaire,
                "questionnaire_url": emails.absolute("documents_portal:questionnaire_list"),
            },
            cause=f"questionnaire.answered:{questionnaire.public_id}",
            recipient=questionnaire.requester,
            organisation=questionnaire.organisation,
        )
    return questionnaire


def questionnaire_answer_deliver(*, questionnaire: Questionnaire, user, request=None) -> bytes:
    """The answer file's bytes for its requester, with the download in the audit trail."""
    data = read_private(questionnaire.answer_storage_name)
    audit_record(
        action="questionnaire.answer_downloaded",
        actor=user,
        obj=questionnaire,
        organisation=questionnaire.organisation,
        request=request,
        details={"sha256": questionnaire.answer_sha256},
    )
    return data
