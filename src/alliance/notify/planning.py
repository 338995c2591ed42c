"""Writing down who is to be told about an urgent matter at a session, and when.

Rows only, in the caller's transaction: queueing the jobs that send them is `services`' part
(after the commit), recovering the ones whose job was lost is `sweep`'s.
"""

from __future__ import annotations

import datetime as dt

from alliance.care.models import Session, SignalRecord
from alliance.safety.models import CrisisResources

from .models import Notification

# An urgent signal raised now about a session held longer ago than this (an imported history,
# a correction of an old form) is not news to send at once: the caseload heads with it until
# it is acted on, and whoever imported or corrected the forms is the one looking at it.
ALERT_WINDOW = dt.timedelta(days=7)
# Without crisis resources set, the duty contact's escalation is due after an hour (and,
# with no duty address, recorded as undeliverable then: visible, never silent).
DEFAULT_ESCALATE_MINUTES = 60


def escalate_after(organization_id: int) -> dt.timedelta:
    """How long an urgent matter may stay unacted-on before the duty contact is told."""
    minutes = (
        CrisisResources.objects.filter(organization_id=organization_id)
        .values_list("escalate_after_minutes", flat=True)
        .first()
    )
    return dt.timedelta(minutes=DEFAULT_ESCALATE_MINUTES if minutes is None else minutes)


def plan_notifications(
    *,
    session: Session,
    kind: str,
    cause: str,
    now: dt.datetime,
    signal: SignalRecord | None = None,
) -> list[Notification]:
    """The session's clinician and duty notifications, each written unless the session has
    it already (from another path or an earlier refresh): returns those written now, for
    the caller to queue."""
    organization_id = session.episode.client.organization_id
    existing = set(Notification.objects.filter(session=session).values_list("recipient", flat=True))
    rows = [
        Notification(session=session, signal=signal, kind=kind, cause=cause[:40],
                     recipient=recipient, raised_at=now, due_at=due, next_attempt_at=due)
        for recipient, due in (
            (Notification.Recipient.CLINICIAN, now),
            (Notification.Recipient.DUTY, now + escalate_after(organization_id)),
        )
        if recipient not in existing
    ]  # fmt: skip
    if not rows:
        return []
    # ON CONFLICT DO NOTHING: a second path or a concurrent transaction that wrote the
    # session's rows first wins, and this transaction (a client's form) never fails for it.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        Notification.objects.filter(
            session=session, recipient__in=[row.recipient for row in rows], raised_at=now
        )
    )
