"""Telling a person about an urgent matter at a session: the public entry points.

`alert_urgent` (any caller, e.g. a self-harm answer held from a refused form) and
`alert_raised_signals` (the signal refresh's hook) write the session's notifications in the
caller's transaction and queue their sending once it commits: nothing is sent for a form
that was rolled back, and a notification already written for the session (by either path)
is never written or sent again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from alliance.care.models import Episode, Session, SignalRecord

from .models import Notification
from .planning import ALERT_WINDOW, plan_notifications
from .tasks import enqueue_delivery


def alert_urgent(*, session: Session, cause: str, kind: str = "self_harm_risk") -> None:
    """Email the session's clinician now, and the organization's duty contact if no
    acknowledgement of `kind` at this session is recorded within the organization's
    escalation time, whether or not a signal was stored (`cause` says what raised it, in a
    few words of code, e.g. "held_answer"; it is stored, never emailed)."""
    _alert(session=session, kind=kind, cause=cause, signal=None)


def alert_raised_signals(episode: Episode, signals: Iterable[SignalRecord]) -> None:
    """The signals just raised (or raised again) at `episode`: the urgent ones about a
    session held in the last week (`planning.ALERT_WINDOW`) are alerted."""
    urgent = [signal for signal in signals if signal.severity == "urgent"]
    if not urgent:
        return
    since = timezone.localdate() - ALERT_WINDOW
    sessions = {
        session.number: session
        for session in Session.objects.filter(
            episode=episode, number__in={s.session_number for s in urgent}, held_on__gte=since
        ).select_related("episode__client")
    }
    for signal in urgent:
        if (session := sessions.get(signal.session_number)) is not None:
            _alert(session=session, kind=signal.kind, cause="signal", signal=signal)


def _alert(*, session: Session, kind: str, cause: str, signal: SignalRecord | None) -> None:
    written = plan_notifications(
        session=session, kind=kind, cause=cause, now=timezone.now(), signal=signal
    )
    jobs: list[tuple[int, dt.datetime | None]] = [
        (n.pk, None if n.recipient == Notification.Recipient.CLINICIAN else n.due_at)
        for n in written
    ]
    if jobs:
        transaction.on_commit(lambda: _queue(jobs))


def _queue(jobs: list[tuple[int, dt.datetime | None]]) -> None:
    for notification_id, run_after in jobs:
        enqueue_delivery(notification_id, run_after=run_after)
