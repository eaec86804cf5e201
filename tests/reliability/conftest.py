"""Real parts for the failure drills: an SMTP server on loopback, a Celery worker in its own
process on the test database and the broker from the environment (Redis in CI), and a test
process whose .delay() really goes through that broker.

These need PostgreSQL (a second process cannot see an in-memory SQLite test database) and a
broker server: `.ci/run` provides both."""

import email
import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.db import connection, transaction

REPO = Path(__file__).resolve().parents[2]
CELERY = REPO / ".venv" / "bin" / "celery"
TEST_TEMPLATES = REPO / "tests" / "notifications" / "templates"


def wait_for(condition, *, timeout: float, interval: float = 0.2, message: str = "condition"):
    """Poll until `condition()` is truthy; return its value, or fail naming what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# SMTP ---------------------------------------------------------------------------------------


@dataclass
class ReceivedEmail:
    mail_from: str
    recipients: list[str]
    message_id: str
    subject: str
    raw: bytes


@dataclass
class SmtpSink:
    """aiosmtpd handler: keeps every accepted message; while `refusing`, answers DATA with 421."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[ReceivedEmail] = field(default_factory=list)
    refusals: int = 0
    refusing: bool = False
    # Crash injection: called once, then cleared. `before_acceptance` runs at MAIL FROM (the
    # server has nothing yet); `after_acceptance` runs once the message is stored, before the
    # 250 reply reaches the client (the server has it; the client cannot know).
    before_acceptance: Callable[[], None] | None = None
    after_acceptance: Callable[[], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        hook, self.before_acceptance = self.before_acceptance, None
        if hook is not None:
            hook()
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.refusing:
                self.refusals += 1
                return "421 4.3.2 Service not available, try again later"
            parsed = email.message_from_bytes(envelope.content)
            self.received.append(
                ReceivedEmail(
                    mail_from=envelope.mail_from,
                    recipients=list(envelope.rcpt_tos),
                    message_id=parsed["Message-ID"],
                    subject=str(parsed["Subject"]),
                    raw=envelope.content,
                )
            )
        hook, self.after_acceptance = self.after_acceptance, None
        if hook is not None:
            hook()
        return "250 2.0.0 Accepted"

    def message_ids(self) -> list[str]:
        with self._lock:
            return [item.message_id for item in self.received]

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}?timeout=10"


@pytest.fixture
def smtp_sink():
    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


# Celery worker --------------------------------------------------------------------------------


def _database_url() -> str:
    """The test database (pytest-django's `test_…` name), as a URL for the worker's settings."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    log_path: Path
    name: str

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """`kill -9` of the main process and its pool children, as a crash would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        """Warm shutdown, then the whole process group if it lingers."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def _broker_url() -> str:
    """The broker named by the environment: read there rather than from settings, which a test
    may have pointed elsewhere."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith(("redis://", "rediss://")):
        pytest.fail("reliability drills need a Redis broker: set CELERY_BROKER_URL (see .ci/run)")
    return url


@pytest.fixture
def worker_env(smtp_sink, settings):
    """What the worker's settings read. Drills override entries by overriding this fixture."""
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_VERSION"}
    env.update(
        DJANGO_SETTINGS_MODULE="trustcentre.settings",
        DATABASE_URL=_database_url(),
        CELERY_BROKER_URL=_broker_url(),
        CELERY_TASK_ALWAYS_EAGER="0",
        EMAIL_URL=smtp_sink.url,
        DEFAULT_FROM_EMAIL=settings.DEFAULT_FROM_EMAIL,
        SECRET_KEY="reliability-drill-" + uuid.uuid4().hex,
        # The test process and the worker append to one chain: one key for both.
        AUDIT_CHAIN_KEY=settings.AUDIT_CHAIN_KEY,
        PRIVATE_FILES_ROOT=str(settings.PRIVATE_FILES_ROOT),
        LOG_FORMAT="text",
        LOG_LEVEL="INFO",
        # Seconds instead of minutes, so a drill sees several retries.
        OUTBOX_RETRY_BASE_SECONDS="1",
        OUTBOX_RETRY_MAX_SECONDS="30",
    )
    return env


