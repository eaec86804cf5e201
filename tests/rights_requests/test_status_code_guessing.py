"""The status page's one-time code cannot be guessed: every wrong try is counted for good, a
code dies after five, only the newest code works, and tries are limited per reference and per
client address, with one answer that does not say which part was wrong."""

import re

import pytest
from django.urls import reverse

from rights_requests import services
from rights_requests.models import RequesterChallenge
from tests.rights_requests.conftest import last_email

pytestmark = pytest.mark.django_db

EMAIL = "s@example.org"
REFUSED = "This code is not right, was used already, or has expired."
TOO_MANY = "Too many codes were tried"


def status_url(reference):
    return reverse("rights_requests:status", kwargs={"reference": reference})


def ask_for_code(client, rr) -> str:
    client.post(status_url(rr.reference), {"email": EMAIL})
    return re.search(r"code is (\d{6})", last_email(EMAIL).body_text).group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_wrong_code_is_counted_even_though_the_check_is_refused(client, file_request):
    rr = file_request(email=EMAIL)
    code = ask_for_code(client, rr)
    for _ in range(3):
        page = client.post(status_url(rr.reference), {"code": wrong(code)})
        assert REFUSED in page.content.decode()
    challenge = RequesterChallenge.objects.get(
        request=rr, purpose=RequesterChallenge.Purpose.STATUS_CODE
    )
    assert challenge.attempts == 3


def test_a_code_dies_after_five_wrong_tries(client, file_request):
    rr = file_request(email=EMAIL)
    code = ask_for_code(client, rr)
    for _ in range(5):
        with pytest.raises(services.ProofFailed):
            services.status_code_check(reference=rr.reference, code=wrong(code))
    with pytest.raises(services.ProofFailed):
        services.status_code_check(reference=rr.reference, code=code)

    fresh = ask_for_code(client, rr)
    assert services.status_code_check(reference=rr.reference, code=fresh) == rr


def test_a_new_code_replaces_the_old_one(client, file_request):
    rr = file_request(email=EMAIL)
    first = ask_for_code(client, rr)
    second = ask_for_code(client, rr)
    if first == second:  # one chance in a million: ask once more
        second = ask_for_code(client, rr)
    with pytest.raises(services.ProofFailed):
        services.status_code_check(reference=rr.reference, code=first)
    assert services.status_code_check(reference=rr.reference, code=second) == rr


def test_tries_are_limited_per_reference_whatever_the_address(client, file_request, settings):
    settings.RIGHTS_REQUEST_CODE_CHECKS_PER_REFERENCE_PER_HOUR = 4
    rr = file_request(email=EMAIL)
    code = ask_for_code(client, rr)
    for n in range(4):
        client.post(status_url(rr.reference), {"code": "000000"}, REMOTE_ADDR=f"198.51.100.{n}")
    page = client.post(status_url(rr.reference), {"code": code}, REMOTE_ADDR="198.51.100.99")
    assert TOO_MANY in page.content.decode()
    assert "Summary" not in page.content.decode()
    challenge = RequesterChallenge.objects.get(
        request=rr, purpose=RequesterChallenge.Purpose.STATUS_CODE
    )
    assert challenge.used_at is None


def test_tries_are_limited_per_address_across_references(client, file_request, settings):
    settings.RIGHTS_REQUEST_CODE_CHECKS_PER_IP_PER_HOUR = 3
    rr = file_request(email=EMAIL)
    code = ask_for_code(client, rr)
    for reference in ("RR-AAAA-BBBB-CCCC-0001", "RR-AAAA-BBBB-CCCC-0002", "RR-AAAA-BBBB-CCCC-0003"):
        client.post(status_url(reference), {"code": "123456"})
    page = client.post(status_url(rr.reference), {"code": code})
    assert TOO_MANY in page.content.decode()


def test_the_refusal_is_the_same_for_an_unknown_reference_and_a_wrong_code(client, file_request):
    rr = file_request(email=EMAIL)
    code = ask_for_code(client, rr)
    unknown = client.post(status_url("RR-AAAA-BBBB-CCCC-DDDD"), {"code": code}).content.decode()
    wrong_code = client.post(status_url(rr.reference), {"code": wrong(code)}).content.decode()
    assert REFUSED in unknown and REFUSED in wrong_code


def test_the_client_address_is_stored_only_as_a_keyed_digest(file_request, settings):
    import hashlib

    rr = services.rights_request_file(
        type="access",
        jurisdiction="eu_gdpr",
        name="Jane Subject",
        email="k@example.org",
        ip_address="203.0.113.7",
    )
    assert rr.ip_hash
    assert rr.ip_hash != hashlib.sha256(b"203.0.113.7").hexdigest()
    settings.SECRET_KEY = "another-secret-key-of-enough-length-for-django-" + "x" * 20
    from rights_requests.services.intake import hash_ip

    assert hash_ip("203.0.113.7") != rr.ip_hash
