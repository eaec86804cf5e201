"""R3 for a sub-processor announcement: 2,000 verified subscribers, a real worker on Redis and
PostgreSQL sending through a real SMTP server on loopback, `kill -9` of the worker while it sends
(and, in the second case, while it is still writing the emails), then a new worker and the
sweeps. Every subscriber ends with exactly one email for the notice: one distinct Message-ID per
address (a resend after a kill between the server's acceptance and the commit keeps its
Message-ID, which is the one duplicate nothing can prevent)."""

import collections

import pytest
from django.db import transaction
from django.utils import timezone

from subprocessors import services, terms
from subprocessors.models import NoticeDelivery
from tests.reliability.conftest import wait_for
from tests.reliability.subprocessor_setup import (
    beat_until_all_sent,
    fanout_settings,
    verified_subscribers,
)
from trustcentre.notifications.models import OutboxMessage

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

SUBSCRIBERS = 2000


@pytest.fixture
def drill_settings(settings, worker_env):
    settings.OUTBOX_SENDING_TIMEOUT = 1  # the sweep in this process takes back a dead worker's row
    return fanout_settings(settings, worker_env, chunk=50)


@pytest.fixture
def subscribers(db):
    return verified_subscribers(SUBSCRIBERS, prefix="subscriber")


def announce(notice):
    deadline = terms.objection_deadline(announced_at=timezone.now(), window_days=30)
    with transaction.atomic():
        return services.notice_announce(
            notice=notice, effective_date=terms.earliest_effective_date(deadline)
        )


def recover(expected: int):
    """What beat does after the crash: restart a dispatch whose worker died, and sweep the
    outbox every 20 s."""
    beat_until_all_sent(expected, stale_after=2, sweep_every=20, timeout=300, interval=2)


@pytest.mark.parametrize("kill_when", ["sending", "writing"])
def test_every_subscriber_gets_one_email_after_kill_9(
    kill_when,
    drill_settings,
    subscribers,
    draft,
    smtp_sink,
    broker_delivery,
    empty_queues,
    start_worker,
):
    worker = start_worker()
    notice = announce(draft)

    if kill_when == "sending":
        wait_for(
            lambda: len(smtp_sink.received) >= 300, timeout=120, interval=0.05, message="300 emails"
        )
    else:
        wait_for(
            lambda: OutboxMessage.objects.count() >= 100,
            timeout=60,
            interval=0.01,
            message="the fan-out to start",
        )
    worker.kill()
    sent_before = len(smtp_sink.received)
    written_before = OutboxMessage.objects.count()
    assert sent_before < SUBSCRIBERS, "the worker finished before it could be killed"

    replacement = start_worker()
    recover(SUBSCRIBERS)

    per_address = collections.defaultdict(set)
    for received in smtp_sink.received:
        (address,) = received.recipients
        per_address[address].add(received.message_id)
    assert set(per_address) == subscribers
    assert all(len(ids) == 1 for ids in per_address.values()), [
        a for a, ids in per_address.items() if len(ids) > 1
    ]
    copies = len(smtp_sink.received) - SUBSCRIBERS
    assert copies <= 1  # at most the one message the kill caught between acceptance and commit
    if copies:
        assert "redelivery of outbox message" in replacement.log_text()
    assert NoticeDelivery.objects.filter(notice=notice).count() == SUBSCRIBERS
    assert (
        OutboxMessage.objects.filter(cause__startswith="subprocessor-dispatch:").count()
        == SUBSCRIBERS
    )
    print(
        f"killed while {kill_when}: {sent_before} sent and {written_before} written before the kill"
    )
