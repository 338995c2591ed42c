"""The queued jobs (Django's tasks: the database backend by default, RQ when chosen).

A job only carries a notification's id; what to send, and whether it is still needed, is
read when it runs. Queueing never fails the caller: a job that cannot be queued (the queue's
server down) is logged and left to the sweep, which finds every due notification in the
database whatever became of its job.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from .delivery import deliver
from .sweep import sweep

logger = logging.getLogger("alliance.notify")


@task()
def deliver_notification(notification_id: int) -> str:
    """Send one notification (if due and still waiting); a failure queues the next try."""
    outcome = deliver(notification_id)
    if outcome.retry_at is not None:
        enqueue_delivery(notification_id, run_after=outcome.retry_at)
    return outcome.status


@task()
def sweep_notifications() -> dict[str, int]:
    """`sweep.sweep` as a job, for an install that schedules it through its queue."""
    return sweep()


def enqueue_delivery(notification_id: int, *, run_after: dt.datetime | None = None) -> None:
    job = deliver_notification
    try:
        if run_after is not None and run_after > timezone.now():
            if not job.get_backend().supports_defer:
                return  # a backend that runs jobs at once only: the sweep sends it when due
            job = job.using(run_after=run_after)
        job.enqueue(notification_id)
    except Exception:
        logger.exception(
            "notification %s could not be queued; the sweep will send it when due",
            notification_id,
        )
