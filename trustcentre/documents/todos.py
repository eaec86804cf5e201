"""The document workbenches' queues on the staff home."""

from django.db.models import Count, Min
from django.utils.translation import gettext as _

from trustcentre.accounts.permissions import has_staff_role
from trustcentre.documents.models import AccessRequest, NdaAcceptance, Questionnaire
from trustcentre.pages.todos import Queue, staff_queues


def _queue(workbench, label, rows, since="created_at") -> Queue:
    waiting = rows.aggregate(count=Count("pk"), oldest=Min(since))
    return Queue(workbench=workbench, label=label, count=waiting["count"], oldest=waiting["oldest"])


@staff_queues
def document_queues(user) -> list[Queue]:
    if not (has_staff_role(user, "legal") or has_staff_role(user, "trust_admin")):
        return []
    return [
        _queue(
            "documents_staff:access_request_list",
            _("Access requests to review"),
            AccessRequest.objects.filter(status=AccessRequest.Status.PENDING),
        ),
        _queue(
            "documents_staff:access_request_list",
            _("Countersigned NDAs to check"),
            NdaAcceptance.objects.filter(status=NdaAcceptance.Status.PENDING),
            since="accepted_at",
        ),
        _queue(
            "documents_staff:questionnaire_list",
            _("Questionnaires to answer"),
            Questionnaire.objects.exclude(status=Questionnaire.Status.ANSWERED),
        ),
    ]
