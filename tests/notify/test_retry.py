"""A failed send is tried again after 1, 5 and 15 minutes; each failure is logged (the
address masked); after the fourth it is marked failed, logged as an error and audited."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from alliance.audit.models import AuditEvent
from alliance.care.models import Session
from alliance.notify.delivery import deliver
from alliance.notify.models import Notification

from .conftest import CLINICIAN_EMAIL, IMMEDIATE

REFUSING = "tests.notify.mailboxes.RefusingBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def clinician_notification(session: Session) -> Notification:
    return Notification.objects.get(session=session, recipient="clinician")


def test_it_tries_again_a_minute_later_and_then_sends(
    session_today: Session,
    committed: Callable[[Session], Any],
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.TASKS, settings.EMAIL_BACKEND = IMMEDIATE, REFUSING
    with caplog.at_level(logging.WARNING, logger="alliance.notify"):
        committed(session_today)
    waiting = clinician_notification(session_today)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert waiting.next_attempt_at - waiting.raised_at == pytest.approx(
        dt.timedelta(minutes=1), abs=dt.timedelta(seconds=5)
    )
    assert "SMTPRecipientsRefused" in waiting.last_error
    assert "attempt 1 of 4 failed" in caplog.text
    assert "c***@example.org" in caplog.text and CLINICIAN_EMAIL not in caplog.text

    settings.EMAIL_BACKEND = LOCMEM
    early = waiting.next_attempt_at - dt.timedelta(seconds=1)
    assert deliver(waiting.pk, now=early).status == "not_due"
    assert mail.outbox == []
    assert deliver(waiting.pk, now=waiting.next_attempt_at).status == "sent"
    sent = clinician_notification(session_today)
    assert (sent.status, sent.attempts, len(mail.outbox)) == ("sent", 2, 1)


def test_after_the_fourth_failure_it_is_marked_failed_and_said_so(
    session_today: Session,
    committed: Callable[[Session], Any],
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.TASKS, settings.EMAIL_BACKEND = IMMEDIATE, REFUSING
    committed(session_today)
    first = clinician_notification(session_today)
    with caplog.at_level(logging.WARNING, logger="alliance.notify"):
        second = deliver(first.pk, now=first.next_attempt_at)
        assert second.retry_at is not None
        third = deliver(first.pk, now=second.retry_at)
        assert third.retry_at is not None
        fourth = deliver(first.pk, now=third.retry_at)
    assert second.retry_at - first.next_attempt_at == dt.timedelta(minutes=5)
    assert third.retry_at - second.retry_at == dt.timedelta(minutes=15)
    assert (fourth.status, fourth.retry_at) == ("failed", None)
    failed = clinician_notification(session_today)
    assert (failed.status, failed.attempts) == ("failed", 4)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "failed after 4 attempts" in errors[0].getMessage()
    entry = AuditEvent.objects.get(object_type="notification")
    assert entry.detail == "clinician email failed after 4 attempts"
    # Failed is final: nothing sends it by itself any more.
    settings.EMAIL_BACKEND = LOCMEM
    assert deliver(failed.pk, now=third.retry_at + dt.timedelta(days=1)).status == "failed"
    assert mail.outbox == []


def test_the_database_queue_holds_the_next_try_for_a_minute_later(
    session_today: Session, committed: Callable[[Session], Any], settings: Any
) -> None:
    # The default backend (the database): the form's commit queues the jobs; the first one's
    # failure queues the next try to run a minute later.
    settings.EMAIL_BACKEND = REFUSING
    committed(session_today)
    duty = Notification.objects.get(session=session_today, recipient="duty")
    queued = DBTaskResult.objects.order_by("-run_after")  # "at once" is stored as year 9999
    assert [(job.task_path, job.status, job.task.run_after, job.args_kwargs["args"])
            for job in queued] == [
        ("alliance.notify.tasks.deliver_notification", "READY", None,
         [clinician_notification(session_today).pk]),
        ("alliance.notify.tasks.deliver_notification", "READY", duty.due_at, [duty.pk]),
    ]  # fmt: skip
    # What the worker does with the first job (the real worker: test_worker.py).
    assert queued[0].task.call(*queued[0].args_kwargs["args"]) == "pending"
    waiting = clinician_notification(session_today)
    again = DBTaskResult.objects.exclude(pk__in=[job.pk for job in queued]).get()
    assert (again.status, again.task.run_after) == ("READY", waiting.next_attempt_at)
    assert waiting.attempts == 1
