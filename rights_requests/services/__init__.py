"""Rights-request use cases, one module per stage; callers import from here."""

from rights_requests.services.fulfilment import (
    fulfilment_apply_flags,
    fulfilment_delivered,
    fulfilment_organisations,
    fulfilment_run,
    fulfilment_start,
    suppress_subject,
)
from rights_requests.services.housekeeping import (
    rights_request_purge_unverified,
    rights_request_send_reminders,
)
from rights_requests.services.intake import (
    ProofFailed,
    peek_verify_token,
    rights_request_file,
    rights_request_reply,
    rights_request_verify,
    status_code_check,
    status_code_send,
    status_link,
    status_link_use,
)
from rights_requests.services.routing import (
    InstructionNotAllowed,
    referral_instruct,
    rights_request_route,
    subject_rows_in_tenant,
)
from rights_requests.services.workflow import (
    rectification_record,
    rights_request_assign,
    rights_request_complete,
    rights_request_extend,
    rights_request_mark_duplicate,
    rights_request_mark_spam,
    rights_request_message,
    rights_request_note,
    rights_request_pause,
    rights_request_reject,
    rights_request_resume,
)

__all__ = [
    "InstructionNotAllowed",
    "ProofFailed",
    "fulfilment_apply_flags",
    "fulfilment_delivered",
    "fulfilment_organisations",
    "fulfilment_run",
    "fulfilment_start",
    "peek_verify_token",
    "rectification_record",
    "referral_instruct",
    "rights_request_assign",
    "rights_request_complete",
    "rights_request_extend",
    "rights_request_file",
    "rights_request_mark_duplicate",
    "rights_request_mark_spam",
    "rights_request_message",
    "rights_request_note",
    "rights_request_pause",
    "rights_request_purge_unverified",
    "rights_request_reject",
    "rights_request_reply",
    "rights_request_resume",
    "rights_request_route",
    "rights_request_send_reminders",
    "rights_request_verify",
    "status_code_check",
    "status_code_send",
    "status_link",
    "status_link_use",
    "subject_rows_in_tenant",
    "suppress_subject",
]
