"""The use cases of a case before the erasure: open, choose, switch, extend, unfeasibility,
holds, early erasure; each bad input is refused with a clear error and changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from exports.end_of_contract import services
from exports.end_of_contract.models import CaseStatus, EndOfContractCase, LegalHold
from tests.end_of_contract.conftest import CONTRACT_END
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

D = datetime.date
OPENED_ON = D(2026, 1, 31)


@pytest.fixture
def case(ended_org):
    services.cases_open_for_ended_contracts(today=OPENED_ON)
    return EndOfContractCase.objects.get(organisation=ended_org)


def unchanged(case):
    before = EndOfContractCase.objects.filter(pk=case.pk).values().get()
    return lambda: EndOfContractCase.objects.filter(pk=case.pk).values().get() == before


def test_beat_opens_a_case_when_the_contract_end_passes(ended_org, admin_a, org_b):
    assert services.cases_open_for_ended_contracts(today=CONTRACT_END) == 0  # not yet passed
    assert services.cases_open_for_ended_contracts(today=OPENED_ON) == 1
    case = EndOfContractCase.objects.get(organisation=ended_org)
    assert case.status == CaseStatus.AWAITING_CHOICE
    assert (case.transition_start, case.transition_end, case.retrieval_end) == (
        D(2026, 1, 31),
        D(2026, 3, 2),
        D(2026, 4, 1),
    )
    assert AuditEvent.objects.filter(
        action="end_of_contract.opened", object_id=str(case.public_id)
    ).exists()
    email = OutboxMessage.objects.get(cause=f"eoc-opened:{case.public_id}")
    assert email.to_email == admin_a.email
    assert "2 Mar 2026" in email.body_text and "1 Apr 2026" in email.body_text
    # Idempotent: the next beat run opens nothing more; org_b has no contract end.
    assert services.cases_open_for_ended_contracts(today=OPENED_ON) == 0
    assert EndOfContractCase.objects.count() == 1


def test_admin_chooses_return_then_deletion_with_periods(case, admin_a):
    services.case_choose(
        case=case,
        user=admin_a,
        choice="return_then_delete",
        transition_days=20,
        retrieval_days=45,
        today=OPENED_ON,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSITION
    assert case.transition_end == D(2026, 2, 20)
    # The 45th day of retrieval is Easter Sunday, 5 April 2026, and Easter Monday a holiday:
    # the retrieval ends with Tuesday 7 April, the erasure is due on the 8th.
    assert case.retrieval_end == D(2026, 4, 8)
    email = OutboxMessage.objects.get(cause=f"eoc-choice:{case.public_id}")
    assert "Return the data, then delete it" in email.body_text


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"choice": "return_then_delete", "transition_days": 31}, "transition_days"),
        ({"choice": "return_then_delete", "retrieval_days": 29}, "retrieval_days"),
        ({"choice": "switch", "destination_provider": " "}, "destination_provider"),
        ({"choice": "burn_it"}, "choice"),
    ],
)
def test_periods_outside_the_data_act_are_refused(case, admin_a, data, field):
    is_unchanged = unchanged(case)
    with pytest.raises(ValidationError) as error:
        services.case_choose(case=case, user=admin_a, today=OPENED_ON, **data)
    assert field in error.value.message_dict
    assert is_unchanged()
    assert not OutboxMessage.objects.filter(cause__startswith="eoc-choice").exists()


def test_a_member_cannot_choose(case, member_a):
    is_unchanged = unchanged(case)
    with pytest.raises(PermissionDenied):
        services.case_choose(case=case, user=member_a, choice="delete_only", today=OPENED_ON)
    assert is_unchanged()


def test_switching_request_opens_a_case_with_notice_at_most_two_months(org_a, admin_a):
    today = D(2026, 12, 31)
    with pytest.raises(ValidationError) as error:
        services.case_request_switch(
            organisation=org_a,
            user=admin_a,
            destination_provider="Other Cloud",
            switch_on=D(2027, 3, 1),
            today=today,
        )
    assert "2027-02-28" in str(error.value.message_dict["switch_on"])
    assert not EndOfContractCase.objects.exists()
    case = services.case_request_switch(
        organisation=org_a,
        user=admin_a,
        destination_provider="Other Cloud",
        switch_on=D(2027, 2, 28),
        today=today,
    )
    assert case.choice == "switch" and case.destination_provider == "Other Cloud"
    assert (case.transition_start, case.transition_end, case.retrieval_end) == (
        D(2027, 2, 28),
        D(2027, 3, 30),
        D(2027, 4, 29),
    )
    with pytest.raises(services.CaseAlreadyOpen):
        services.case_request_switch(
            organisation=org_a,
            user=admin_a,
            destination_provider="Third",
            switch_on=D(2027, 1, 15),
            today=today,
        )
    assert EndOfContractCase.objects.count() == 1


def test_customer_extends_the_transition_once_with_a_reason(case, admin_a):
    services.case_choose(
        case=case, user=admin_a, choice="switch", destination_provider="B", today=OPENED_ON
    )
    is_unchanged = unchanged(case)
    with pytest.raises(ValidationError) as error:
        services.case_extend_transition(
            case=case, user=admin_a, new_end=D(2026, 5, 1), reason="", today=OPENED_ON
        )
    assert "reason" in error.value.message_dict
    assert is_unchanged()
    # Art. 25(5): the customer may choose a period it deems more appropriate, beyond the 7
    # months (31 August) that bind only the provider's alternative under Art. 25(4).
    services.case_extend_transition(
        case=case,
        user=admin_a,
        new_end=D(2026, 12, 15),
        reason="Migration tooling",
        today=OPENED_ON,
    )
    case.refresh_from_db()
    assert case.transition_end == D(2026, 12, 15)
    # The retrieval moved with it, 30 days long, its last day Wednesday 13 January 2027.
    assert case.retrieval_end == D(2027, 1, 14)
    email = OutboxMessage.objects.get(cause=f"eoc-extended:{case.public_id}")
    assert "Migration tooling" in email.body_text
    assert AuditEvent.objects.filter(action="end_of_contract.transition_extended").count() == 1
    # Once: a second extension is refused and changes nothing.
    is_unchanged = unchanged(case)
    with pytest.raises(ValidationError, match="once"):
        services.case_extend_transition(
            case=case, user=admin_a, new_end=D(2027, 3, 1), reason="again", today=OPENED_ON
        )
    assert is_unchanged()
    assert OutboxMessage.objects.filter(cause__startswith="eoc-extended:").count() == 1


def test_retrieval_can_be_extended_within_the_setting(case, admin_a, settings):
    settings.END_OF_CONTRACT_RETRIEVAL_MAX_DAYS = 60
    with pytest.raises(ValidationError) as error:
        services.case_extend_retrieval(
            case=case, user=admin_a, new_end=D(2026, 5, 2), today=OPENED_ON
        )
    assert "2026-05-01" in str(error.value.message_dict["new_end"])
    services.case_extend_retrieval(case=case, user=admin_a, new_end=D(2026, 5, 1), today=OPENED_ON)
    case.refresh_from_db()
    assert case.retrieval_end == D(2026, 5, 1)


def test_legal_states_unfeasibility_within_fourteen_working_days(case, legal_user, admin_a):
    # Opened on Saturday 31 January 2026 (the contract ended the day before): due 14 working
    # days later, Thursday 19 February.
    with pytest.raises(PermissionDenied):
        services.case_state_unfeasibility(
            case=case, user=admin_a, reasons="x", alternative_end=D(2026, 6, 1), today=OPENED_ON
        )
    is_unchanged = unchanged(case)
    with pytest.raises(ValidationError, match="2026-02-19"):
        services.case_state_unfeasibility(
            case=case,
            user=legal_user,
            reasons="Legacy format",
            alternative_end=D(2026, 6, 1),
            today=D(2026, 2, 20),
        )
    with pytest.raises(ValidationError) as error:
        services.case_state_unfeasibility(
            case=case,
            user=legal_user,
            reasons="",
            alternative_end=D(2026, 9, 1),
            today=D(2026, 2, 19),
        )
    assert set(error.value.message_dict) == {"reasons", "alternative_end"}
    assert is_unchanged()
    services.case_state_unfeasibility(
        case=case,
        user=legal_user,
        reasons="Legacy format",
        alternative_end=D(2026, 8, 30),
        today=D(2026, 2, 19),
    )
    case.refresh_from_db()
    assert case.transition_end == D(2026, 8, 30) and case.unfeasibility_reasons == "Legacy format"
    email = OutboxMessage.objects.get(cause=f"eoc-unfeasible:{case.public_id}")
    assert "technically unfeasible" in email.body_text and "Legacy format" in email.body_text


def test_holds_need_a_known_category_and_a_reason(case, legal_user, admin_a):
    with pytest.raises(PermissionDenied):
        services.hold_place(case=case, user=admin_a, category="leads", reason="x")
    with pytest.raises(ValidationError) as error:
        services.hold_place(case=case, user=legal_user, category="invoices", reason="")
    assert set(error.value.message_dict) == {"category", "reason"}
    hold = services.hold_place(
        case=case, user=legal_user, category="leads", reason="Court order 12/26"
    )
    with pytest.raises(ValidationError):
        services.hold_place(case=case, user=legal_user, category="leads", reason="again")
    services.hold_release(hold=hold, user=legal_user)
    assert not LegalHold.objects.filter(released_at__isnull=True).exists()


def test_erasure_before_retrieval_ends_needs_written_confirmation(case, admin_a, member_a):
    with pytest.raises(ValidationError, match="written confirmation"):
        services.deletion_start(case=case, today=D(2026, 3, 31))
    assert not case.deletion_jobs.exists()
    with pytest.raises(PermissionDenied):
        services.case_confirm_early_deletion(
            case=case, user=member_a, statement="Erase", confirm_name="Acme", today=OPENED_ON
        )
    with pytest.raises(ValidationError) as error:
        services.case_confirm_early_deletion(
            case=case, user=admin_a, statement="", confirm_name="acme", today=OPENED_ON
        )
    assert set(error.value.message_dict) == {"statement", "confirm_name"}
    case.refresh_from_db()
    assert case.early_deletion_confirmed_at is None and case.status == CaseStatus.AWAITING_CHOICE


def test_a_second_erasure_while_one_runs_is_refused(case):
    # Outside a committed transaction the task is not sent: the first job stays queued.
    job = services.deletion_start(case=case, today=D(2026, 4, 1))
    with pytest.raises(services.DeletionAlreadyRunning) as error:
        services.deletion_start(case=case, today=D(2026, 4, 1))
    assert error.value.job == job
    assert case.deletion_jobs.count() == 1
