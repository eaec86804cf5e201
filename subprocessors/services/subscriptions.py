"""Email subscriptions to the topics: double opt-in, one-click unsubscribe (RFC 8058), the
portal's own management, and the small service other apps use to mail a topic's subscribers
(`subscribers_for`, `subscription_email_enqueue`).

Tokens: the confirmation link is signed, single-purpose, expires, and is stored only as a hash
(so it works once). The unsubscribe link is signed and does not expire (RFC 8058 wants it to
keep working); it names the subscription, and deleting the subscription ends it."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from subprocessors.models import Subscription, Topic, token_hash
from trustcentre.audit.services import audit_record
from trustcentre.lib.signed_links import (
    BadSignature,
    SignatureExpired,
    make_signed_token,
    read_signed_token,
)
from trustcentre.notifications.services import email_enqueue

CONFIRM_PURPOSE = "subscription-confirm"
UNSUBSCRIBE_SALT = "trustcentre.signed-link.subscription-unsubscribe"


class SubscriptionTokenInvalid(Exception):
    """Tampered with, made for something else, or already used."""


def _clean(email: str, topics) -> tuple[str, list[str]]:
    errors = {}
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address, like name@example.com.")]
    topics = [t for t in dict.fromkeys(topics or []) if t]
    if not topics:
        errors["topics"] = [_("Choose at least one topic.")]
    elif any(t not in Topic.values for t in topics):
        errors["topics"] = [
            _("Unknown topic. The topics are: %(topics)s.") % {"topics": ", ".join(Topic.values)}
        ]
    if errors:
        raise ValidationError(errors)
    return email, topics


def subscription_request(*, email: str, topics, request=None) -> None:
    """Ask for a subscription. The answer is the same whether or not the address is known; a
    confirmation email follows (at most one per address within SUBSCRIPTION_RESEND_SECONDS)."""
    email, topics = _clean(email, topics)
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                subscription, _created = Subscription.objects.get_or_create(email=email)
        except IntegrityError:
            subscription = Subscription.objects.get(email=email)
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        recent = (
            subscription.confirmation_sent_at
            and subscription.confirmation_sent_at
            > now - timedelta(seconds=settings.SUBSCRIPTION_RESEND_SECONDS)
        )
        if recent:
            # Topics asked for again are added to what the pending link confirms.
            subscription.pending_topics = sorted({*subscription.pending_topics, *topics})
            subscription.save(update_fields=["pending_topics"])
            return
        if subscription.status == Subscription.Status.VERIFIED and set(topics) <= set(
            subscription.topics
        ):
            return
        nonce = secrets.token_urlsafe(16)
        token = make_signed_token(CONFIRM_PURPOSE, f"{subscription.public_id}.{nonce}")
        subscription.pending_topics = sorted(set(topics))
        subscription.confirm_token_hash = token_hash(token)
        subscription.confirmation_sent_at = now
        subscription.save(
            update_fields=["pending_topics", "confirm_token_hash", "confirmation_sent_at"]
        )
        audit_record(
            action="subscription.requested",
            obj=subscription,
            request=request,
            details={"topics": topics},
        )
        email_enqueue(
            to=email,
            template="subprocessors/subscription_confirm",
            context={
                "confirm_url": settings.SITE_URL
                + reverse("subprocessors:confirm", kwargs={"token": token}),
                "topics": [str(Topic(t).label) for t in subscription.pending_topics],
                "hours": settings.SUBSCRIPTION_CONFIRM_MAX_AGE // 3600,
            },
            cause=f"subscription-confirm:{subscription.public_id}:{nonce}",
        )


def _subscription_for_confirm_token(token: str) -> Subscription:
    """Raises SignatureExpired, or SubscriptionTokenInvalid."""
    try:
        value = read_signed_token(CONFIRM_PURPOSE, token, settings.SUBSCRIPTION_CONFIRM_MAX_AGE)
    except SignatureExpired:
        raise
    except BadSignature as error:
        raise SubscriptionTokenInvalid from error
    public_id = value.split(".", 1)[0]
    subscription = Subscription.objects.filter(
        public_id=public_id, confirm_token_hash=token_hash(token)
    ).first()
    if subscription is None:
        raise SubscriptionTokenInvalid
    return subscription


def subscription_check_confirm_token(token: str) -> Subscription:
    """For the confirmation page's GET: valid or not, nothing changes."""
    return _subscription_for_confirm_token(token)


