"""The sweep does what a lost job should have done: a notification due and never sent, one
whose sender died mid-send, an urgent signal no notification was written for; it waits for
the job's own chance first, and sends nothing twice."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from django.core import mail
from django.core.management import call_command

from alliance.care.models import Session, SignalRecord
from alliance.notify.models import Notification
from alliance.notify.sweep import CLAIM_TIMEOUT, GRACE, sweep

from .conftest import CLINICIAN_EMAIL, store_self_harm_answer


def clinician_notification(session: Session) -> Notification:
    return Notification.objects.get(session=session, recipient="clinician")


def test_it_sends_what_a_lost_job_did_not_once_its_grace_is_over(
    session_today: Session, committed: Callable[[Session], Any]
) -> None:
    # The database backend with no worker running: the job is queued and never runs.
    committed(session_today)
    waiting = clinician_notification(session_today)
    assert sweep(now=waiting.due_at + GRACE - dt.timedelta(seconds=1)) == {}
    assert mail.outbox == []
    assert sweep(now=waiting.due_at + GRACE) == {"sent": 1}
    assert [m.to for m in mail.outbox] == [[CLINICIAN_EMAIL]]
    assert sweep(now=waiting.due_at + GRACE) == {}
    assert len(mail.outbox) == 1


def test_it_sends_again_what_a_sender_that_died_left_half_done(
    session_today: Session, committed: Callable[[Session], Any]
) -> None:
    committed(session_today)
    taken_at = clinician_notification(session_today).due_at
    Notification.objects.filter(recipient="clinician").update(
        status="sending", claimed_at=taken_at, attempts=1
    )
    assert sweep(now=taken_at + CLAIM_TIMEOUT - dt.timedelta(seconds=1)) == {}
    assert sweep(now=taken_at + CLAIM_TIMEOUT) == {"sent": 1}
    sent = clinician_notification(session_today)
    assert (sent.status, sent.attempts, len(mail.outbox)) == ("sent", 2, 1)


def test_it_writes_and_sends_for_an_urgent_signal_no_notification_was_written_for(
    session_today: Session,
) -> None:
    store_self_harm_answer(session_today)
    Notification.objects.all().delete()  # as for a signal stored before notifications were
    assert SignalRecord.objects.filter(severity="urgent").count() == 1
    assert sweep() == {"planned": 2, "sent": 1, "not_due": 1}
    assert [m.to for m in mail.outbox] == [[CLINICIAN_EMAIL]]
    assert clinician_notification(session_today).cause == "signal"


def test_it_leaves_an_urgent_signal_about_an_old_session_alone(
    session_today: Session,
) -> None:
    store_self_harm_answer(session_today)
    Notification.objects.all().delete()
    later = dt.datetime.combine(session_today.held_on, dt.time(12), dt.UTC) + dt.timedelta(days=8)
    assert sweep(now=later) == {}
    assert not Notification.objects.exists()


def test_the_command_says_what_it_did(session_today: Session) -> None:
    store_self_harm_answer(session_today)
    Notification.objects.all().delete()
    out = io.StringIO()
    call_command("notify_sweep", stdout=out)
    assert out.getvalue() == "sweep: 1 not_due, 2 planned, 1 sent\n"
    out = io.StringIO()
    call_command("notify_sweep", stdout=out)
    assert out.getvalue() == "sweep: nothing due\n"
