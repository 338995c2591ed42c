"""The task worker runs the jobs queued in the database: a form committed in one connection
is emailed by the worker in another thread, through the file backend, within seconds."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from alliance.care.models import Session
from alliance.notify.models import Notification
from alliance.notify.worker import run_worker

from .conftest import CLINICIAN_EMAIL, store_self_harm_answer


def written(folder: Path, timeout: float) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(folder.iterdir())
        if files:
            return files
        time.sleep(0.05)
    return []


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_what_a_committed_form_queued(
    session_today: Session, settings: Any, tmp_path: Path
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    store_self_harm_answer(session_today)  # committed: no test transaction here
    assert DBTaskResult.objects.filter(status="READY").count() == 2  # clinician now, duty later
    assert list(tmp_path.iterdir()) == []

    stop = threading.Event()
    worker = threading.Thread(target=run_worker, kwargs={"stop": stop, "poll": 0.05})
    worker.start()
    try:
        files = written(tmp_path, timeout=60)
    finally:
        stop.set()
        worker.join(timeout=30)
    assert not worker.is_alive()
    assert len(files) == 1
    message = files[0].read_text()
    assert f"To: {CLINICIAN_EMAIL}" in message
    assert f"/sessions/{session_today.pk}/" in message and "N-1" not in message
    assert Notification.objects.get(recipient="clinician").status == "sent"
    assert Notification.objects.get(recipient="duty").status == "pending"
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1
