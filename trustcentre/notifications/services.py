"""Writing emails to the outbox (inside the transaction of the change that causes them) and
delivering them to the mail server, at most once per claim and with bounded retries."""

import logging
import random
from datetime import datetime, timedelta
from smtplib import (
    SMTPDataError,
    SMTPRecipientsRefused,
    SMTPSenderRefused,
)

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from trustcentre.jobs.queueing import BROKER_UNREACHABLE
from trustcentre.notifications.models import DeliveryAttempt, OutboxMessage

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status
Outcome = DeliveryAttempt.Outcome

SUBJECT_MAX_LENGTH = OutboxMessage._meta.get_field("subject").max_length
ERROR_MAX_LENGTH = 2000
# Messages per delivery task: one SMTP connection carries them all.
BATCH_SIZE = 100
# A message handed to the broker is left to its task for this long; past it the sweep queues it
# again (its task may have been lost with a broker that keeps nothing). Short, so that such a
# message waits about a minute at most; a second task for a message only finds it claimed.
QUEUED_LEASE_SECONDS = 30


def _render(template: str, context: dict) -> tuple[str, str, str]:
    full_context = {
        "provider_name": settings.PROVIDER_NAME,
        "site_url": settings.SITE_URL,
        **context,
    }
    subject = render_to_string(f"emails/{template}.subject.txt", full_context)
    body_text = render_to_string(f"emails/{template}.txt", full_context)
    body_html = render_to_string(f"emails/{template}.html", full_context)
    return subject, body_text, body_html


