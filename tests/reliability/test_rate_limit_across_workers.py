"""Drill: the API's limit of 500 requests a minute per key holds across web processes. Two
gunicorn workers count in the one Redis cache, so the 501st request of a minute is refused
whichever worker answers it (with a per-process cache each would allow 500)."""

import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import make_organisation
from tests.reliability.servers import WebServer
from trustcentre.accounts.api_keys import api_key_create

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

LIMIT = 500
EXTRA = 40


@pytest.fixture
def two_workers(worker_env, tmp_path):
    cache_url = os.environ.get("CACHE_URL", "")
    assert cache_url.startswith("redis"), "the drill needs CACHE_URL on Redis (.ci/run sets it)"
    server = WebServer({**worker_env, "CACHE_URL": cache_url}, tmp_path, workers=2)
    server.start()
    yield server
    server.stop()


def wait_for_a_fresh_minute_window():
    """The limit counts in fixed minute windows: start early in one so that every request of
    the drill falls into the same window."""
    seconds_into_window = time.time() % 60
    if seconds_into_window > 20:
        time.sleep(60 - seconds_into_window + 0.5)


def test_the_501st_request_of_a_minute_is_refused_across_two_workers(two_workers):
    import requests

    organisation = make_organisation("acme")
    _api_key, secret = api_key_create(organisation=organisation, name="load")
    headers = {"Authorization": f"Bearer {secret}"}
    url = two_workers.base_url + "/api/v1/subprocessors/"

    def call(_index):
        response = requests.get(url, headers=headers, timeout=30)
        return response.status_code, response.headers.get("Retry-After")

    wait_for_a_fresh_minute_window()
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(call, range(LIMIT + EXTRA)))

    statuses = [status for status, _retry_after in answers]
    assert statuses.count(200) == LIMIT, two_workers.log_text()[-2000:]
    assert statuses.count(429) == EXTRA
    assert all(int(retry) > 0 for status, retry in answers if status == 429)
    answered_by = {
        line.split()[0]
        for line in two_workers.log_text().splitlines()
        if line.startswith("pid=") and "/api/v1/subprocessors/" in line
    }
    assert len(answered_by) == 2, "both workers answered some of the requests"
