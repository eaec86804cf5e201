"""Servers a drill may stop and start: its own redis-server and its own PostgreSQL cluster, each
on a free loopback port, so the shared servers other people use are never touched.

Also the site itself under gunicorn (`WebServer`), for drills that watch web requests.

The first two work as an ordinary user and as root (as in `.ci/run`): PostgreSQL refuses to run
as root, so there its commands run as `postgres` through `runuser`, on a data folder owned by
postgres in a folder outside pytest's (root-only) temporary tree."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests.reliability.conftest import REPO, free_port, wait_for

# Redis ----------------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of our own. `stop()` and `start()` keep the port, as a restarted service
    does; `stop(save=True)` writes a snapshot that the next start loads (a broker with
    persistence), `stop(save=False)` loses everything (one without)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = folder / "redis.log"

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def _client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def start(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                executable,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                "--dbfilename",
                "dump.rdb",
                "--logfile",
                str(self.log_path),
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def answers():
            if self.process.poll() is not None:
                pytest.fail(f"redis-server exited: {self.log_text()[-2000:]}")
            try:
                return self._client().ping()
            except Exception:
                return False

        wait_for(answers, timeout=20, interval=0.1, message="redis-server to answer")

    def stop(self, *, save: bool = False) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(Exception):  # the server closes the connection as it exits
            self._client().shutdown(save=save, nosave=not save)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


# PostgreSQL -----------------------------------------------------------------------------------


def postgres_bin() -> Path:
    """The server binaries, as `.ci/run` picks them: 15 if installed, else the newest."""
    preferred = Path("/usr/lib/postgresql/15/bin")
    if (preferred / "initdb").exists():
        return preferred
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name or 0))
    found = [path for path in found if (path / "initdb").exists()]
    if not found:
        pytest.fail("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    return found[-1]


class PostgresCluster:
    """A throwaway cluster (trust authentication, loopback only, no fsync) on a free port."""

    def __init__(self):
        self.bin = postgres_bin()
        self.port = free_port()
        # Not under pytest's tmp_path: as root that tree is closed to the postgres user.
        self.folder = Path(tempfile.mkdtemp(prefix="drill-pg-"))
        self.folder.chmod(0o755)
        self.data = self.folder / "data"
        self.log_path = self.folder / "server.log"
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(  # noqa: S603 (our fixed commands)
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0:
            pytest.fail(
                f"{' '.join(args[:2])} failed ({result.returncode}):\n{result.stdout}\n"
                f"{result.stderr}\n{self.log_text()[-3000:]}"
            )
        return result

    def init(self) -> None:
        self.data.mkdir(mode=0o700)
        if self.as_root:
            shutil.chown(self.folder, user="postgres")
            shutil.chown(self.data, user="postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=trust",
            "--encoding=UTF8",
            "--no-locale",
        )

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(self.data),
            "-l",
            str(self.log_path),
            "-o",
            options,
        )

    def stop(self, *, mode: str = "fast") -> None:
        """`fast` is what a service restart does: sessions are ended, open transactions rolled
        back; `immediate` is a crash."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-w", "-t", "60", "-D", str(self.data), "-m", mode)

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop(mode="immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{quote(database, safe='')}"

    def _psql_command(self, database: str) -> list[str]:
        """psql on `database` of this cluster: no .psqlrc, quiet, stopping at the first error."""
        return [
            str(self.bin / "psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
        ]

    def psql(self, database: str, sql: str) -> str:
        result = subprocess.run(  # noqa: S603
            [*self._psql_command(database), "-At", "-c", sql],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            pytest.fail(f"psql failed: {result.stderr}")
        return result.stdout

    def copy_database_from(self, settings_dict: dict, database: str) -> None:
        """Create `database` here as a copy (schema and rows) of the database Django uses."""
        self.psql("postgres", f'CREATE DATABASE "{database}"')
        env = {**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""}
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = str(settings_dict.get("PORT") or 5432)
        dump = subprocess.Popen(  # noqa: S603
            [
                str(self.bin / "pg_dump"),
                "--no-owner",
                "--no-privileges",
                "-h",
                host,
                "-p",
                port,
                "-U",
                settings_dict["USER"],
                "-d",
                settings_dict["NAME"],
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        restore = subprocess.run(  # noqa: S603
            self._psql_command(database),
            stdin=dump.stdout,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        dump.stdout.close()
        dump_error = dump.stderr.read().decode(errors="replace")
        if dump.wait(timeout=60) != 0 or restore.returncode != 0:
            pytest.fail(f"copying the test database failed: {dump_error}\n{restore.stderr}")

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


@contextlib.contextmanager
def django_database(cluster: PostgresCluster, database: str):
    """Point this process's default connection at `database` on `cluster` for the block (the
    ORM, services and sweeps then run there), and back to the test database afterwards."""
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connection.close()
    settings_dict.update(
        NAME=database, USER="postgres", PASSWORD="", HOST="127.0.0.1", PORT=str(cluster.port)
    )
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            connection.close()
        settings_dict.clear()
        settings_dict.update(saved)


def wait_until_reachable(timeout: float = 30) -> None:
    """After a restart: this process's connection is dead; drop it and wait for a new one."""

    def reachable():
        try:
            connection.close()
            connection.ensure_connection()
            return True
        except Exception:
            return False

    wait_for(reachable, timeout=timeout, interval=0.2, message="the database to come back")


# Web ------------------------------------------------------------------------------------------


class WebServer:
    """The site under gunicorn on a free loopback port, DEBUG off, settings read from `env`. By
    default one sync worker: one thread, so one database connection, which the drill can be
    sure the next request reuses; `workers` more for drills about state shared between them."""

    def __init__(self, env: dict, folder: Path, *, workers: int = 1):
        self.workers = workers
        self.port = free_port()
        self.log_path = folder / "web.log"
        self.env = {
            **env,
            "DEBUG": "0",
            "HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"http://127.0.0.1:{self.port}",
            # Test mode for static files only (plain storage: no 40 MB collectstatic with
            # compression first). It changes nothing about the database settings.
            "PYTEST_VERSION": os.environ.get("PYTEST_VERSION", "8"),
        }
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str):
        import requests

        return requests.get(self.base_url + path, timeout=30, allow_redirects=False)

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own virtualenv's gunicorn)
                [
                    str(REPO / ".venv" / "bin" / "gunicorn"),
                    "trustcentre.wsgi",
                    "--workers",
                    str(self.workers),
                    "--threads",
                    "1",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--timeout",
                    "60",
                    "--access-logfile",
                    "-",
                    # The worker's pid first, so a drill can tell which process answered.
                    "--access-logformat",
                    'pid=%(p)s %(h)s "%(r)s" %(s)s',
                ],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def listening():
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited: {self.log_text()[-4000:]}")
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", self.port)) == 0

        try:
            wait_for(listening, timeout=60, interval=0.2, message="gunicorn to listen")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
