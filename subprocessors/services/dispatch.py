"""The email fan-out of announced notices. Notices announced within the coalescing window share a
dispatch; once the window closes, each address (every verified subscriber of "sub-processor
changes" and every admin of a concerned customer) gets one email listing them all, each with the
deadline of that address's organisation.

Resumable and idempotent: recipients are processed in a fixed order, in chunks, each chunk one
transaction; the outbox's one-message-per-(cause, address) constraint and NoticeDelivery's
one-row-per-(notice, address) constraint make a re-run after a crash skip what was done."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from subprocessors.changes import change_lines
from subprocessors.models import (
    ChangeNotice,
    NoticeDelivery,
    NoticeDispatch,
    NoticeOrganisation,
    Subscription,
    Topic,
)
from trustcentre.accounts.models import Membership
from trustcentre.jobs.queueing import enqueue_after_commit
from trustcentre.notifications.models import OutboxMessage
from trustcentre.notifications.services import email_enqueue, email_enqueue_many

logger = logging.getLogger(__name__)

DStatus = NoticeDispatch.Status
STALE_AFTER = timedelta(minutes=5)
EMAIL_TEMPLATE = "subprocessors/notice_announced"


def attach_to_dispatch(*, notice: ChangeNotice, now) -> NoticeDispatch:
    """Join the dispatch still collecting, or open one that closes after the window (inside the
    announcing transaction). Its task is queued for when the window closes."""
    dispatch = (
        NoticeDispatch.objects.select_for_update()
        .filter(status=DStatus.COLLECTING, send_after__gt=now)
        .order_by("send_after")
        .first()
    )
    if dispatch is None:
        dispatch = NoticeDispatch.objects.create(
            send_after=now + timedelta(seconds=settings.SUBPROCESSOR_COALESCE_SECONDS)
        )
        _schedule(dispatch)
    notice.dispatch = dispatch
    notice.save(update_fields=["dispatch"])
    return dispatch


def _schedule(dispatch: NoticeDispatch) -> None:
    from subprocessors.tasks import run_dispatch

    enqueue_after_commit(
        run_dispatch,
        dispatch.pk,
        eta=dispatch.send_after,
        description=f"dispatch {dispatch.public_id}",
    )


def dispatches_due(*, now=None, stale_after: timedelta = STALE_AFTER) -> list[int]:
    """Dispatches whose window closed, and those whose worker stopped mid-way (no heartbeat for
    `stale_after`). Re-running one that is in fact still going costs queries, never emails."""
    now = now or timezone.now()
    return list(
        NoticeDispatch.objects.filter(
            Q(status=DStatus.COLLECTING, send_after__lte=now)
            | Q(status=DStatus.SENDING, heartbeat_at__lte=now - stale_after)
        ).values_list("pk", flat=True)
    )


@dataclass
class Recipient:
    email: str
    organisation: object = None
    user: object = None
    subscription: Subscription | None = None
    notices: list = field(default_factory=list)


def _recipients(notices: list[ChangeNotice]) -> list[Recipient]:
    """Every address once, in a fixed order. An admin's organisation is the one notified; a
    subscriber's is the one it subscribed for in the portal (else the default window)."""
    by_email: dict[str, Recipient] = {}
    organisation_ids = set(
        NoticeOrganisation.objects.filter(notice__in=notices).values_list(
            "organisation_id", flat=True
        )
    )
    admins = (
        Membership.objects.filter(organisation_id__in=organisation_ids, role=Membership.Role.ADMIN)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__email")
    )
    for membership in admins:
        email = membership.user.email.lower()
        by_email.setdefault(
            email,
            Recipient(email=email, organisation=membership.organisation, user=membership.user),
        )
    subscriptions = Subscription.objects.for_topic(Topic.SUBPROCESSOR_CHANGES).select_related(
        "organisation", "user"
    )
    for subscription in subscriptions.iterator(chunk_size=2000):
        email = subscription.email.lower()
        recipient = by_email.get(email)
        if recipient is None:
            by_email[email] = Recipient(
                email=email,
                organisation=subscription.organisation,
                user=subscription.user,
                subscription=subscription,
            )
        else:
            recipient.subscription = subscription
    return [by_email[email] for email in sorted(by_email)]


