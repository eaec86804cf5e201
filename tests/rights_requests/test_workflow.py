"""The DPO's steps: pause and resume, extension once, rejection, duplicates, spam, completion,
reminders and overdue flags. Every step is audited and told to the requester where it should."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rights_requests import deadlines, services
from rights_requests.models import RequestStatus, RightsRequest
from tests.conftest import make_user
from tests.rights_requests.conftest import last_email
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_pause_and_resume_move_the_deadline_and_show_in_the_history(
    file_request, dpo_user, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 15, 10, 0, tzinfo=datetime.UTC))
    rr = file_request(jurisdiction="uk_gdpr", email="uk@example.org")
    assert rr.due_date == datetime.date(2026, 4, 15)
    time_machine.move_to(datetime.datetime(2026, 3, 20, 10, 0, tzinfo=datetime.UTC))
    services.rights_request_pause(rr=rr, reason="Please send a copy of an ID.", actor=dpo_user)
    rr.refresh_from_db()
    assert rr.status == RequestStatus.PAUSED
    assert "copy of an ID" in last_email("uk@example.org").body_text
    time_machine.move_to(datetime.datetime(2026, 3, 30, 10, 0, tzinfo=datetime.UTC))
    services.rights_request_reply(rr=rr, text="Here it is.")
    rr.refresh_from_db()
    assert rr.status == RequestStatus.OPEN
    assert rr.due_date == datetime.date(2026, 4, 27)  # 10 days added, then off the weekend
    kinds = list(rr.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["paused", "message_in", "resumed"]
    assert AuditEvent.objects.filter(action="rights_request.paused").exists()


def test_only_uk_gdpr_can_pause(file_request, dpo_user):
    rr = file_request(jurisdiction="eu_gdpr", email="eu@example.org")
    with pytest.raises(ValidationError, match="Only a UK GDPR request's clock can wait"):
        services.rights_request_pause(rr=rr, reason="ID?", actor=dpo_user)
    rr.refresh_from_db()
    assert rr.status == RequestStatus.OPEN


def test_extension_once_with_reason_emailed(file_request, dpo_user):
    rr = file_request(email="ext@example.org")
    services.rights_request_extend(rr=rr, reason="Many systems to search.", actor=dpo_user)
    rr.refresh_from_db()
    assert rr.due_date == deadlines.gdpr_deadline(rr.received_date, extended=True)
    assert "Many systems to search." in last_email("ext@example.org").body_text
    with pytest.raises(ValidationError, match="once"):
        services.rights_request_extend(rr=rr, reason="Again", actor=dpo_user)


def test_extension_after_the_first_month_is_refused(file_request, dpo_user, time_machine):
    rr = file_request(email="late@example.org")
    time_machine.move_to(timezone.now() + datetime.timedelta(days=40))
    with pytest.raises(ValidationError, match="announced"):
        services.rights_request_extend(rr=rr, reason="Too late", actor=dpo_user)
    rr.refresh_from_db()
    assert not rr.is_extended


def test_opt_out_cannot_be_extended(file_request, dpo_user):
    rr = file_request(type="opt_out", jurisdiction="us_ccpa", email="oo@example.org")
    with pytest.raises(ValidationError, match="opt-out of sale or sharing cannot be extended"):
        services.rights_request_extend(rr=rr, reason="x", actor=dpo_user)


def test_reject_with_legal_reason(file_request, dpo_user):
    rr = file_request(email="rej@example.org")
    services.rights_request_reject(
        rr=rr, reason="identity", explanation="We could not match you.", actor=dpo_user
    )
    rr.refresh_from_db()
    assert rr.status == RequestStatus.REJECTED and rr.closed_at
    assert "supervisory authority" in last_email("rej@example.org").body_text
    with pytest.raises(ValidationError, match=r"This request is not open \(it is rejected\)"):
        services.rights_request_complete(rr=rr, outcome="x", actor=dpo_user)


def test_duplicate_and_spam(file_request, dpo_user):
    first = file_request(email="d@example.org")
    second = file_request(email="d@example.org")
    services.rights_request_mark_duplicate(rr=second, original=first, actor=dpo_user)
    second.refresh_from_db()
    assert second.status == RequestStatus.DUPLICATE
    spam = file_request(email="s@example.org")
    services.rights_request_mark_spam(rr=spam, actor=dpo_user)
    spam.refresh_from_db()
    assert spam.status == RequestStatus.SPAM


def test_rectification_recorded_with_before_and_after(file_request, dpo_user):
    rr = file_request(type="rectification", email="r@example.org")
    services.rectification_record(
        rr=rr, field="last_name", before="Smtih", after="Smith", actor=dpo_user
    )
    services.rights_request_complete(rr=rr, outcome="Corrected.", actor=dpo_user)
    rr.refresh_from_db()
    assert rr.rectifications.get().after == "Smith"
    assert rr.closed_on_time


def test_reminders_at_7_and_2_days_and_overdue_to_all_dpos(file_request, dpo_user):
    other_dpo = make_user("dpo2@provider.test", roles=["dpo"])
    today = timezone.localdate()
    seven = file_request(email="a7@example.org")
    two = file_request(email="a2@example.org")
    late = file_request(email="late2@example.org")
    for rr, days in ((seven, 7), (two, 2), (late, -1)):
        RightsRequest.objects.filter(pk=rr.pk).update(
            assignee=dpo_user, due_date=today + datetime.timedelta(days=days)
        )
    services.rights_request_send_reminders(today=today)
    services.rights_request_send_reminders(today=today)  # twice: nothing sent twice
    reminders = OutboxMessage.objects.filter(
        to_email=dpo_user.email, cause__startswith="rights-request-reminder"
    )
    assert reminders.count() == 2
    overdue = OutboxMessage.objects.filter(cause__startswith="rights-request-overdue")
    assert set(overdue.values_list("to_email", flat=True)) == {dpo_user.email, other_dpo.email}
    assert overdue.count() == 2
