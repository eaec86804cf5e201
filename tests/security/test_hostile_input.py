"""Hostile bytes at every public form and anonymous API operation: never an answer of 5xx, and a
refused request creates nothing. Beside schemathesis (which keeps to the schema), this sends
what the schema forbids: lone surrogates, NUL, overlong fields, wrong types, invalid UTF-8,
huge numbers and unknown Host headers."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from rights_requests.models import RightsRequest
from subprocessors.models import Subscription
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

LONE_SURROGATE = "\ud800"
OVERLONG = "a" * 100_000
# Strings a form field may receive; each is sent in every field of every form.
HOSTILE_STRINGS = [
    "\x00",
    "a\x00b@example.org",
    OVERLONG,
    "a" * 300 + "@example.org",
    "%ED%A0%80",  # a surrogate, percent-encoded
    "\u202e\ufeff\u0301",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "9" * 400,
]
# JSON values of the wrong kind, or that no JSON consumer can hold.
HOSTILE_JSON_VALUES = [
    LONE_SURROGATE,
    [LONE_SURROGATE],
    {LONE_SURROGATE: LONE_SURROGATE},
    "\x00",
    OVERLONG,
    10**400,
    -(10**400),
    1e308,
    None,
    True,
    [],
    {},
    [[[[[[[[[[[]]]]]]]]]]],
]
INVALID_BODIES = [
    b"\xff\xfe\xfd",
    b'{"type": "\xed\xa0\x80"}',  # a surrogate encoded as UTF-8: not UTF-8
    b'{"type": ',
    b"[" * 5000,
    b"\x00" * 64,
    b'{"email": "a@example.org", "topics": "\\ud800"}',
]

PUBLIC_FORMS = {
    "/privacy/requests/new/": ["type", "name", "email", "jurisdiction", "company_name", "details"],
    "/subprocessors/subscribe/": ["email", "topics"],
    "/accounts/signup/": ["email", "password1", "password2", "full_name"],
    "/accounts/login/": ["login", "password"],
    "/accounts/password/reset/": ["email"],
    "/privacy/requests/RR-AAAA-BBBB-CCCC-DDDD/": ["email", "code"],
}
ANONYMOUS_WRITES = {
    "/api/v1/rights-requests/": {
        "type": "access",
        "email": "subject@example.org",
        "name": "Jane",
        "jurisdiction": "eu_gdpr",
        "details": "",
    },
    "/api/v1/subprocessors/subscriptions/": {
        "email": "reader@example.org",
        "topics": ["subprocessor_changes"],
    },
}
ANONYMOUS_READS = [
    "/",
    "/api/v1/subprocessors/",
    "/api/v1/subprocessors/changes/",
    "/api/v1/documents/",
    "/api/v1/data-act/register/",
    "/api/v1/retention-schedule/",
    "/retention/",
    "/subprocessors/",
    "/documents/",
    "/subprocessors/versions/compare/",
]


def created_rows() -> tuple[int, ...]:
    return (
        RightsRequest.objects.count(),
        Subscription.objects.count(),
        get_user_model().objects.count(),
        OutboxMessage.objects.count(),
    )


@pytest.fixture
def hostile_client(client, settings):
    # A refusal must be an answer, not an exception; and no limit may hide a 500 behind a 429.
    client.raise_request_exception = False
    settings.ANONYMOUS_WRITE_LIMIT_PER_MINUTE = 100_000
    settings.RIGHTS_REQUEST_INTAKE_PER_IP_PER_HOUR = 100_000
    settings.RIGHTS_REQUEST_INTAKE_PER_EMAIL_PER_HOUR = 100_000
    settings.ACCOUNT_RATE_LIMITS = False
    return client


@pytest.mark.parametrize("path", list(PUBLIC_FORMS))
def test_public_forms_never_answer_5xx_and_create_nothing_when_refused(hostile_client, path):
    before = created_rows()
    for value in HOSTILE_STRINGS:
        for field in PUBLIC_FORMS[path]:
            data = {name: "x" for name in PUBLIC_FORMS[path]}
            data[field] = value
            response = hostile_client.post(path, data)
            assert response.status_code < 500, (path, field, value[:40], response.status_code)
            if response.status_code >= 400 or response.status_code == 200:
                # 200 here is the form again with its errors: nothing was accepted.
                assert created_rows() == before, (path, field, value[:40])


@pytest.mark.parametrize("path", list(PUBLIC_FORMS))
def test_public_forms_survive_invalid_bytes(hostile_client, path):
    before = created_rows()
    for body in INVALID_BODIES:
        for content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/plain",
        ):
            response = hostile_client.generic("POST", path, body, content_type=content_type)
            assert response.status_code < 500, (path, content_type, body[:20])
    assert created_rows() == before


@pytest.mark.parametrize("path", list(ANONYMOUS_WRITES))
def test_anonymous_api_writes_refuse_hostile_json_with_4xx_and_create_nothing(hostile_client, path):
    valid = ANONYMOUS_WRITES[path]
    before = created_rows()
    for field in valid:
        for value in HOSTILE_JSON_VALUES:
            body = json.dumps({**valid, field: value})
            response = hostile_client.post(path, body, content_type="application/json")
            assert response.status_code < 500, (path, field, repr(value)[:40], response.content)
            assert response.status_code >= 400, (path, field, repr(value)[:40])
            assert response["Content-Type"].startswith("application/problem+json")
            assert created_rows() == before, (path, field, repr(value)[:40])


@pytest.mark.parametrize("path", list(ANONYMOUS_WRITES))
def test_anonymous_api_writes_refuse_invalid_bodies(hostile_client, path):
    before = created_rows()
    for body in INVALID_BODIES:
        response = hostile_client.generic("POST", path, body, content_type="application/json")
        assert response.status_code == 400, (path, body[:20], response.status_code)
        assert response["Content-Type"].startswith("application/problem+json")
    assert created_rows() == before


def test_a_lone_surrogate_in_a_choice_is_a_clear_400(hostile_client):
    body = json.dumps({**ANONYMOUS_WRITES["/api/v1/rights-requests/"], "type": LONE_SURROGATE})
    response = hostile_client.post(
        "/api/v1/rights-requests/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "surrogate" in response.json()["detail"]


@pytest.mark.parametrize("path", ANONYMOUS_READS)
def test_anonymous_reads_survive_hostile_query_strings(hostile_client, path):
    for query in (
        "cursor=%00",
        "cursor=%ED%A0%80",
        "cursor=" + "A" * 5000,
        "page=99999999999999999999999",
        "page=-1",
        "page=%FF",
        "old=%00&new=" + "9" * 400,
        "old=1e999&new=NaN",
        "q=%00",
        "faq=%00",
    ):
        response = hostile_client.get(f"{path}?{query}")
        assert response.status_code < 500, (path, query[:40], response.status_code)


@pytest.mark.parametrize("host", ["evil.example.com", "", "a b", "[::1", "x" * 300, "\u00e9.test"])
@pytest.mark.parametrize("path", ["/", "/api/v1/subprocessors/", "/privacy/requests/new/"])
def test_an_unknown_host_is_a_400_logged_as_a_warning_without_a_traceback(
    hostile_client, host, path, caplog
):
    response = hostile_client.get(path, HTTP_HOST=host)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response["Content-Type"].startswith("application/problem+json")
    records = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert records, "the refusal is logged"
    assert all(r.levelname == "WARNING" and r.exc_info is None for r in records)


def test_sign_up_with_an_overlong_email_creates_no_account(hostile_client):
    email = "a" * 300 + "@example.org"
    response = hostile_client.post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": "correct horse battery staple 9",
            "password2": "correct horse battery staple 9",
            "full_name": "Mallory",
        },
    )
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not get_user_model().objects.exists()
    reset = hostile_client.post(reverse("account_reset_password"), {"email": email})
    assert reset.status_code == 200
    assert "at most 254 characters" in reset.content.decode()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("legal", "/staff/subprocessors/register/new/"),
        ("legal", "/staff/subprocessors/notices/new/"),
        ("dpo", "/staff/incidents/new/"),
        ("admin", "/portal/subprocessors/acme/webhooks/"),
    ],
)
def test_signed_in_forms_answer_an_empty_or_unreadable_body_with_the_form(
    hostile_client, request, who, path
):
    """A POST whose body is not a form (text/plain, or nothing) leaves the form unbound; the
    page must show the form again, not fail adding an error to it."""
    from tests.conftest import login_with_second_factor

    user = request.getfixturevalue(
        {"legal": "legal_user", "dpo": "dpo_user", "admin": "admin_a"}[who]
    )
    login_with_second_factor(hostile_client, user)
    for body, content_type in (
        (b"", "text/plain"),
        (b"\xff\x00", "text/plain"),
        (b"", "application/x-www-form-urlencoded"),
    ):
        response = hostile_client.generic("POST", path, body, content_type=content_type)
        assert response.status_code < 500, (path, content_type, response.status_code)


HOSTILE_PATH_SEGMENTS = [
    "x",
    "A" * 3000,
    "%00",
    "%ED%A0%80",
    "%FF%FE",
    "..%2F..%2Fetc%2Fpasswd",
    "a:b:c",
    "eyJhIjoxfQ:1abcde:" + "x" * 43,
]
TOKEN_AND_REFERENCE_URLS = [
    "/subprocessors/subscribe/confirm/{}/",
    "/subprocessors/unsubscribe/{}/",
    "/privacy/requests/confirm/{}/",
    "/privacy/requests/open/{}/",
    "/privacy/requests/{}/",
    "/privacy/requests/{}/reply/",
    "/privacy/requests/{}/letter.pdf",
    "/privacy/requests/RR-AAAA-BBBB-CCCC-DDDD/download/{}/",
    "/documents/download/{}/",
    "/portal/invitations/{}/",
    "/accounts/sso/{}/callback/",
    "/accounts/oidc/{}/login/",
]


@pytest.mark.parametrize("pattern", TOKEN_AND_REFERENCE_URLS)
def test_links_with_hostile_tokens_or_references_never_answer_5xx(hostile_client, pattern):
    before = created_rows()
    for segment in HOSTILE_PATH_SEGMENTS:
        path = pattern.format(segment)
        for method in ("GET", "POST"):
            response = hostile_client.generic(
                method, path, "List-Unsubscribe=One-Click", content_type="text/plain"
            )
            assert response.status_code < 500, (method, path[:80], response.status_code)
    assert created_rows() == before


# Public pages whose POST forms the fuzz above must cover; a new form on one of them, or a new
# anonymous API operation, fails these until it is added to the fuzz.
PUBLIC_PAGES = [
    "/",
    "/documents/",
    "/subprocessors/",
    "/subprocessors/subscribe/",
    "/subprocessors/changes/",
    "/subprocessors/versions/",
    "/privacy/requests/new/",
    "/privacy/requests/RR-AAAA-BBBB-CCCC-DDDD/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/data-act/",
]


def test_every_post_form_on_the_public_pages_is_fuzzed(client):
    import re

    for page in PUBLIC_PAGES:
        html = client.get(page).content.decode()
        for attributes, body in re.findall(r"<form\b([^>]*)>(.*?)</form>", html, re.S):
            if 'method="post"' not in attributes.lower():
                continue
            action = re.search(r'action="([^"]*)"', attributes)
            target = (action.group(1) if action and action.group(1) else page).split("?")[0]
            assert target in PUBLIC_FORMS, f"the form on {page} posting to {target} is not fuzzed"
            fields = set(re.findall(r'name="([^"]+)"', body)) - {"csrfmiddlewaretoken", "next"}
            assert fields <= set(PUBLIC_FORMS[target]), (target, fields)


def test_every_anonymous_api_operation_is_fuzzed(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    anonymous_writes = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            security = operation.get("security")
            if security is not None and {} not in security:
                continue
            if method == "get":
                assert "{" in path or path in ANONYMOUS_READS, f"GET {path} is not fuzzed"
            else:
                assert path in ANONYMOUS_WRITES, f"{method.upper()} {path} is not fuzzed"
                anonymous_writes.add(path)
    assert anonymous_writes == set(ANONYMOUS_WRITES)


STAFF_LISTS = [
    "/staff/rights-requests/",
    "/staff/audit/",
    "/staff/access-requests/",
    "/staff/organisations/",
    "/staff/incidents/",
    "/staff/dpa/",
    "/staff/sso/",
    "/staff/end-of-contract/",
    "/staff/subprocessors/",
    "/staff/subprocessors/register/",
    "/portal/messages/",
]
HOSTILE_QUERY_VALUES = ["%00", "%ED%A0%80", "A" * 3000, "99999999999999999999999", "-1", "%FF"]


@pytest.mark.parametrize("path", STAFF_LISTS)
def test_staff_lists_survive_hostile_filters(hostile_client, path):
    """A NUL in a filter reaches no query (PostgreSQL refuses NUL in text: that would be 500)."""
    from tests.conftest import login_with_second_factor, make_user

    staff = make_user("all.roles@provider.test", roles=["legal", "dpo", "trust_admin"])
    login_with_second_factor(hostile_client, staff)
    first = hostile_client.get(path)
    assert first.status_code == 200, (path, first.status_code)
    names = {"q", "page", "status", "action", "actor", "organisation", "type", "date_from"}
    for value in HOSTILE_QUERY_VALUES:
        query = "&".join(f"{name}={value}" for name in sorted(names))
        response = hostile_client.get(f"{path}?{query}")
        assert response.status_code < 500, (path, value[:20], response.status_code)
