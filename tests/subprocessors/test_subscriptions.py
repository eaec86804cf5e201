"""Double opt-in, no enumeration, expiring single-use confirmation links, one-click unsubscribe
(RFC 8058), and unconfirmed addresses deleted after 7 days."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from subprocessors import services
from subprocessors.models import Subscription, Topic

pytestmark = pytest.mark.django_db


def subscribe(client, committed, email="reader@example.org", topics=("subprocessor_changes",)):
    with committed():
        return client.post("/subprocessors/subscribe/", {"email": email, "topics": list(topics)})


def confirm_path(message) -> str:
    return re.search(
        r"http://[^/]+(/subprocessors/subscribe/confirm/[^/\s]+/)", message.body
    ).group(1)


def test_subscribe_confirm_by_post_only(client, committed):
    response = subscribe(client, committed)
    assert response.status_code == 302 and response["Location"] == "/subprocessors/subscribe/sent/"
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    path = confirm_path(mail.outbox[0])
    subscription = Subscription.objects.get()
    assert subscription.status == Subscription.Status.PENDING
    assert path.split("/")[-2] not in subscription.confirm_token_hash  # only a hash is stored

    page = client.get(path)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and b"Confirm the subscription" in page.content
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING

    done = client.post(path)
    assert done.status_code == 200 and b"Subscription confirmed" in done.content
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.VERIFIED
    assert subscription.topics == [Topic.SUBPROCESSOR_CHANGES]
    # The link works once.
    assert client.post(path).status_code == 404


def test_the_answer_is_the_same_for_a_known_address(client, committed):
    first = subscribe(client, committed)
    Subscription.objects.update(
        status=Subscription.Status.VERIFIED, topics=["subprocessor_changes"]
    )
    second = subscribe(client, committed)
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    # No second email to an address already subscribed to those topics (and none within the
    # resend window either): nothing tells the caller whether the address was known.
    assert len(mail.outbox) == 1


def test_a_malformed_address_is_refused_and_nothing_is_stored(client, committed):
    response = subscribe(client, committed, email="not-an-address")
    assert response.status_code == 200
    assert b"Enter a valid email address" in response.content
    assert not Subscription.objects.exists() and mail.outbox == []


def test_expired_and_tampered_links_change_nothing(client, committed, settings):
    subscribe(client, committed)
    path = confirm_path(mail.outbox[0])
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert client.post(tampered).status_code == 404
    settings.SUBSCRIPTION_CONFIRM_MAX_AGE = -1
    expired = client.post(path)
    assert expired.status_code == 410 and b"expired" in expired.content
    assert Subscription.objects.get().status == Subscription.Status.PENDING


@pytest.fixture
def verified(db):
    return Subscription.objects.create(
        email="reader@example.org",
        topics=["subprocessor_changes"],
        status=Subscription.Status.VERIFIED,
        confirmed_at=timezone.now(),
    )


def test_one_click_unsubscribe_needs_no_cookie_and_does_not_redirect(verified):
    token = services.unsubscribe_token(verified)
    path = f"/subprocessors/unsubscribe/{token}/"
    browser = Client(enforce_csrf_checks=True)
    assert browser.get(path).status_code == 200
    assert Subscription.objects.filter(pk=verified.pk).exists()  # GET changes nothing
    response = browser.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.filter(pk=verified.pk).exists()
    # Still answers (the link keeps working) and a tampered token is refused.
    assert browser.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert browser.post(path[:-3] + "x/").status_code == 404


def test_announcement_email_carries_the_rfc8058_headers(verified, draft, legal_user, committed):
    from tests.subprocessors.conftest import earliest_effective

    with committed():
        services.notice_announce(notice=draft, effective_date=earliest_effective(), user=legal_user)
    (message,) = mail.outbox
    headers = message.message()
    token = services.unsubscribe_token(verified)
    assert (
        headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000/subprocessors/unsubscribe/{token}/>"
    )
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/subprocessors/unsubscribe/{token}/" in message.body


def test_unverified_subscriptions_are_deleted_after_seven_days(client, committed, verified):
    subscribe(client, committed, email="late@example.org")
    pending = Subscription.objects.get(email="late@example.org")
    services.subscriptions_delete_unverified(now=timezone.now() + datetime.timedelta(days=6))
    assert Subscription.objects.filter(pk=pending.pk).exists()
    services.subscriptions_delete_unverified(
        now=timezone.now() + datetime.timedelta(days=7, minutes=1)
    )
    assert not Subscription.objects.filter(pk=pending.pk).exists()
    assert Subscription.objects.filter(pk=verified.pk).exists()


def test_api_subscription_answers_202_and_rejects_bad_input(client, committed):
    with committed():
        response = client.post(
            "/api/v1/subprocessors/subscriptions/",
            {"email": "api@example.org", "topics": ["dpa_updates", "security_notices"]},
            content_type="application/json",
        )
    assert response.status_code == 202
    assert [m.to for m in mail.outbox] == [["api@example.org"]]
    bad = client.post(
        "/api/v1/subprocessors/subscriptions/",
        {"email": "nope", "topics": ["weather"]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    assert set(bad.json()["errors"]) == {"email", "topics"}
    assert Subscription.objects.count() == 1


def test_portal_users_manage_their_own_subscription(client, member_a, org_a):
    client.force_login(member_a)
    response = client.post("/portal/subprocessors/subscriptions/", {"topics": ["security_notices"]})
    assert response.status_code == 302
    subscription = Subscription.objects.get(email=member_a.email)
    assert subscription.status == Subscription.Status.VERIFIED
    assert subscription.organisation == org_a
    assert list(services.subscribers_for(Topic.SECURITY_NOTICES)) == [subscription]
    client.post("/portal/subprocessors/subscriptions/", {})
    assert not Subscription.objects.exists()


def test_the_form_is_limited_per_ip(client, committed):
    for n in range(10):
        assert subscribe(client, committed, email=f"r{n}@example.org").status_code == 302
    refused = subscribe(client, committed, email="r10@example.org")
    assert refused.status_code == 429
    assert not Subscription.objects.filter(email="r10@example.org").exists()


def test_a_flood_of_subscriptions_from_one_address_is_refused_with_a_message(client, committed):
    from subprocessors.views_public import SUBSCRIBE_LIMIT_PER_MINUTE

    for number in range(SUBSCRIBE_LIMIT_PER_MINUTE):
        assert subscribe(client, committed, email=f"reader{number}@example.org").status_code == 302
    refused = subscribe(client, committed, email="one-more@example.org")
    assert refused.status_code == 429  # the form again, with the reason
    assert "Too many requests from your network" in refused.content.decode()
    assert not Subscription.objects.filter(email="one-more@example.org").exists()
    assert Subscription.objects.count() == SUBSCRIBE_LIMIT_PER_MINUTE