def dispatch_run(*, dispatch_id: int, now=None) -> NoticeDispatch | None:
    """Write the emails of a dispatch whose window has closed. None when it is not due."""
    now = now or timezone.now()
    claimed = NoticeDispatch.objects.filter(
        Q(status=DStatus.COLLECTING, send_after__lte=now) | Q(status=DStatus.SENDING),
        pk=dispatch_id,
    ).update(status=DStatus.SENDING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    dispatch = NoticeDispatch.objects.get(pk=dispatch_id)
    notices = list(
        ChangeNotice.objects.filter(dispatch=dispatch, status=ChangeNotice.Status.ANNOUNCED)
        .select_related("subprocessor", "replaces")
        .order_by("announced_at", "pk")
    )
    recipients = _recipients(notices) if notices else []
    deadlines = {
        (row.notice_id, row.organisation_id): row.objection_deadline
        for row in NoticeOrganisation.objects.filter(notice__in=notices)
    }
    # Worked out once per notice, not once per address.
    changes = {notice.pk: change_lines(notice) for notice in notices}
    NoticeDispatch.objects.filter(pk=dispatch.pk).update(recipients_total=len(recipients))
    cause = f"subprocessor-dispatch:{dispatch.public_id}"
    chunk_size = max(settings.SUBPROCESSOR_FANOUT_CHUNK, 1)
    done = 0
    for start in range(0, len(recipients), chunk_size):
        chunk = recipients[start : start + chunk_size]
        already = set(
            OutboxMessage.objects.filter(
                cause=cause, to_email__in=[r.email for r in chunk]
            ).values_list("to_email", flat=True)
        )
        todo = [r for r in chunk if r.email not in already]
        try:
            with transaction.atomic():
                _write_chunk(
                    recipients=todo,
                    notices=notices,
                    deadlines=deadlines,
                    changes=changes,
                    cause=cause,
                )
                done = start + len(chunk)
                NoticeDispatch.objects.filter(pk=dispatch.pk).update(
                    recipients_done=done, heartbeat_at=timezone.now()
                )
        except IntegrityError:
            # Another run wrote some of these at the same moment: one by one, each insert
            # guarded by the constraints.
            with transaction.atomic():
                for recipient in todo:
                    _write_email(
                        recipient=recipient,
                        notices=notices,
                        deadlines=deadlines,
                        changes=changes,
                        cause=cause,
                    )
    with transaction.atomic():
        organisation_ids = {r.organisation.pk for r in recipients if r.organisation is not None}
        NoticeOrganisation.objects.filter(
            notice__in=notices, organisation_id__in=organisation_ids, notified_at__isnull=True
        ).update(notified_at=timezone.now())
        NoticeDispatch.objects.filter(pk=dispatch.pk).update(
            status=DStatus.DONE, finished_at=timezone.now(), recipients_done=len(recipients)
        )
    dispatch.refresh_from_db()
    return dispatch


def _write_chunk(*, recipients: list[Recipient], notices, deadlines, changes, cause) -> None:
    """The fast path: the chunk's delivery rows in one INSERT (it fails as a whole if any of
    them exists, and the caller falls back to one by one), the emails in another."""
    if not recipients or not notices:
        return
    NoticeDelivery.objects.bulk_create(
        [
            NoticeDelivery(notice=notice, email=r.email, organisation=r.organisation)
            for r in recipients
            for notice in notices
        ]
    )
    ids = email_enqueue_many(
        [
            _email_item(
                recipient=r, fresh=notices, deadlines=deadlines, changes=changes, cause=cause
            )
            for r in recipients
        ]
    )
    links = list(
        NoticeDelivery.objects.filter(notice__in=notices, email__in=[r.email for r in recipients])
    )
    for link in links:
        link.outbox_message_id = ids.get((cause, link.email))
    NoticeDelivery.objects.bulk_update(links, ["outbox_message"], batch_size=500)


def _new_notices_for(recipient: Recipient, notices: list[ChangeNotice]) -> list[ChangeNotice]:
    """Record a delivery row per notice; a notice this address already got (the constraint
    says so) is left out."""
    fresh = []
    for notice in notices:
        try:
            with transaction.atomic():
                NoticeDelivery.objects.create(
                    notice=notice, email=recipient.email, organisation=recipient.organisation
                )
        except IntegrityError:
            continue
        fresh.append(notice)
    return fresh


def _email_item(*, recipient: Recipient, fresh, deadlines, changes, cause) -> dict:
    """The outbox item for one address: its notices, each with its organisation's deadline."""
    from subprocessors.services.subscriptions import subscription_email_headers, unsubscribe_url

    organisation = recipient.organisation
    items = []
    for notice in fresh:
        deadline = None
        if organisation is not None:
            deadline = deadlines.get((notice.pk, organisation.pk))
        items.append(
            {
                "notice": notice,
                "deadline": deadline or notice.objection_deadline,
                "changes": changes[notice.pk],
                "url": settings.SITE_URL
                + reverse("subprocessors:notice", kwargs={"public_id": notice.public_id}),
                "ics_url": settings.SITE_URL
                + reverse("subprocessors:notice_ics", kwargs={"public_id": notice.public_id}),
            }
        )
    headers = {}
    context = {
        "name": (recipient.user.full_name if recipient.user else "") or "",
        "organisation_name": organisation.name if organisation is not None else "",
        "items": items,
        "portal_url": settings.SITE_URL + reverse("subprocessors_portal:home"),
        # The reader's own clock when they chose one, else the portal's (labelled either way).
        "time_zone": (recipient.user.time_zone if recipient.user else "") or settings.TIME_ZONE,
    }
    if recipient.subscription is not None:
        headers = subscription_email_headers(recipient.subscription)
        context["unsubscribe_url"] = unsubscribe_url(recipient.subscription)
    return {
        "to": recipient.email,
        "template": EMAIL_TEMPLATE,
        "context": context,
        "cause": cause,
        "recipient": recipient.user,
        "organisation": organisation,
        "headers": headers,
    }


def _write_email(*, recipient: Recipient, notices, deadlines, changes, cause) -> None:
    fresh = _new_notices_for(recipient, notices)
    if not fresh:
        return
    message = email_enqueue(
        **_email_item(
            recipient=recipient, fresh=fresh, deadlines=deadlines, changes=changes, cause=cause
        )
    )
    NoticeDelivery.objects.filter(notice__in=fresh, email=recipient.email).update(
        outbox_message=message
    )
