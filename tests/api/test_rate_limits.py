"""Drill R14: 500 requests a minute per key, counted atomically; anonymous writes limited per IP."""

import threading
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tests.api.conftest import bearer, is_problem
from tests.conftest import THROTTLE_WINDOW_START
from trustcentre.accounts import throttling

URL = "/api/v1/organisation/"
WINDOW_START = THROTTLE_WINDOW_START


@pytest.fixture
def clock(throttle_clock):
    return throttle_clock


def test_a_key_gets_500_requests_a_minute_and_no_more(clock, key_a):
    request = SimpleNamespace(auth=key_a[0])
    throttle = throttling.ApiKeyRateThrottle()
    allowed = [throttle.allow_request(request, None) for _ in range(501)]
    assert allowed[:500] == [True] * 500
    assert allowed[500] is False
    clock.now = WINDOW_START + 60
    assert throttle.allow_request(request, None) is True


def test_the_operator_can_lower_the_limit(clock, key_a, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    request = SimpleNamespace(auth=key_a[0])
    throttle = throttling.ApiKeyRateThrottle()
    assert [throttle.allow_request(request, None) for _ in range(4)] == [True, True, True, False]


def test_the_501st_request_in_a_minute_is_429_and_other_keys_are_unaffected(
    client, clock, key_a, key_b
):
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    for number in range(limit):
        # A different X-Forwarded-For each time: the bucket is the key, not the address.
        response = client.get(
            URL, **bearer(key_a[1]), HTTP_X_FORWARDED_FOR=f"198.51.100.{number % 250}"
        )
        assert response.status_code == 200, (number, response.content)

    response = client.get(URL, **bearer(key_a[1]), HTTP_X_FORWARDED_FOR="203.0.113.99")
    body = is_problem(response, 429)
    assert body["type"].endswith("/api/problems/rate-limited")
    assert response["Retry-After"] == "50"  # seconds to the end of the window

    assert client.get(URL, **bearer(key_b[1])).status_code == 200

    clock.now = WINDOW_START + 59.5
    assert client.get(URL, **bearer(key_a[1])).status_code == 429
    assert client.get(URL, **bearer(key_a[1]))["Retry-After"] == "1"

    clock.now = WINDOW_START + 60
    assert client.get(URL, **bearer(key_a[1])).status_code == 200


def test_refused_keys_do_not_count_against_the_real_key(client, clock, key_a):
    # Someone hammering with a wrong secret is answered 401 without using up the key's budget.
    wrong = key_a[1][:-4] + ("AAAA" if not key_a[1].endswith("AAAA") else "BBBB")
    for _ in range(3):
        assert client.get(URL, **bearer(wrong)).status_code == 401
    cache_key = f"throttle:api-key:{key_a[0].pk}:60:{int(clock.now // 60)}"
    assert cache.get(cache_key) is None
    # The right secret is counted under that key, the first of its 500.
    assert client.get(URL, **bearer(key_a[1])).status_code == 200
    assert cache.get(cache_key) == 1


def test_600_concurrent_requests_let_exactly_500_through(clock, key_a):
    """The counter is atomic: no two requests read the same count (unlike DRF's history list)."""
    api_key = key_a[0]
    request = SimpleNamespace(auth=api_key)
    allowed = []
    barrier = threading.Barrier(20)

    def worker():
        barrier.wait()
        for _ in range(30):
            allowed.append(throttling.ApiKeyRateThrottle().allow_request(request, None))

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 600
    assert allowed.count(True) == settings.API_RATE_LIMIT_PER_MINUTE


# Anonymous writes: a public endpoint that accepts POST, as the subscription and rights-request
# endpoints will.


class PublicWrite(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"received": True}, status=202)


urlpatterns = [path("api/v1/public-write/", PublicWrite.as_view())]
PUBLIC = "/api/v1/public-write/"


@pytest.mark.urls(__name__)
def test_anonymous_writes_are_limited_per_ip(client, clock, db):
    limit = settings.ANONYMOUS_WRITE_LIMIT_PER_MINUTE
    for number in range(limit):
        response = client.post(
            PUBLIC,
            {},
            content_type="application/json",
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{number}",  # spoofed: ignored with NUM_PROXIES=0
        )
        assert response.status_code == 202, number

    response = client.post(
        PUBLIC,
        {},
        content_type="application/json",
        REMOTE_ADDR="192.0.2.10",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    is_problem(response, 429)
    assert int(response["Retry-After"]) == 50

    # Reading is not limited, and another address has its own budget.
    assert client.get(PUBLIC, REMOTE_ADDR="192.0.2.10").status_code == 200
    other = client.post(PUBLIC, {}, content_type="application/json", REMOTE_ADDR="192.0.2.11")
    assert other.status_code == 202

    clock.now = WINDOW_START + 60
    again = client.post(PUBLIC, {}, content_type="application/json", REMOTE_ADDR="192.0.2.10")
    assert again.status_code == 202


@pytest.mark.urls(__name__)
def test_behind_one_proxy_the_address_it_appended_counts(client, clock, db, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.ANONYMOUS_WRITE_LIMIT_PER_MINUTE = 2

    def post(forwarded_for):
        return client.post(
            PUBLIC,
            {},
            content_type="application/json",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    # The client put its own fake address first; the proxy appended the real one.
    assert post("1.1.1.1, 192.0.2.50").status_code == 202
    assert post("2.2.2.2, 192.0.2.50").status_code == 202
    assert post("3.3.3.3, 192.0.2.50").status_code == 429
    assert post("3.3.3.3, 192.0.2.51").status_code == 202


def test_signed_in_or_key_holding_callers_are_not_anonymous_writers():
    throttle = throttling.AnonymousWriteThrottle()
    request = SimpleNamespace(method="POST", user=SimpleNamespace(is_authenticated=True))
    assert all(throttle.allow_request(request, None) for _ in range(100))
