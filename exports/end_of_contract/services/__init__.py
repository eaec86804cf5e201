"""End-of-contract use cases; callers import from here."""

from exports.end_of_contract.services.cases import (
    CaseAlreadyOpen,
    case_choose,
    case_confirm_early_deletion,
    case_extend_retrieval,
    case_extend_transition,
    case_open_for_contract_end,
    case_request_switch,
    case_state_unfeasibility,
    cases_advance,
    cases_open_for_ended_contracts,
    hold_place,
    hold_release,
    reminders_send,
)
from exports.end_of_contract.services.deletion import (
    DeletionAlreadyRunning,
    certificate_countersign,
    certificate_file_name,
    deletion_retry,
    deletion_run,
    deletion_start,
    deletions_start_due,
)

__all__ = [
    "CaseAlreadyOpen",
    "DeletionAlreadyRunning",
    "case_choose",
    "case_confirm_early_deletion",
    "case_extend_retrieval",
    "case_extend_transition",
    "case_open_for_contract_end",
    "case_request_switch",
    "case_state_unfeasibility",
    "cases_advance",
    "cases_open_for_ended_contracts",
    "certificate_countersign",
    "certificate_file_name",
    "deletion_retry",
    "deletion_run",
    "deletion_start",
    "deletions_start_due",
    "hold_place",
    "hold_release",
    "reminders_send",
]