def subscription_confirm(*, token: str, request=None) -> Subscription:
    with transaction.atomic():
        subscription = _subscription_for_confirm_token(token)
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.confirm_token_hash != token_hash(token):
            raise SubscriptionTokenInvalid
        subscription.topics = sorted({*subscription.topics, *subscription.pending_topics})
        subscription.pending_topics = []
        subscription.confirm_token_hash = ""
        subscription.status = Subscription.Status.VERIFIED
        subscription.confirmed_at = timezone.now()
        subscription.save(
            update_fields=[
                "topics",
                "pending_topics",
                "confirm_token_hash",
                "status",
                "confirmed_at",
            ]
        )
        audit_record(
            action="subscription.confirmed",
            obj=subscription,
            request=request,
            details={"topics": subscription.topics},
        )
    return subscription


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscription.public_id))


def unsubscribe_url(subscription: Subscription) -> str:
    return settings.SITE_URL + reverse(
        "subprocessors:unsubscribe", kwargs={"token": unsubscribe_token(subscription)}
    )


def subscription_email_headers(subscription: Subscription) -> dict:
    """RFC 2369 and RFC 8058 headers: mail clients offer one-click unsubscribe with them."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscription)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def subscription_for_unsubscribe_token(token: str) -> Subscription | None:
    """The subscription, None when it no longer exists; SubscriptionTokenInvalid when the token
    is not ours."""
    try:
        public_id = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except BadSignature as error:
        raise SubscriptionTokenInvalid from error
    return Subscription.objects.filter(public_id=public_id).first()


def subscription_unsubscribe(*, token: str, request=None) -> bool:
    """Delete the subscription (nothing of it is kept). True when there was one."""
    with transaction.atomic():
        subscription = subscription_for_unsubscribe_token(token)
        if subscription is None:
            return False
        audit_record(action="subscription.unsubscribed", obj=subscription, request=request)
        subscription.delete()
    return True


def subscription_set_topics(
    *, user, topics, organisation=None, request=None
) -> Subscription | None:
    """The portal: a signed-in user subscribes their own (verified) address directly, or
    unsubscribes by choosing no topic."""
    email = user.email.lower()
    topics = [t for t in dict.fromkeys(topics or []) if t in Topic.values]
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(email=email).first()
        if not topics:
            if subscription is not None:
                audit_record(
                    action="subscription.unsubscribed",
                    actor=user,
                    obj=subscription,
                    request=request,
                )
                subscription.delete()
            return None
        if subscription is None:
            subscription = Subscription(email=email)
        subscription.topics = sorted(topics)
        subscription.pending_topics = []
        subscription.confirm_token_hash = ""
        subscription.status = Subscription.Status.VERIFIED
        subscription.confirmed_at = subscription.confirmed_at or timezone.now()
        subscription.user = user
        subscription.organisation = organisation
        subscription.save()
        audit_record(
            action="subscription.topics_set",
            actor=user,
            obj=subscription,
            organisation=organisation,
            request=request,
            details={"topics": subscription.topics},
        )
    return subscription


def subscriptions_delete_unverified(*, now=None) -> int:
    """Addresses never confirmed are personal data we have no reason to keep."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.SUBSCRIPTION_UNVERIFIED_DAYS)
    deleted, _ = Subscription.objects.filter(
        status=Subscription.Status.PENDING, created_at__lt=limit
    ).delete()
    Subscription.objects.filter(
        status=Subscription.Status.VERIFIED, confirmation_sent_at__lt=limit
    ).exclude(confirm_token_hash="").update(pending_topics=[], confirm_token_hash="")
    return deleted


# For other apps (DPA updates, security notices) -------------------------------------------


def subscribers_for(topic: str):
    """The verified subscriptions of a topic (Topic.DPA_UPDATES, Topic.SECURITY_NOTICES, ...)."""
    if topic not in Topic.values:
        raise ValueError(f"unknown topic {topic!r}")
    return Subscription.objects.for_topic(topic).order_by("email")


def subscription_email_enqueue(
    *, subscription: Subscription, template: str, context: dict, cause: str
):
    """Write one email to a subscriber through the outbox, with the unsubscribe headers and
    `unsubscribe_url` in the context. Call it inside the transaction of the change."""
    return email_enqueue(
        to=subscription.email,
        template=template,
        context={**context, "unsubscribe_url": unsubscribe_url(subscription)},
        cause=cause,
        recipient=subscription.user,
        organisation=subscription.organisation,
        headers=subscription_email_headers(subscription),
    )
