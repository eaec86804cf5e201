"""Operations of the trust centre's documents: one function per use case, each in a
transaction with its audit event and its emails in the outbox. Callers import from here."""

from trustcentre.documents.services._common import (
    GRANT_TERMS,
    AccessDenied,
    grant_expiry,
    nda_expiry,
)
from trustcentre.documents.services.access_requests import (
    access_request_approve,
    access_request_create,
    access_request_reject,
    grant_revoke,
    grants_expiry_remind,
)
from trustcentre.documents.services.documents import (
    document_create,
    document_publish,
    document_version_add,
)
from trustcentre.documents.services.downloads import (
    document_deliver,
    document_view_record,
    stamp_lines,
)
from trustcentre.documents.services.ndas import (
    nda_accept,
    nda_upload_countersigned,
    nda_upload_decide,
    nda_version_publish,
)
from trustcentre.documents.services.questionnaires import (
    questionnaire_answer,
    questionnaire_answer_deliver,
    questionnaire_assign,
    questionnaire_submit,
)

__all__ = [
    "GRANT_TERMS",
    "AccessDenied",
    "access_request_approve",
    "access_request_create",
    "access_request_reject",
    "document_create",
    "document_publish",
    "document_deliver",
    "document_version_add",
    "document_view_record",
    "grant_expiry",
    "grant_revoke",
    "grants_expiry_remind",
    "nda_accept",
    "nda_expiry",
    "nda_upload_countersigned",
    "nda_upload_decide",
    "nda_version_publish",
    "questionnaire_answer",
    "questionnaire_answer_deliver",
    "questionnaire_assign",
    "questionnaire_submit",
    "stamp_lines",
]
