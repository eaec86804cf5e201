"""The machinery of the permission matrix: signed-in clients for each actor, one request per
(route, actor), the answer reduced to a short code, and a fingerprint of the database that
tells whether a refused request changed anything."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.apps import apps
from django.test import Client

from tests.conftest import (
    login_with_second_factor,
    sign_in_with_password,
    sign_in_with_password_and_code,
)

ACTORS = (
    "anonymous",
    "prospect",
    "member_a",
    "admin_a",
    "admin_b",
    "legal",
    "dpo",
    "trust_admin",
    "staff_no_2fa",
)
STAFF = ("legal", "dpo", "trust_admin")
CUSTOMER_ADMINS = ("admin_a", "admin_b")


def clients_for(world) -> dict[str, Client]:
    clients = {}
    for actor in ACTORS:
        client = Client(raise_request_exception=False)
        user = world.users[actor]
        if actor in STAFF:
            login_with_second_factor(client, user)
        elif actor in CUSTOMER_ADMINS:
            # Password and authenticator code moments ago, as customer admins sign in.
            sign_in_with_password_and_code(client, user)
        elif user is not None:
            # Password sign-in moments ago: pages that need a fresh sign-in open too.
            sign_in_with_password(client, user)
        clients[actor] = client
    return clients


def answer_code(response) -> str:
    """200, 403, 404... as text; a redirect is L (to the sign-in page), M (to the second-factor
    pages) or R (anywhere else)."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        if target.startswith(("/accounts/login/", "/admin/login/")):
            return "L"
        if target.startswith("/accounts/2fa/"):
            return "M"
        return "R"
    return str(status)


REFUSALS = {"L", "M", "401", "403", "404", "405"}

# Rows that a refused request may leave behind: sessions and the records of the refusal itself.
_NOT_STATE = {"sessions.session"}


def fingerprint() -> dict:
    """Row counts of every table, and the audit events other than refusals: a request that
    changes state writes an audit event (ARCHITECTURE.md), so this sees updates too. One query."""
    from django.db import connection

    from trustcentre.audit.models import AuditEvent

    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models()
            if model._meta.label_lower not in _NOT_STATE
            and model._meta.managed
            and not model._meta.proxy
            and model is not AuditEvent
        }
    )
    quote = connection.ops.quote_name
    audit = quote(AuditEvent._meta.db_table)
    selects = [f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables]  # noqa: S608
    selects.append(f"(SELECT COUNT(*) FROM {audit} WHERE action NOT LIKE 'authz.%%')")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects))
        row = cursor.fetchone()
    return dict(zip([*tables, "audit events (not refusals)"], row, strict=True))


def changed(before: dict, after: dict) -> dict:
    return {k: (before.get(k), after.get(k)) for k in after if before.get(k) != after.get(k)}


@dataclass
class Answer:
    route: str
    actor: str
    method: str
    path: str
    code: str
    primary: bool = True  # the route's own request (GET, or the API operation's method)
    leaked: tuple = ()  # identifiers of organisation A in a response to organisation B
    changes: dict | None = None


def leaked_identifiers(body: bytes, path: str, identifiers) -> tuple:
    """A's identifiers in the body, apart from the ones the request itself carried (a page may
    echo the address it was asked for)."""
    text = body.decode("utf-8", "replace")
    for echo in {path, path.rstrip("/")}:
        text = text.replace(echo, "")
    return tuple(sorted(i for i in identifiers if i and i in text))
