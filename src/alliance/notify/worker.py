"""The task worker: runs the queued jobs and, every minute, the sweep.

`alliance serve` and `alliance demo` start it as a child process (`alliance manage
notify_worker --parent PID`), start it again if it stops, and stop it when they stop; the
child also stops by itself within a second of its server going away however that happened
(killed included), by watching its parent process (POSIX). `ALLIANCE_TASK_WORKER=off` starts
none, for an install whose workers run apart (`alliance manage notify_worker` under a service
manager; with RQ, also `alliance manage rqworker --job-class django_tasks_rq.Job
--with-scheduler default`).

With the database backend, the worker polls the database for ready jobs every second (a
job queued with `run_after` is ready from then on); with RQ it is RQ's worker (and its
scheduler, for jobs queued to run later), with the sweep beside it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import close_old_connections, connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from .sweep import sweep

logger = logging.getLogger("alliance.notify")

# How often an idle worker looks for ready jobs: the most a notification waits in the queue.
POLL_SECONDS = 1.0
SWEEP_SECONDS = 60.0
# How often `alliance serve` checks that its worker still runs.
KEEPER_SECONDS = 5.0
_CHILD = (
    "import sys; from alliance.cli import main; "
    "sys.exit(main(['manage', 'notify_worker', '--parent', sys.argv[1]]))"
)


def run_worker(
    *, stop: threading.Event, poll: float = POLL_SECONDS, sweep_every: float = SWEEP_SECONDS
) -> None:
    """Until `stop` is set: run the database backend's ready jobs, and sweep every
    `sweep_every` seconds (at once first: what fell due while no worker ran). Usable in a
    thread; an error is logged and the loop goes on (a database restarting, say)."""
    worker = Worker(queue_names=["default"], interval=poll, batch=True, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id=get_random_string(32),
                    excluded_queue_names=[])  # fmt: skip
    next_sweep = 0.0
    try:
        while not stop.is_set():
            try:
                worker.run()  # batch: every ready job, then back here
                if time.monotonic() >= next_sweep:
                    _sweep_logged()
                    next_sweep = time.monotonic() + sweep_every
            except Exception:
                logger.exception("the task worker failed a round; trying again")
                close_old_connections()
            stop.wait(poll)
    finally:
        connections.close_all()


def run_rq_worker(*, stop: threading.Event, sweep_every: float = SWEEP_SECONDS) -> None:
    """RQ's worker (with its scheduler) for the queue, and the sweep in a thread beside it."""
    sweeper = threading.Thread(target=_sweep_every, args=(stop, sweep_every), daemon=True)
    sweeper.start()
    try:
        call_command("rqworker", "default", job_class="django_tasks_rq.Job",
                     with_scheduler=True)  # fmt: skip
    finally:
        stop.set()


def _sweep_every(stop: threading.Event, seconds: float) -> None:
    while not stop.is_set():
        _sweep_logged()
        stop.wait(seconds)
    connections.close_all()


def _sweep_logged() -> None:
    try:
        counts = sweep()
    except Exception:
        logger.exception("the sweep failed; it runs again in a minute")
        close_old_connections()
        return
    if any(counts.values()):
        logger.info("sweep: %s", counts)


def watch_parent(parent: int, stop: threading.Event) -> None:
    """Stop this process (as SIGTERM does) once `parent` is no longer its parent."""

    def watch() -> None:
        while not stop.wait(1.0):
            if os.getppid() != parent:
                logger.warning("the server that started this worker is gone; stopping")
                os.kill(os.getpid(), signal.SIGTERM)
                return

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def check_settings() -> None:
    """What `alliance serve` refuses to start without in production: a way to deliver
    email other than the console, and the address the emails' links open."""
    if not settings.PRODUCTION:
        return
    console = settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    if console and not settings.EMAIL_CONSOLE_ALLOWED:
        raise ImproperlyConfigured(
            "production sends urgent-signal notifications by email: set ALLIANCE_EMAIL_HOST "
            "(SMTP) or ALLIANCE_EMAIL_FILE_PATH, or ALLIANCE_EMAIL_CONSOLE=allow to have them "
            "printed to the server's output"
        )
    if not settings.BASE_URL_SET:
        raise ImproperlyConfigured(
            "production needs ALLIANCE_BASE_URL (the address clinicians open, e.g. "
            "https://clinic.example.org) for the links in notification emails"
        )


class WorkerKeeper:
    """The worker as a child of the server: started, started again when it stops, stopped."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()

    def start(self) -> None:
        self.process = self._spawn()
        threading.Thread(target=self._keep, daemon=True, name="worker-keeper").start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-c", _CHILD, str(os.getpid())])

    def _keep(self) -> None:
        while not self.stopping.wait(KEEPER_SECONDS):
            if self.process is not None and self.process.poll() is not None:
                logger.error("the task worker stopped (exit status %s); starting it again",
                             self.process.returncode)  # fmt: skip
                self.process = self._spawn()

    def stop(self) -> None:
        self.stopping.set()
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def worker_beside_server() -> Iterator[None]:
    """The task worker runs while the block (the server) does; none with
    ALLIANCE_TASK_WORKER=off."""
    if not settings.TASK_WORKER:
        yield
        return
    keeper = WorkerKeeper()
    keeper.start()
    _stop_cleanly_on_sigterm()
    try:
        yield
    finally:
        keeper.stop()


def _stop_cleanly_on_sigterm() -> None:
    # Python's default for SIGTERM ends the process at once, past `finally`: the worker
    # would then only notice through its parent watch. A server that sets its own handler
    # (gunicorn's master) replaces this one and exits through `finally` itself.
    def exit_now(_signum: int, _frame: Any) -> None:
        raise SystemExit(0)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, exit_now)
