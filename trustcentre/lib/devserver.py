"""`make run`: the web server, a Celery worker and Celery beat together; Ctrl-C stops all three."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    var_dir = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1"), "PYTHONUNBUFFERED": "1"}
    commands = {
        "web": [sys.executable, "manage.py", "runserver", f"{host}:{port}"],
        "worker": [
            str(BIN / "celery"),
            "-A",
            "trustcentre",
            "worker",
            "--loglevel",
            "INFO",
            "-Q",
            "default,notifications,exports",
            "--concurrency",
            "2",
            "-n",
            "dev@%h",
        ],
        "beat": [
            str(BIN / "celery"),
            "-A",
            "trustcentre",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(var_dir / "celerybeat-schedule"),
        ],
    }
    processes = {
        name: subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)
        for name, command in commands.items()
    }

    def stop(*_):
        # Celery's main process stops its own pool; runserver's reloader child needs the group.
        for name, process in processes.items():
            if process.poll() is None:
                if name == "web":
                    os.killpg(process.pid, signal.SIGTERM)
                else:
                    process.terminate()
        deadline = time.monotonic() + 15
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for process in processes.values():
            try:
                os.killpg(
                    process.pid, signal.SIGKILL
                )  # leftovers of a group whose leader has exited
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(
        f"\n  Trust centre running on http://{host}:{port}/"
        "  (web, worker and beat; Ctrl-C stops all)"
    )
    print(f"  Emails sent in development: http://{host}:{port}/dev/mail/\n", flush=True)
    try:
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(
                        f"{name} stopped with exit code {process.returncode}; stopping the others."
                    )
                    return process.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping web, worker and beat...")
        return 0
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
