"""R3 for a sub-processor announcement: 2,000 verified subscribers, a real worker on Redis and
PostgreSQL sending through a real SMTP server on loopback, `kill -9` of the worker while it sends
(and, in the second case, while it is still writing the emails), then a new worker and the
sweeps. Every subscriber ends with exactly one email for the notice: one distinct Message-ID per
address (a resend after a kill between the server's acceptance and the commit keeps its
Message-ID, which is the one duplicate nothing can prevent)."""

import collections
import datetime
import time

import pytest
from django.db import transaction
from django.utils import timezone

from subprocessors import services, terms
from subprocessors.models import NoticeDelivery, NoticeDispatch
from subprocessors.tasks import run_dispatch
from tests.reliability.conftest import wait_for
from tests.reliability.subprocessor_setup import draft_notice, verified_subscribers
from trustcentre.notifications.models import OutboxMessage
from trustcentre.notifications.tasks import deliver_due_messages

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

SUBSCRIBERS = 2000


@pytest.fixture
def drill_settings(settings, worker_env):
    settings.SUBPROCESSOR_COALESCE_SECONDS = 0
    settings.OUTBOX_SENDING_TIMEOUT = 1  # the sweep in this process takes back a dead worker's row
    worker_env["SUBPROCESSOR_FANOUT_CHUNK"] = "50"
    return settings


@pytest.fixture
def subscribers(db):
    return verified_subscribers(SUBSCRIBERS, prefix="subscriber")


@pytest.fixture
def draft(db):
    return draft_notice()


def announce(notice):
    deadline = terms.objection_deadline(announced_at=timezone.now(), window_days=30)
    with transaction.atomic():
        return services.notice_announce(
            notice=notice, effective_date=terms.earliest_effective_date(deadline)
        )


@pytest.fixture
def empty_queues(broker_delivery):
    """Tasks left in the drill's Redis queues by an earlier run would only slow this one down."""
    with broker_delivery.connection_for_write() as connection:
        for queue in ("default", "notifications", "exports"):
            connection.default_channel.queue_purge(queue)


def recover(expected: int):
    """What beat does: restart a dispatch whose worker died, and sweep the outbox (every 20 s,
    as each sweep enqueues every due message again: harmless, but a long queue)."""
    last_sweep = [0.0]

    def all_sent():
        for dispatch_id in services.dispatches_due(stale_after=datetime.timedelta(seconds=2)):
            run_dispatch.delay(dispatch_id)
        if time.monotonic() - last_sweep[0] > 20:
            deliver_due_messages()
            last_sweep[0] = time.monotonic()
        done = NoticeDispatch.objects.filter(status=NoticeDispatch.Status.DONE).exists()
        sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count()
        return done and sent == expected

    wait_for(all_sent, timeout=300, interval=2, message=f"{expected} emails sent after the crash")


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
