"""The sweep: every notification that is due and was never done, done now.

Run every minute by the task worker (`worker`), and by `alliance manage notify_sweep` or the
`sweep_notifications` job where an install schedules it itself. It finds what a queued job
should have done and did not (a job lost with a queue, a worker that died mid-send, a job
that could not be queued), so that nothing depends on one queued job surviving:
- an urgent signal in force about a recent session with no notification written at all;
- a notification taken by a sender that has not finished within `CLAIM_TIMEOUT`;
- a waiting notification due more than `GRACE` ago (its own job has had its chance).
Sending twice is prevented where the sending is (`delivery`), so the sweep and a late job
may both reach one notification.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alliance.care.models import Session, SignalAcknowledgement, SignalRecord

from .delivery import deliver
from .models import Notification
from .planning import ALERT_WINDOW, plan_notifications

GRACE = dt.timedelta(minutes=1)
# Longer than any send takes (the mail server's timeout is 30 seconds).
CLAIM_TIMEOUT = dt.timedelta(minutes=10)


def sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Do what is due; returns counts by outcome ("planned" for notifications written)."""
    now = now or timezone.now()
    counts: Counter[str] = Counter()
    ids = [n.pk for n in _plan_unalerted_signals(now)]
    if ids:
        counts["planned"] = len(ids)
    stalled = Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lte=now - CLAIM_TIMEOUT
    )
    stalled_ids = list(stalled.values_list("pk", flat=True))
    stalled.filter(pk__in=stalled_ids).update(
        status=Notification.Status.PENDING, claimed_at=None, updated_at=now
    )
    ids += stalled_ids
    ids += Notification.objects.filter(
        status=Notification.Status.PENDING, next_attempt_at__lte=now - GRACE
    ).values_list("pk", flat=True)
    for notification_id in sorted(set(ids)):
        counts[deliver(notification_id, now=now).status] += 1
    return dict(counts)


def _plan_unalerted_signals(now: dt.datetime) -> list[Notification]:
    since = timezone.localdate(now) - ALERT_WINDOW
    at_session = {"episode": OuterRef("episode"), "number": OuterRef("session_number")}
    signals = (
        SignalRecord.objects.in_force()
        .filter(severity="urgent")
        .filter(Exists(Session.objects.filter(**at_session, held_on__gte=since)))
        .exclude(Exists(Notification.objects.filter(
            session__episode=OuterRef("episode"), session__number=OuterRef("session_number"))))
        .exclude(Exists(SignalAcknowledgement.objects.filter(
            episode=OuterRef("episode"), session_number=OuterRef("session_number"),
            kind=OuterRef("kind"))))
    )  # fmt: skip
    written: list[Notification] = []
    for signal in signals.select_related("episode__client"):
        session = Session.objects.select_related("episode__client").get(
            episode=signal.episode, number=signal.session_number
        )
        with transaction.atomic():
            written += plan_notifications(
                session=session, kind=signal.kind, cause="signal", now=now, signal=signal
            )
    return written
