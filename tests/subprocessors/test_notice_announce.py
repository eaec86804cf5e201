"""Announcing a change: each customer's own deadline, the effective date after the last one,
one email per address listing the notice, webhooks, and the audit trail."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from subprocessors import services
from subprocessors.models import ChangeNotice, NoticeDelivery, NoticeOrganisation
from tests.subprocessors.conftest import earliest_effective
from trustcentre.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_announce_sets_each_customers_deadline_and_emails_admins(
    announced, org_a, org_b, prospect_org
):
    notice = ChangeNotice.objects.get(pk=announced.pk)
    assert notice.status == ChangeNotice.Status.ANNOUNCED
    rows = {row.organisation.slug: row for row in NoticeOrganisation.objects.filter(notice=notice)}
    # Customers only: a prospect has no DPA and no list.
    assert set(rows) == {"acme", "globex"}
    assert rows["acme"].objection_deadline == notice.objection_deadline
    assert notice.effective_at > notice.latest_deadline
    # One email per admin (members are not contract parties), with its deadline and the change.
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["admin@acme.test", "admin@globex.test"]
    body = mail.outbox[0].body
    assert "Warehouse for analytics" in body
    assert "Objection deadline for" in body
    deadline = rows["acme"].objection_deadline.astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    assert f"{deadline.day} {deadline:%b %Y}, 23:59" in body
    assert NoticeDelivery.objects.filter(notice=notice).count() == 2
    assert AuditEvent.objects.filter(action="subprocessor.notice_announced").count() == 1


def test_an_organisations_own_window_gives_its_own_deadline(
    monkeypatch, draft, legal_user, org_a, org_b, admin_a
):
    from subprocessors import terms

    monkeypatch.setattr(
        terms, "objection_window_for", lambda organisation: 45 if organisation == org_b else 30
    )
    now = timezone.now()
    # The effective date must follow the *latest* deadline: org_b's 45 days.
    with pytest.raises(ValidationError) as refused:
        services.notice_announce(
            notice=draft, effective_date=earliest_effective(now), user=legal_user
        )
    assert "cannot take effect before" in refused.value.messages[0]
    notice = services.notice_announce(
        notice=draft, effective_date=(now + datetime.timedelta(days=50)).date(), user=legal_user
    )
    rows = {row.organisation_id: row for row in notice.recipients.all()}
    assert rows[org_b.pk].objection_deadline > rows[org_a.pk].objection_deadline
    assert rows[org_b.pk].window_days == 45


def test_effective_date_before_the_deadline_is_refused_and_nothing_changes(
    draft, legal_user, org_a, admin_a
):
    too_early = earliest_effective() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.notice_announce(notice=draft, effective_date=too_early, user=legal_user)
    assert "effective_date" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.status == ChangeNotice.Status.DRAFT
    assert not NoticeOrganisation.objects.exists()
    assert mail.outbox == []


def test_announcing_twice_is_refused(announced, legal_user):
    with pytest.raises(services.NoticeStateError):
        services.notice_announce(
            notice=announced, effective_date=earliest_effective(), user=legal_user
        )


def test_notices_announced_close_together_go_out_as_one_email(
    settings, register, legal_user, org_a, admin_a, committed
):
    from tests.subprocessors.assessing import assess
    from tests.subprocessors.conftest import make_subprocessor

    settings.SUBPROCESSOR_COALESCE_SECONDS = 300
    errors = make_subprocessor("Errors", status="proposed")
    assess(errors)
    first = services.notice_create(
        kind="remove", subprocessor=register["support"], summary="Helpdesk goes", reason="Unused"
    )
    second = services.notice_create(
        kind="add",
        subprocessor=errors,
        summary="Error monitoring",
        reason="Find bugs",
    )
    effective = earliest_effective()
    with committed():
        services.notice_announce(notice=first, effective_date=effective, user=legal_user)
        services.notice_announce(notice=second, effective_date=effective, user=legal_user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.dispatch_id == second.dispatch_id
    assert mail.outbox == []  # the window is still open
    later = timezone.now() + datetime.timedelta(seconds=301)
    with committed():
        services.dispatch_run(dispatch_id=first.dispatch_id, now=later)
    assert [m.to for m in mail.outbox] == [["admin@acme.test"]]
    assert "2 sub-processor changes" in mail.outbox[0].subject
    assert "Helpdesk goes" in mail.outbox[0].body and "Error monitoring" in mail.outbox[0].body
    # Running the dispatch again sends nothing more.
    services.dispatch_run(dispatch_id=first.dispatch_id, now=later)
    assert len(mail.outbox) == 1


def test_never_twice_to_the_same_address_for_the_same_notice(announced):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeDelivery.objects.create(notice=announced, email="admin@acme.test")


def test_an_address_already_told_of_the_notice_gets_no_second_email(
    draft, legal_user, org_a, admin_a, org_b, admin_b, committed
):
    with committed():
        notice = services.notice_announce(
            notice=draft, effective_date=earliest_effective(), user=legal_user
        )
    mail.outbox.clear()
    # A second dispatch of the same notice (as if it had been attached twice): the constraint
    # on (notice, address) leaves both addresses out.
    from subprocessors.models import NoticeDispatch

    again = NoticeDispatch.objects.create(send_after=timezone.now())
    ChangeNotice.objects.filter(pk=notice.pk).update(dispatch=again)
    with committed():
        services.dispatch_run(dispatch_id=again.pk)
    assert mail.outbox == []
    assert NoticeDelivery.objects.filter(notice=notice).count() == 2