def email_enqueue(
    *,
    to: str,
    template: str,
    context: dict,
    cause: str,
    recipient=None,
    organisation=None,
    headers: dict | None = None,
) -> OutboxMessage:
    """Render `templates/emails/<template>.subject.txt|.txt|.html` and store the message.

    One message per (cause, recipient): enqueueing the same cause twice returns the first row,
    so a retried service never emails anyone twice. Delivery starts once the transaction commits;
    if the broker is down then, the periodic sweep delivers it later.
    """
    existing = OutboxMessage.objects.filter(cause=cause, to_email=to).first()
    if existing is not None:
        return existing
    language = getattr(recipient, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, body_text, body_html = _render(template, context)
    return email_enqueue_rendered(
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        cause=cause,
        template=template,
        recipient=recipient,
        organisation=organisation,
        headers=headers,
    )


def email_enqueue_rendered(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    cause: str,
    template: str,
    recipient=None,
    organisation=None,
    headers: dict | None = None,
) -> OutboxMessage:
    """Store a message that was rendered elsewhere (allauth renders its own), with the same
    one-per-(cause, recipient) rule and the same delivery as `email_enqueue`. `template` names
    what rendered it, for the outbox's readers."""
    # A subject is one header line: folding it here means a line break can never become a
    # header injection (Django would refuse it at send time, and the row would only fail later).
    subject = " ".join(subject.split())[:SUBJECT_MAX_LENGTH]
    message = OutboxMessage(
        cause=cause,
        template=template,
        to_email=to,
        recipient=recipient,
        organisation=organisation,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=headers or {},
    )
    # Uniqueness is left to the database constraint (checking first would race with a concurrent
    # enqueue of the same cause); the related rows are the caller's own, not worth a query each.
    message.full_clean(
        exclude=["recipient", "organisation"], validate_unique=False, validate_constraints=False
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return OutboxMessage.objects.get(cause=cause, to_email=to)
    _schedule_delivery(message.pk)
    return message


def _schedule_delivery(message_id: int) -> None:
    _queue_after_commit([message_id])


def _queue_after_commit(message_ids: list[int]) -> None:
    if message_ids:
        transaction.on_commit(lambda: _queue(message_ids))


def _queue(message_ids: list[int]) -> None:
    """Hand the messages to the workers in batches. Each row records when it was queued before
    its task is published (so the minute sweep leaves it to that task for a while), and forgets
    it at once when the broker cannot be reached (so the next sweep takes it)."""
    from trustcentre.notifications.tasks import deliver_message, deliver_messages

    for start in range(0, len(message_ids), BATCH_SIZE):
        batch = message_ids[start : start + BATCH_SIZE]
        OutboxMessage.objects.filter(pk__in=batch, status=Status.PENDING).update(
            queued_at=timezone.now()
        )
        try:
            if len(batch) == 1:
                deliver_message.delay(batch[0])
            else:
                deliver_messages.delay(batch)
        except BROKER_UNREACHABLE:
            OutboxMessage.objects.filter(pk__in=message_ids[start:], status=Status.PENDING).update(
                queued_at=None
            )
            logger.warning(
                "broker unavailable; %s outbox messages wait for the sweep",
                len(message_ids) - start,
                exc_info=True,
            )
            return


# Delivery ---------------------------------------------------------------------------------


def retry_delay(*, attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt`: the base (1 min) doubling up to the
    cap (1 h). The jitter spreads a backlog so a recovering server is not hit all at once; it only
    shortens a delay (by up to 20 %), so successive delays still grow until the cap."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0)
    seconds = min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.0))


def message_as_email(message: OutboxMessage, *, connection=None) -> EmailMultiAlternatives:
    """The email exactly as the mail server gets it; the Message-ID derives from the row."""
    headers = {**message.headers, "Message-ID": message.message_id}
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers=headers,
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


def _is_permanent(error: Exception) -> bool:
    """Errors that no retry can cure: the server refused the message or every recipient for
    good (5xx), or the message itself cannot be built."""
    if isinstance(error, SMTPRecipientsRefused):
        codes = [code for code, _reason in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, SMTPSenderRefused | SMTPDataError):
        return error.smtp_code >= 500
    return isinstance(error, BadHeaderError | UnicodeError)


# Refusals of one message after which the SMTP session stays usable for the next (smtplib
# resets it with RSET before raising).
MESSAGE_REFUSED = (SMTPRecipientsRefused, SMTPSenderRefused, SMTPDataError)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]


def _log_redelivery(message: OutboxMessage) -> None:
    previous = message.delivery_attempts.filter(number=message.attempts - 1).first()
    context = {"outbox_message": str(message.public_id), "attempt": message.attempts}
    if previous is None or previous.outcome in (Outcome.ABANDONED, Outcome.IN_PROGRESS):
        # The previous worker stopped without recording an outcome: the server may already hold
        # this message, and will now receive the same Message-ID again.
        logger.warning(
            "redelivery of outbox message %s, Message-ID %s: the previous attempt's outcome is "
            "unknown, so the server may receive it twice",
            message.public_id,
            message.message_id,
            extra=context,
        )
    else:
        logger.info(
            "retrying outbox message %s (attempt %s)",
            message.public_id,
            message.attempts,
            extra=context,
        )


def message_deliver(*, message_id: int) -> OutboxMessage | None:
    """Hand one due message to the mail server. Returns None when the message was not ours to
    send (already sent, being sent by another worker, not yet due)."""
    delivered = messages_deliver(message_ids=[message_id])
    return delivered[0] if delivered else None


def _claim_batch(message_ids: list[int], now: datetime) -> list[tuple[OutboxMessage, object]]:
    """Take the due messages among `message_ids` for this worker, each with a new attempt row,
    in one committed transaction. On PostgreSQL rows another worker is claiming are skipped
    (locked); elsewhere each row is taken by a conditional UPDATE that only one worker wins."""
    with transaction.atomic():
        due = OutboxMessage.objects.due(now).filter(pk__in=message_ids).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            taken = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True))
            OutboxMessage.objects.filter(pk__in=taken).update(
                status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, queued_at=None
            )
        else:
            taken = [
                pk
                for pk in due.values_list("pk", flat=True)
                if OutboxMessage.objects.due(now)
                .filter(pk=pk)
                .update(
                    status=Status.SENDING,
                    claimed_at=now,
                    attempts=F("attempts") + 1,
                    queued_at=None,
                )
                == 1
            ]
        if not taken:
            return []
        messages = list(OutboxMessage.objects.filter(pk__in=taken).order_by("pk"))
        attempts = DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(message=message, number=message.attempts, started_at=now)
            for message in messages
        )
    return list(zip(messages, attempts, strict=True))


def messages_deliver(*, message_ids: list[int]) -> list[OutboxMessage]:
    """Hand the due messages among `message_ids` to the mail server over one connection, and
    return those this worker sent or tried. Each message has its own outcome: one the server
    refuses fails (or waits for its retry) alone, and each outcome is committed before the next
    message goes, so a worker killed mid-batch leaves at most one message whose fate is
    unknown (sent again later with the same Message-ID).

    Deliberately not one transaction: the claim is committed before the SMTP conversation (so
    no other worker starts these messages), and each outcome in its own short transaction."""
    claimed = _claim_batch(message_ids, timezone.now())
    if not claimed:
        return []
    mail = get_connection()
    is_open = False
    try:
        for message, attempt in claimed:
            if message.attempts > 1:
                _log_redelivery(message)
            try:
                if not is_open:
                    mail.open()
                    is_open = True
                if mail.send_messages([message_as_email(message)]) != 1:
                    raise OSError("The mail backend did not take the message.")
            except Exception as error:  # every failure is recorded on the row; none may kill
                logger.warning(
                    "delivery of outbox message %s failed: %s",
                    message.public_id,
                    _describe(error),
                    extra={"outbox_message": str(message.public_id), "attempt": message.attempts},
                )
                _record_failure(message=message, attempt=attempt, error=error)
                if not _session_usable(mail, error):
                    # The next message opens a new connection rather than fail unheard.
                    _close_quietly(mail)
                    is_open = False
            else:
                _record_success(message=message, attempt=attempt)
    finally:
        if is_open:
            _close_quietly(mail)
    return [message for message, _attempt in claimed]


def _session_usable(mail, error: Exception) -> bool:
    """Whether the SMTP session can carry the next message after this one failed: only after a
    refusal of this message, and only if the server did not end the session with it (a 421
    closes the connection, and smtplib drops it)."""
    if not isinstance(error, MESSAGE_REFUSED):
        return False
    session = getattr(mail, "connection", None)  # smtplib's, for Django's SMTP backend
    return session is None or getattr(session, "sock", True) is not None


def _close_quietly(mail) -> None:
    try:
        mail.close()
    except Exception:  # a broken connection cannot be closed politely; it is dropped
        logger.debug("closing the mail connection failed", exc_info=True)


def _record_success(*, message: OutboxMessage, attempt: DeliveryAttempt) -> None:
    now = timezone.now()
    # The mail server accepted it: that is the truth even if the sweep meanwhile thought this
    # worker dead, so this update is not conditional on the claim. Committed before the next
    # message goes; on PostgreSQL as one statement (one round trip, atomic on its own), since a
    # batch pays this once per message.
    if connection.vendor == "postgresql" and connection.get_autocommit():
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH sent AS (UPDATE {quote(OutboxMessage._meta.db_table)} "  # noqa: S608
                "SET status = %s, sent_at = %s, last_error = '' WHERE id = %s AND status <> %s) "
                f"UPDATE {quote(DeliveryAttempt._meta.db_table)} "
                "SET outcome = %s, finished_at = %s WHERE id = %s",
                [Status.SENT, now, message.pk, Status.SENT, Outcome.SENT, now, attempt.pk],
            )
    else:
        with transaction.atomic():
            OutboxMessage.objects.filter(pk=message.pk).exclude(status=Status.SENT).update(
                status=Status.SENT, sent_at=now, last_error=""
            )
            DeliveryAttempt.objects.filter(pk=attempt.pk).update(
                outcome=Outcome.SENT, finished_at=now
            )
    attempt.outcome, attempt.finished_at = Outcome.SENT, now
    message.status, message.sent_at, message.last_error = Status.SENT, now, ""


def _record_failure(*, message: OutboxMessage, attempt: DeliveryAttempt, error: Exception) -> None:
    now = timezone.now()
    reason = _describe(error)
    if _is_permanent(error):
        status, next_attempt_at = Status.FAILED, message.next_attempt_at
        outcome = Outcome.FAILED
    elif message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        status, next_attempt_at = Status.FAILED, message.next_attempt_at
        outcome = Outcome.FAILED
        reason = f"Gave up after {message.attempts} attempts. Last error: {reason}"[
            :ERROR_MAX_LENGTH
        ]
    else:
        status, next_attempt_at = Status.PENDING, now + retry_delay(attempt=message.attempts)
        outcome = Outcome.DEFERRED
    with transaction.atomic():
        # Conditional on our claim: if the sweep already took the row back, it owns it now.
        OutboxMessage.objects.filter(
            pk=message.pk, status=Status.SENDING, attempts=message.attempts
        ).update(status=status, next_attempt_at=next_attempt_at, last_error=reason)
        attempt.outcome = outcome
        attempt.finished_at = now
        attempt.error = reason
        attempt.retry_at = next_attempt_at if status == Status.PENDING else None
        attempt.save(update_fields=["outcome", "finished_at", "error", "retry_at"])
    message.status, message.next_attempt_at, message.last_error = status, next_attempt_at, reason


def outbox_reclaim_abandoned(*, now: datetime | None = None) -> int:
    """Rows left in "sending" past the timeout belonged to a worker that died mid-delivery. They
    go back to pending (or fail, once out of attempts). The mail server may already have accepted
    them; a resend then carries the same Message-ID, which is the accepted cost."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT)
    reclaimed = 0
    stale = OutboxMessage.objects.filter(status=Status.SENDING, claimed_at__lt=limit)
    for message in stale.only("pk", "public_id", "attempts", "claimed_at"):
        reason = "The worker stopped during delivery; the outcome is unknown."
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            status = Status.FAILED
            reason = f"Gave up after {message.attempts} attempts. Last error: {reason}"
        else:
            status = Status.PENDING
        with transaction.atomic():
            updated = OutboxMessage.objects.filter(
                pk=message.pk,
                status=Status.SENDING,
                attempts=message.attempts,
                claimed_at=message.claimed_at,
            ).update(status=status, next_attempt_at=now, last_error=reason, queued_at=None)
            if updated != 1:
                continue
            DeliveryAttempt.objects.filter(
                message_id=message.pk, number=message.attempts, outcome=Outcome.IN_PROGRESS
            ).update(outcome=Outcome.ABANDONED, finished_at=now, error=reason)
        reclaimed += 1
        logger.warning(
            "reclaimed outbox message %s from a stopped worker (attempt %s); it may already have "
            "been delivered, and a resend keeps Message-ID %s",
            message.public_id,
            message.attempts,
            message.message_id,
            extra={"outbox_message": str(message.public_id), "attempt": message.attempts},
        )
    return reclaimed


def outbox_due_message_ids(*, now: datetime | None = None, limit: int = 1000) -> list[int]:
    """What the periodic sweep sends to the workers: abandoned rows are reclaimed first, then the
    due pending rows, oldest first, leaving out those whose task was queued less than
    QUEUED_LEASE_SECONDS ago (it is on its way). A row whose enqueue failed was never marked,
    and one whose task is older than the lease (lost with a broker that keeps nothing, or
    behind a long queue) is queued again: a second task only finds it claimed or sent. Bounded,
    so one sweep never floods the broker; the next takes the rest."""
    now = now or timezone.now()
    outbox_reclaim_abandoned(now=now)
    lease_start = now - timedelta(seconds=QUEUED_LEASE_SECONDS)
    due = (
        OutboxMessage.objects.due(now)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=lease_start))
        .order_by("next_attempt_at", "pk")
    )
    return list(due.values_list("pk", flat=True)[:limit])


def outbox_queue_due(*, now: datetime | None = None) -> int:
    """The minute sweep: queue the due messages that no recent task holds, in batches."""
    message_ids = outbox_due_message_ids(now=now)
    _queue(message_ids)
    return len(message_ids)


# Many emails at once (fan-outs) -------------------------------------------------------------


def email_enqueue_many(messages: list[dict]) -> dict[tuple[str, str], int]:
    """`email_enqueue` for a batch: each item has the keyword arguments of `email_enqueue`.
    Rendered one by one, stored with one INSERT, the same one-per-(cause, recipient) rule (a
    row that already exists is kept, not duplicated). Returns {(cause, to): outbox row id}.
    Call it inside the transaction of the change; delivery starts once it commits."""
    if not messages:
        return {}
    rows = []
    for item in messages:
        recipient = item.get("recipient")
        language = getattr(recipient, "language", None) or settings.LANGUAGE_CODE
        with translation.override(language):
            subject, body_text, body_html = _render(item["template"], item["context"])
        rows.append(
            OutboxMessage(
                cause=item["cause"],
                template=item["template"],
                to_email=item["to"],
                recipient=recipient,
                organisation=item.get("organisation"),
                subject=" ".join(subject.split())[:SUBJECT_MAX_LENGTH],
                body_text=body_text,
                body_html=body_html,
                headers=item.get("headers") or {},
            )
        )
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    keys = {(row.cause, row.to_email) for row in rows}
    stored = OutboxMessage.objects.filter(
        cause__in={cause for cause, _to in keys}, to_email__in={to for _cause, to in keys}
    ).values_list("pk", "cause", "to_email", "status")
    found, pending = {}, []
    for pk, cause, to, status in stored:
        if (cause, to) not in keys:
            continue
        found[(cause, to)] = pk
        if status == Status.PENDING:
            pending.append(pk)
    _queue_after_commit(sorted(pending))
    return found
