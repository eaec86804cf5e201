"""The sub-processor set-up the announcement drills share: their settings, verified
subscribers, a draft notice adding a sub-processor to an initialised register, and what beat
does until every subscriber's email is sent."""

import datetime
import time

from django.utils import timezone

from subprocessors import services
from subprocessors.models import NoticeDispatch, SubProcessor, Subscription
from subprocessors.tasks import run_dispatch
from tests.reliability.conftest import wait_for
from tests.subprocessors.assessing import assess
from trustcentre.notifications.models import OutboxMessage
from trustcentre.notifications.tasks import deliver_due_messages


def fanout_settings(settings, worker_env, *, chunk: int):
    """An announcement fans out at once (no coalescing window), `chunk` subscribers a task."""
    settings.SUBPROCESSOR_COALESCE_SECONDS = 0
    worker_env["SUBPROCESSOR_FANOUT_CHUNK"] = str(chunk)
    return settings


def verified_subscribers(count: int, *, prefix: str) -> set[str]:
    now = timezone.now()
    addresses = [f"{prefix}{n:04d}@example.test" for n in range(count)]
    Subscription.objects.bulk_create(
        Subscription(
            email=address,
            topics=["subprocessor_changes"],
            status=Subscription.Status.VERIFIED,
            confirmed_at=now,
        )
        for address in addresses
    )
    return set(addresses)


def draft_notice():
    services.subprocessor_create(
        status="active",
        name="Hostly",
        legal_entity="Hostly GmbH",
        purpose="Hosting",
        countries=["DE"],
        transfer_mechanism="none",
    )
    services.register_initialise()
    proposed = services.subprocessor_create(
        status=SubProcessor.Status.PROPOSED,
        name="Warehouse",
        legal_entity="Warehouse Inc.",
        purpose="Reports",
        countries=["US"],
        transfer_mechanism="dpf",
    )
    assess(proposed)
    return services.notice_create(
        kind="add", subprocessor=proposed, summary="Warehouse", reason="Reports"
    )


def beat_until_all_sent(
    expected: int, *, stale_after: float, sweep_every: float, timeout: float, interval: float
) -> None:
    """What beat does, sooner: start again every dispatch left unfinished for `stale_after`
    seconds (its task never queued, lost with the broker, or its worker killed), and sweep the
    outbox every `sweep_every` seconds (each sweep enqueues every due message again: harmless,
    but a long queue), until the dispatch is done and `expected` emails are sent."""
    last_sweep = [0.0]

    def all_sent():
        for dispatch_id in services.dispatches_due(
            stale_after=datetime.timedelta(seconds=stale_after)
        ):
            run_dispatch.delay(dispatch_id)
        if time.monotonic() - last_sweep[0] > sweep_every:
            deliver_due_messages()
            last_sweep[0] = time.monotonic()
        done = NoticeDispatch.objects.filter(status=NoticeDispatch.Status.DONE).exists()
        sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count()
        return done and sent == expected

    wait_for(all_sent, timeout=timeout, interval=interval, message=f"{expected} emails sent")
