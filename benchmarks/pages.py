"""Requests per second of the public trust centre (`/`) and the document library
(`/documents/`) with 200 documents, under gunicorn with 2 workers, against a static file served
by the same gunicorn (WhiteNoise) as the ceiling.

    .venv/bin/python benchmarks/pages.py [--seconds 10] [--clients 4] [--documents 200]

Runs in a throwaway VAR_DIR (SQLite unless DATABASE_URL is set, then that database is used
and 200 documents are added to it), with DEBUG off, collectstatic done, and the demo content
of the trust centre (controls, FAQ, certification) loaded. The load comes from --clients
processes, each making one request at a time on a new connection (gunicorn's sync workers
close every connection). Client and server share the machine: quote the core count.
"""

import argparse
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
seed(sys.stdout)
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
print("documents:", Document.objects.count())
"""


def client(port: int, path: str, seconds: float, queue) -> None:
    done = errors = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        connection = HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", path)
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


def measure(port: int, path: str, seconds: float, clients: int) -> tuple[float, int]:
    queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=client, args=(port, path, seconds, queue))
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
        subprocess.run([PYTHON, "-c", SETUP, str(args.documents)], cwd=REPO, env=env, check=True)
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
            paths = {
                "static (ceiling)": "/static/css/portal.css",
                "/": "/",
                "/documents/": "/documents/",
            }
            for path in paths.values():  # warm every worker
                measure(port, path, 1, args.clients)
            figures = {}
            for label, path in paths.items():
                rate, errors = measure(port, path, args.seconds, args.clients)
                figures[label] = rate
                if errors:
                    print(f"{label}: {errors} failed requests", file=sys.stderr)
        finally:
            server.terminate()
            server.wait(timeout=10)
    ceiling = figures["static (ceiling)"]
    print(
        f"\n{os.cpu_count()} cores, gunicorn 2 sync workers, {args.clients} client processes, "
        f"{args.seconds:g} s each, {args.documents} documents"
    )
    print(f"{'page':<18} {'req/s':>8} {'of ceiling':>11}")
    for label, rate in figures.items():
        print(f"{label:<18} {rate:>8.1f} {rate / ceiling:>10.1%}")


if __name__ == "__main__":
    main()
