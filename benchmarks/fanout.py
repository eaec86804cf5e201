#!/usr/bin/env python
"""Fan-out benchmark of issue 5: one sub-processor notice announced to N verified subscribers
(default 10,000), written to the outbox by the dispatch and delivered through a real SMTP server
(aiosmtpd) on loopback. See benchmarks/README.md.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/fanout.py \
        [--subscribers N] [--workers W]

Reports: the time to write the emails (the dispatch: one outbox row and one delivery row per
address, each email rendered with its deadline and unsubscribe link), the time to deliver them
(W worker processes, each doing what a worker's deliver_messages task does with batches of 100:
claim the batch, one SMTP connection for it, each outcome recorded as the server answers),
emails accepted by the server per second against the target of 1,000, and the total. The
subscriptions, notice and outbox rows it made are deleted afterwards (the audit events stay:
the log is append-only)."""

import argparse
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PREFIX = "fanout-bench-"
TARGET = 1000


def django_setup(smtp_port: int, work: Path) -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustcentre.settings")
    os.environ["DEBUG"] = "0"  # Django's query log would distort the figures
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.setdefault("AUDIT_CHAIN_KEY", "benchmark-only-" + "y" * 40)
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}?timeout=20"
    os.environ["PRIVATE_FILES_ROOT"] = str(work / "private")
    os.environ["SUBPROCESSOR_COALESCE_SECONDS"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


class Sink:
    """Counts what the SMTP server accepted, and when."""

    def __init__(self):
        self.accepted = 0
        self.recipients = set()
        self.first = self.last = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        with self.lock:
            now = time.perf_counter()
            self.first = self.first or now
            self.last = now
            self.accepted += 1
            self.recipients.update(envelope.rcpt_tos)
        return "250 2.0.0 Accepted"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cleanup() -> None:
    from subprocessors.models import (
        Assessment,
        ChangeNotice,
        NoticeDispatch,
        NoticeOrganisation,
        SubProcessor,
        Subscription,
    )
    from trustcentre.notifications.models import OutboxMessage

    notices = ChangeNotice.objects.filter(summary__startswith=PREFIX)
    dispatch_ids = list(notices.values_list("dispatch_id", flat=True))
    causes = [
        f"subprocessor-dispatch:{d.public_id}"
        for d in NoticeDispatch.objects.filter(pk__in=dispatch_ids)
    ]
    OutboxMessage.objects.filter(cause__in=causes).delete()
    NoticeOrganisation.objects.filter(notice__in=notices).delete()
    for notice in notices:
        notice.deliveries.all().delete()
        notice.delete()
    NoticeDispatch.objects.filter(pk__in=dispatch_ids).delete()
    Assessment.objects.filter(subprocessor__name__startswith=PREFIX).delete()
    SubProcessor.objects.filter(name__startswith=PREFIX).delete()
    Subscription.objects.filter(email__startswith=PREFIX).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=4, help="delivering worker processes")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    with tempfile.TemporaryDirectory() as work:
        django_setup(port, Path(work))
        from django.db import connection, connections, transaction
        from django.utils import timezone

        from subprocessors import services, terms
        from subprocessors.models import Assessment, SubProcessor, Subscription
        from trustcentre.accounts.models import User
        from trustcentre.notifications.models import OutboxMessage
        from trustcentre.notifications.services import BATCH_SIZE, messages_deliver

        if connection.vendor != "postgresql":
            sys.exit("Run it on PostgreSQL: set DATABASE_URL (see benchmarks/README.md).")
        cleanup()
        now = timezone.now()
        Subscription.objects.bulk_create(
            (
                Subscription(
                    email=f"{PREFIX}{n:06d}@example.test",
                    topics=["subprocessor_changes"],
                    status=Subscription.Status.VERIFIED,
                    confirmed_at=now,
                )
                for n in range(args.subscribers)
            ),
            batch_size=2000,
        )
        proposed = services.subprocessor_create(
            status=SubProcessor.Status.PROPOSED,
            name=f"{PREFIX}Warehouse",
            legal_entity="Warehouse Inc.",
            purpose="Reports",
            countries=["US"],
            transfer_mechanism="dpf",
        )
        assessor, _created = User.objects.get_or_create(email=f"{PREFIX}assessor@example.test")
        services.assessment_record(
            subprocessor=proposed,
            assessor=assessor,
            assessed_on=timezone.localdate(),
            result="approved",
            **{name: "Benchmark" for name in Assessment.AREAS},
        )
        notice = services.notice_create(
            kind="add", subprocessor=proposed, summary=f"{PREFIX}notice", reason="Benchmark"
        )
        try:
            started = time.perf_counter()
            deadline = terms.objection_deadline(announced_at=now, window_days=30)
            with transaction.atomic():
                notice = services.notice_announce(
                    notice=notice, effective_date=terms.earliest_effective_date(deadline)
                )
            announced = time.perf_counter()
            dispatch = services.dispatch_run(dispatch_id=notice.dispatch_id)
            written = time.perf_counter()
            cause = f"subprocessor-dispatch:{dispatch.public_id}"
            ids = list(
                OutboxMessage.objects.filter(cause=cause)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            connections.close_all()

            batches = [ids[i : i + BATCH_SIZE] for i in range(0, len(ids), BATCH_SIZE)]

            def deliver(share):
                for batch in share:
                    messages_deliver(message_ids=batch)
                connections.close_all()

            # Processes, as workers are: threads of one process would share one interpreter lock.
            context = multiprocessing.get_context("fork")
            workers = [
                context.Process(target=deliver, args=(batches[i :: args.workers],))
                for i in range(args.workers)
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            delivered = time.perf_counter()
            sent = OutboxMessage.objects.filter(
                cause=cause, status=OutboxMessage.Status.SENT
            ).count()
        finally:
            cleanup()
            controller.stop()

    write_seconds = written - announced
    deliver_seconds = delivered - written
    total_seconds = delivered - started
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"subscribers: {args.subscribers:,}  delivering worker processes: {args.workers}", end="")
    print(f"  cores: {os.cpu_count()}  load average at the end: {load}")
    print(f"outbox rows: {len(ids):,}  sent: {sent:,}  accepted by the SMTP server: ", end="")
    print(f"{sink.accepted:,} ({len(sink.recipients):,} distinct addresses)")
    print(f"announce (transaction):      {announced - started:8.2f} s")
    rate = len(ids) / write_seconds
    print(f"write the emails (dispatch): {write_seconds:8.2f} s  ({rate:,.0f} emails/s)")
    rate = sink.accepted / deliver_seconds
    print(f"deliver over SMTP:           {deliver_seconds:8.2f} s  ({rate:,.0f} emails accepted/s)")
    verdict = "PASS" if rate >= TARGET else "FAIL"
    print(f"target: at least {TARGET:,} emails accepted/s: {rate / TARGET:.0%} of it, {verdict}")
    rate = sink.accepted / total_seconds
    print(f"total:                       {total_seconds:8.2f} s  ({rate:,.0f} emails/s end to end)")


if __name__ == "__main__":
    main()
