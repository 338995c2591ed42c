"""`alliance manage notify_worker`: the task worker (queued jobs and the sweep) until stopped
(SIGTERM or Ctrl-C let a job being run finish); `--parent PID`: also stop once that process,
the server that started it, is gone."""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from alliance.notify.worker import run_rq_worker, run_worker, watch_parent


class Command(BaseCommand):
    help = "Run the task worker: send notifications as they are queued, and sweep every minute."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--parent", type=int, help="stop when this process is gone")

    def handle(self, *args: Any, parent: int | None = None, **options: Any) -> None:
        stop = threading.Event()
        if parent:
            watch_parent(parent, stop)
        if settings.TASK_QUEUE == "rq":
            run_rq_worker(stop=stop)  # RQ's worker handles the signals itself
            return

        def finish(_signum: int, _frame: Any) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, finish)
        signal.signal(signal.SIGINT, finish)
        run_worker(stop=stop)
