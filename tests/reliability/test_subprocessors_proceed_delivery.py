"""A decision to proceed despite objections, through the real parts: PostgreSQL, Redis, a Celery
worker and an SMTP server on loopback. The beat task run by the worker leaves the held change
alone; legal's decision (clicked twice, then the beat again) reaches each admin of each
objecting customer exactly once, with one Message-ID each; nobody else is emailed."""

import datetime
import time

import pytest
from django.utils import timezone

from subprocessors import services, tasks, terms
from subprocessors.models import ChangeNotice
from tests.conftest import add_member, make_organisation, make_user
from tests.reliability.conftest import wait_for
from tests.reliability.subprocessor_setup import draft_notice
from trustcentre.accounts.models import Membership
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage
from trustcentre.notifications.tasks import deliver_due_messages

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]


def test_each_objecting_admin_is_told_of_the_decision_once(
    settings, smtp_sink, celery_worker, broker_delivery
):
    settings.SUBPROCESSOR_COALESCE_SECONDS = 0
    legal = make_user("legal@provider.test", roles=["legal"])
    people = {
        "alpha": ["admin@alpha.test", "second@alpha.test"],
        "beta": ["admin@beta.test"],
        "gamma": ["admin@gamma.test"],  # told of the change, did not object
    }
    organisations = {}
    for slug, emails in people.items():
        organisations[slug] = make_organisation(slug)
        for email in emails:
            add_member(make_user(email), organisations[slug], Membership.Role.ADMIN)
    add_member(make_user("member@alpha.test"), organisations["alpha"])

    past = timezone.now() - datetime.timedelta(days=40)
    deadline = terms.objection_deadline(announced_at=past, window_days=30)
    notice = services.notice_announce(
        notice=draft_notice(), effective_date=terms.earliest_effective_date(deadline), now=past
    )
    for slug in ("alpha", "beta"):
        services.objection_raise(
            notice=notice,
            organisation=organisations[slug],
            grounds="No US transfers.",
            user=Membership.objects.filter(organisation=organisations[slug]).first().user,
            now=past + datetime.timedelta(days=1),
        )

    # The worker's beat task finds the change due and leaves it held.
    tasks.make_due_notices_effective.delay()
    held = ChangeNotice.objects.filter(pk=notice.pk, held_since__isnull=False)
    wait_for(held.exists, timeout=60, message="the worker to find the change held")
    notice.refresh_from_db()
    assert notice.status == ChangeNotice.Status.ANNOUNCED

    reason = "The EU warehouse closes at the end of the month."
    services.notice_proceed_despite_objections(notice=notice, user=legal, reason=reason)
    with pytest.raises(services.NoticeStateError):  # the double click
        services.notice_proceed_despite_objections(notice=notice, user=legal, reason=reason)
    tasks.make_due_notices_effective.delay()  # the next beat run

    expected = {"admin@alpha.test", "second@alpha.test", "admin@beta.test"}
    messages = OutboxMessage.objects.filter(template="subprocessors/notice_proceeded")

    def all_sent():
        return messages.filter(status=OutboxMessage.Status.SENT).count() == len(expected)

    wait_for(all_sent, timeout=90, message="the decision emails to be sent")
    deliver_due_messages()  # a sweep after the fact sends nothing again
    time.sleep(2)  # any duplicate would have arrived by now

    received = [
        (item.recipients, item.message_id)
        for item in smtp_sink.received
        if "despite your objection" in item.subject
    ]
    assert sorted(r for recipients, _id in received for r in recipients) == sorted(expected)
    assert len({message_id for _recipients, message_id in received}) == len(expected)
    assert {message.message_id for message in messages} == {mid for _r, mid in received}
    notice.refresh_from_db()
    assert notice.status == ChangeNotice.Status.EFFECTIVE
    assert AuditEvent.objects.filter(action="subprocessor.notice_effective").count() == 1
    assert "redelivery" not in celery_worker.log_text()