def _start_worker(env: dict, log_path: Path) -> WorkerProcess:
    name = f"drill-{uuid.uuid4().hex[:8]}@%h"
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 (our own virtualenv's celery, fixed arguments)
            [
                str(CELERY),
                "-A",
                "trustcentre",
                "worker",
                "-Q",
                "default,notifications,exports",
                "--concurrency=1",
                "--pool=prefork",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "-n",
                name,
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so it can be ended whole
        )
    worker = WorkerProcess(process=process, log_path=log_path, name=name)

    def ready():
        if process.poll() is not None:
            log_tail = worker.log_text()[-4000:]
            pytest.fail(f"the worker exited with {process.returncode}:\n{log_tail}")
        return f"{name.split('@')[0]}@" in worker.log_text() and " ready." in worker.log_text()

    try:
        wait_for(ready, timeout=60, message="the Celery worker to be ready")
    except BaseException:
        worker.stop()
        raise
    return worker


@pytest.fixture
def start_worker(transactional_db, worker_env, tmp_path):
    """Start real workers (prefork, one child; queues default, notifications, exports), each
    stopped at teardown. Depends on `transactional_db` so that workers stop before pytest-django
    empties the tables."""
    if connection.vendor != "postgresql":
        pytest.fail("reliability drills need PostgreSQL: set DATABASE_URL (see .ci/run)")
    started: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        worker = _start_worker(worker_env, tmp_path / f"worker-{len(started) + 1}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def celery_worker(start_worker):
    return start_worker()


@pytest.fixture
def broker_delivery(settings):
    """The test process enqueues through the real broker, as the web process does. Celery reads
    Django's settings live, so overriding them (restored by `settings`) is enough."""
    from trustcentre.celery import app

    settings.CELERY_BROKER_URL = _broker_url()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert app.conf.task_always_eager is False
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    return app


@pytest.fixture
def notice_template(settings):
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [*engine["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]
    return "test_notice"


def enqueue_notices(template, count, *, cause="drill"):
    """`count` emails of `template` to distinct addresses, committed together in the outbox."""
    from trustcentre.notifications.services import email_enqueue

    with transaction.atomic():
        return [
            email_enqueue(
                to=f"subscriber{number:03d}@example.test",
                template=template,
                context={"topic": f"change {number}"},
                cause=f"{cause}:{number}",
            )
            for number in range(count)
        ]


@pytest.fixture
def empty_queues(broker_delivery):
    """Tasks left in the broker's queues by an earlier run would only slow this one down."""
    with broker_delivery.connection_for_write() as broker:
        for queue in ("default", "notifications", "exports"):
            broker.default_channel.queue_purge(queue)


@pytest.fixture
def draft(db):
    """A draft notice adding a sub-processor (tests/reliability/subprocessor_setup.py)."""
    from tests.reliability.subprocessor_setup import draft_notice

    return draft_notice()


# Jobs -----------------------------------------------------------------------------------------


def reload(job):
    job.refresh_from_db()
    return job


def wait_until_completed(job, *, timeout: float, interval: float):
    """Poll until the job is COMPLETED, running the requeue sweep between polls (what beat does
    every two minutes: a job whose worker died goes back to the queue once its heartbeat is
    older than JOB_HEARTBEAT_TIMEOUT). A FAILED job fails the test at once."""
    from trustcentre.jobs.models import JobStatus
    from trustcentre.jobs.tasks import requeue_stalled_jobs

    def completed():
        reload(job)
        if job.status == JobStatus.FAILED:
            pytest.fail(f"the job failed: {job.error}")
        if job.status == JobStatus.COMPLETED:
            return True
        requeue_stalled_jobs()
        return False

    wait_for(completed, timeout=timeout, interval=interval, message="the job to complete")
    return job


# Servers of a drill's own (tests/reliability/servers.py) --------------------------------------


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own on a free port, which the test may stop and start."""
    from tests.reliability.servers import RedisServer

    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_cluster():
    """A throwaway PostgreSQL cluster of the test's own on a free port, which it may restart."""
    from tests.reliability.servers import PostgresCluster

    cluster = PostgresCluster()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def own_broker(redis_server, worker_env, settings, monkeypatch):
    """Broker (and cache) on the drill's own Redis, for the workers and for this process, whose
    producer pool is rebuilt so that `.delay()` really goes there. (Celery prefers the
    CELERY_BROKER_URL environment variable to the setting, so both change.)"""
    import kombu.pools

    from trustcentre.celery import app

    def reset_pool():
        # kombu keeps its pools in a process-wide registry: closing one and leaving it there
        # would hand later tests a closed pool, so the registry is emptied too.
        kombu.pools.reset()
        app._pool = None
        if "amqp" in app.__dict__:
            app.__dict__["amqp"]._producer_pool = None

    worker_env["CELERY_BROKER_URL"] = redis_server.url(0)
    worker_env["CACHE_URL"] = redis_server.url(1)
    reset_pool()
    monkeypatch.setenv("CELERY_BROKER_URL", redis_server.url(0))
    settings.CELERY_BROKER_URL = redis_server.url(0)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url(1),
        }
    }
    assert app.conf.broker_url == redis_server.url(0)
    yield app
    reset_pool()
