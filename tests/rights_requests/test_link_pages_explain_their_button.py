"""A link from an email opens a page that says, in one sentence, what its button does; opening
the page (as a mail scanner does) changes nothing."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from rights_requests import services as rights_services
from rights_requests.models import RequestStatus, RightsRequest
from subprocessors import services as subscription_services
from subprocessors.models import Subscription
from tests.rights_requests.conftest import verify_token

pytestmark = pytest.mark.django_db


def explanation(page: str) -> str:
    found = re.search(r"<p data-button-explains>([^<]+)</p>", page)
    assert found, "the page explains its button"
    sentence = found.group(1).strip()
    assert sentence.count(".") == 1 and sentence.endswith(".")  # one sentence
    return sentence


def test_the_subscription_confirmation_page(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/subprocessors/subscribe/",
            {"email": "reader@example.org", "topics": ["subprocessor_changes"]},
        )
    path = re.search(r"/subprocessors/subscribe/confirm/[^/\s]+/", mail.outbox[0].body).group(0)
    page = client.get(path).content.decode()
    subscription = Subscription.objects.get()
    assert "The button below starts these emails" in explanation(page)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING


def test_the_unsubscribe_page(client):
    subscription = Subscription.objects.create(
        email="reader@example.org",
        topics=["subprocessor_changes"],
        status=Subscription.Status.VERIFIED,
        confirmed_at=timezone.now(),
    )
    token = subscription_services.unsubscribe_token(subscription)
    page = client.get(f"/subprocessors/unsubscribe/{token}/").content.decode()
    assert "stops every email to this address" in explanation(page)
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_the_rights_request_confirmation_page(client):
    rights_services.rights_request_file(
        type="access", jurisdiction="eu_gdpr", name="Jane", email="jane@example.org"
    )
    page = client.get(f"/privacy/requests/confirm/{verify_token('jane@example.org')}/")
    assert "confirms the address and sends your request" in explanation(page.content.decode())
    assert RightsRequest.objects.get().status == RequestStatus.UNVERIFIED


def test_the_status_link_page(client, file_request):
    rr = file_request(email="s@example.org")
    link = rights_services.status_link(rr)
    path = re.search(r"/privacy/requests/open/[^/]+/", link).group(0)
    page = client.get(path).content.decode()
    assert "opens your request's page in this browser" in explanation(page)
    # Nothing was used: the button still opens the page.
    assert client.post(path).status_code == 302
