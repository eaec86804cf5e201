"""The one way to hand work to a worker: after the transaction that recorded it commits.

The row that records the work (a job, an outbox message, a dispatch) is the truth; the broker
message only says "look now". So when the broker cannot be reached, the committed request still
succeeds: this logs a warning and leaves the row for its beat sweep (requeue_stalled_jobs, the
outbox and webhook sweeps, run_due_dispatches), which sends it once the broker answers."""

import logging
from datetime import datetime

import kombu.exceptions
import redis.exceptions
from django.db import transaction

logger = logging.getLogger(__name__)

# What publishing raises when the broker cannot be reached (refused, timed out, name not
# resolved, Redis gone); anything else is a fault of the task call itself and is raised.
BROKER_UNREACHABLE = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)


def enqueue_after_commit(task, *args, eta: datetime | None = None, description: str) -> None:
    """Queue `task(*args)` once the current transaction commits (at once outside one).
    `description` names the row in the log line, e.g. "export 3f2c...", when the broker is
    down."""

    def send():
        try:
            if eta is None:
                task.delay(*args)
            else:
                task.apply_async(args, eta=eta)
        except BROKER_UNREACHABLE:
            logger.warning("broker unavailable; %s waits for its sweep", description, exc_info=True)

    transaction.on_commit(send)
