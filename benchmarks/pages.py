"""Requests per second of the public pages (`/`, `/documents/`, `/subprocessors/`, `/data-act/`,
`/subprocessors/feed.atom`) with 200 documents, under gunicorn with 2 workers, against a static
file served by the same gunicorn (WhiteNoise) as the ceiling; the target is 50 % of it for each
public page. Also the signed-in portal home of a customer admin and the DPO's queue of rights
requests, with the number of queries each page makes (and the anonymous pages' on a first and
a second visit: the second comes from the page cache).

    .venv/bin/python benchmarks/pages.py [--seconds 10] [--clients 4] [--documents 200]

Set CACHE_URL=redis://... to keep the pages in Redis as in production (the local memory of each
worker otherwise, as in the embedded default).

Runs in a throwaway VAR_DIR (SQLite unless DATABASE_URL is set, then that database is used
and 200 documents are added to it), with DEBUG off, collectstatic done, and the demo content
of the trust centre (controls, FAQ, certification) loaded. The load comes from --clients
processes, each making one request at a time on a new connection (gunicorn's sync workers
close every connection). Client and server share the machine: quote the core count.
"""

import argparse
import json
import multiprocessing
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PUBLIC = ["/", "/documents/", "/subprocessors/", "/data-act/", "/subprocessors/feed.atom"]
TARGET = 0.5
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(var_dir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="trustcentre.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(40),
        AUDIT_CHAIN_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="http://127.0.0.1",
        HTTPS="0",
        VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
    )
    return env


SETUP = """
import django
django.setup()
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", verbosity=0)
call_command("collectstatic", verbosity=0, interactive=False)
from trustcentre.content.demo import seed
from trustcentre.documents.models import Document, DocumentCategory, DocumentVersion
import sys
seed(sys.stderr)
category = DocumentCategory.objects.order_by("pk").first()
wanted = int(sys.argv[1])
levels = ["public", "registered", "nda"]
for n in range(Document.objects.count(), wanted):
    document = Document.objects.create(
        title=f"Benchmark document {n:03}", category=category, access_level=levels[n % 3],
        description="A document added by benchmarks/pages.py.",
    )
    version = DocumentVersion.objects.create(
        document=document, number=1, storage_name=f"documents/bench-{n}", filename="b.pdf",
        content_type="application/pdf", size=1, sha256="0" * 64, published_at=timezone.now(),
    )
    document.current_version = version
    document.save(update_fields=["current_version"])
print("documents:", Document.objects.count(), file=sys.stderr)

import json
import time
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from trustcentre.accounts.models import Membership, Organisation, User

organisation, _ = Organisation.objects.get_or_create(
    slug="bench-customer", defaults={"name": "Bench Customer", "kind": Organisation.Kind.CUSTOMER}
)
people = {
    "customer admin": ("admin@bench-customer.example", [], "/portal/"),
    "DPO": ("dpo@bench-provider.example", ["dpo"], "/staff/rights-requests/"),
}
sessions, counts = {}, {}
for label, (email, roles, path) in people.items():
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=None
    )
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if not roles:
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": Membership.Role.ADMIN}
        )
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator", confirmed=True
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    sessions[label] = (path, client.cookies[settings.SESSION_COOKIE_NAME].value)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200, path
    counts[label] = len(queries)
anonymous = Client(HTTP_HOST="127.0.0.1")
for path in json.loads(sys.argv[2]):
    visits = []
    for _visit in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert anonymous.get(path).status_code == 200, path
        visits.append(len(queries))
    counts[path] = visits
print("\\n" + json.dumps({"sessions": sessions, "queries": counts}))
"""


def client(port: int, path: str, seconds: float, queue, cookie: str | None = None) -> None:
    headers = {"Cookie": cookie} if cookie else {}
    done = errors = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        connection = HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                done += 1
            else:
                errors += 1
        except OSError:
            errors += 1
        finally:
            connection.close()
    queue.put((done, errors))


def measure(
    port: int, path: str, seconds: float, clients: int, cookie: str | None = None
) -> tuple[float, int]:
    queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=client, args=(port, path, seconds, queue, cookie))
        for _ in range(clients)
    ]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    results = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    done = sum(r[0] for r in results)
    return done / elapsed, sum(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--documents", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        env = environment(Path(tmp))
        setup = subprocess.run(
            [PYTHON, "-c", SETUP, str(args.documents), json.dumps(PUBLIC)],
            cwd=REPO,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        prepared = json.loads(setup.stdout.strip().splitlines()[-1])
        port = free_port()
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "trustcentre.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=env,
        )
        try:
            for _ in range(100):
                try:
                    HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            session_name = "sessionid"
            paths = {"static (ceiling)": ("/static/css/portal.css", None)}
            paths.update({path: (path, None) for path in PUBLIC})
            for label, (path, session) in prepared["sessions"].items():
                paths[f"{path} ({label})"] = (path, f"{session_name}={session}")
            for path, cookie in paths.values():  # warm every worker
                measure(port, path, 1, args.clients, cookie)
            figures = {}
            for label, (path, cookie) in paths.items():
                rate, errors = measure(port, path, args.seconds, args.clients, cookie)
                figures[label] = rate
                if errors:
                    print(f"{label}: {errors} failed requests", file=sys.stderr)
        finally:
            server.terminate()
            server.wait(timeout=10)
    ceiling = figures["static (ceiling)"]
    queries = prepared["queries"]
    print(
        f"\n{os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        f" at the end, gunicorn 2 sync workers, {args.clients} client processes, "
        f"{args.seconds:g} s each, {args.documents} documents, "
        f"database {os.environ.get('DATABASE_URL', 'sqlite').split(':')[0]}, "
        f"cache {os.environ.get('CACHE_URL', 'locmem').split(':')[0]}"
    )
    print(f"{'page':<40} {'req/s':>8} {'of ceiling':>11} {'target':>8} {'queries':>9}")
    for label, rate in figures.items():
        path = label.split(" (")[0]
        if label in PUBLIC:
            target = "PASS" if rate / ceiling >= TARGET else "FAIL"
            first, second = queries[label]
            spent = f"{first}/{second}"
        elif label.endswith(")") and not label.startswith("static"):
            target, spent = "", str(queries[label.split(" (", 1)[1][:-1]])
        else:
            target, spent = "", ""
        print(f"{label:<40} {rate:>8.1f} {rate / ceiling:>10.1%} {target:>8} {spent:>9}")
        del path
    print(
        f"target: each public page at least {TARGET:.0%} of the static file's req/s; queries of"
        " a public page: first visit/second visit"
    )


if __name__ == "__main__":
    main()
