"""Sending one notification, whoever calls it (the queued job, the sweep) and however often.

A notification is taken by one sender at a time (a conditional update from pending to
sending), so the queued job and the sweep may both reach it and it is still sent once. A
failed send is tried again after 1, 5 and 15 minutes, then marked failed for the admin to
see (`views.notification_problems`); a notification with no address to go to is marked
undeliverable at once. Every outcome is logged on "alliance.notify" (addresses masked) and
each sent, failed or undeliverable one is in the audit trail (never the message itself).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone

from alliance.audit.trail import record_for_client
from alliance.care.models import SignalAcknowledgement
from alliance.safety.models import CrisisResources

from .mail import compose
from .models import Notification

logger = logging.getLogger("alliance.notify")

RETRY_DELAYS = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=15))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
Status = Notification.Status


@dataclass(frozen=True)
class Outcome:
    """What this run did: the notification's status now, or "not_due", "taken" (another
    sender has it) or "gone"; `retry_at` when a failed send is to be tried again."""

    status: str
    retry_at: dt.datetime | None = None


def deliver(notification_id: int, *, now: dt.datetime | None = None) -> Outcome:
    """Send the notification if it is due and still waiting; see the module's docstring."""
    now = now or timezone.now()
    notification = (
        Notification.objects.select_related("session__episode__client__clinician", "signal")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return Outcome("gone")
    if notification.status != Status.PENDING:
        return Outcome(notification.status)
    if notification.next_attempt_at > now:
        return Outcome("not_due")
    if reason := _not_needed(notification):
        return _close(notification, Status.NOT_NEEDED, reason, now)
    address, missing = _address(notification)
    if not address:
        return _close(notification, Status.UNDELIVERABLE, missing, now)
    taken = Notification.objects.filter(pk=notification.pk, status=Status.PENDING).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, address=address,
        updated_at=now,
    )  # fmt: skip
    if not taken:
        return Outcome("taken")
    attempt = notification.attempts + 1
    client = notification.session.episode.client
    # The escalation time as it was when the matter was raised (its due time was set then).
    minutes = int((notification.due_at - notification.raised_at).total_seconds() // 60)
    subject, body = compose(
        notification, clinician=client.clinician.get_username(), minutes=minutes
    )
    try:
        send_mail(subject, body, None, [address], fail_silently=False)
    except Exception as exc:  # any backend's failure: SMTP, network, a full disk
        return _failed(notification, attempt, exc, now)
    _set(notification, status=Status.SENT, sent_at=now, last_error="", updated_at=now)
    logger.info("notification %s (%s, session %s) sent to %s", notification.pk,
                notification.recipient, notification.session_id, masked(address))  # fmt: skip
    _audit(notification, f"{notification.recipient} email sent")
    return Outcome(Status.SENT)


def _not_needed(notification: Notification) -> str:
    session = notification.session
    acted_on = SignalAcknowledgement.objects.filter(
        episode_id=session.episode_id, session_number=session.number, kind=notification.kind
    ).exists()
    if acted_on:
        return "acted on before it was sent"
    if notification.signal is not None and notification.signal.retired_at is not None:
        return "the signal no longer holds (its form was corrected)"
    return ""


def _address(notification: Notification) -> tuple[str, str]:
    """(address, "") or ("", why there is none)."""
    client = notification.session.episode.client
    if notification.recipient == Notification.Recipient.CLINICIAN:
        clinician = client.clinician
        if not clinician.is_active:
            return "", "the clinician's account is deactivated"
        if not clinician.email.strip():
            return "", "the clinician has no email address (set on their Email page)"
        return clinician.email.strip(), ""
    duty = (
        CrisisResources.objects.filter(organization_id=client.organization_id)
        .values_list("duty_contact_email", flat=True)
        .first()
    )
    if not duty or not duty.strip():
        return "", "no duty contact is set (the organization's crisis resources)"
    return duty.strip(), ""


def _close(notification: Notification, status: str, reason: str, now: dt.datetime) -> Outcome:
    closed = Notification.objects.filter(pk=notification.pk, status=Status.PENDING).update(
        status=status, last_error=reason[:200], updated_at=now
    )
    if not closed:
        return Outcome("taken")
    if status == Status.UNDELIVERABLE:
        logger.error("notification %s (%s, session %s) undeliverable: %s", notification.pk,
                     notification.recipient, notification.session_id, reason)  # fmt: skip
        _audit(notification, f"{notification.recipient} email undeliverable")
    else:
        logger.info("notification %s (%s, session %s) not sent: %s", notification.pk,
                    notification.recipient, notification.session_id, reason)  # fmt: skip
    return Outcome(status)


def _failed(notification: Notification, attempt: int, exc: Exception, now: dt.datetime) -> Outcome:
    error = masked(f"{type(exc).__name__}: {exc}")[:200]
    if attempt < MAX_ATTEMPTS:
        retry_at = now + RETRY_DELAYS[attempt - 1]
        _set(notification, status=Status.PENDING, next_attempt_at=retry_at, claimed_at=None,
             last_error=error, updated_at=now)  # fmt: skip
        logger.warning("notification %s (%s, session %s): attempt %s of %s failed (%s); "
                       "trying again at %s", notification.pk, notification.recipient,
                       notification.session_id, attempt, MAX_ATTEMPTS, error,
                       retry_at.isoformat(timespec="seconds"))  # fmt: skip
        return Outcome(Status.PENDING, retry_at)
    _set(notification, status=Status.FAILED, last_error=error, updated_at=now)
    logger.error("notification %s (%s, session %s) failed after %s attempts: %s",
                 notification.pk, notification.recipient, notification.session_id, attempt,
                 error)  # fmt: skip
    _audit(notification, f"{notification.recipient} email failed after {attempt} attempts")
    return Outcome(Status.FAILED)


def _set(notification: Notification, **values: Any) -> None:
    Notification.objects.filter(pk=notification.pk).update(**values)


def _audit(notification: Notification, detail: str) -> None:
    client = notification.session.episode.client
    record_for_client("update", notification, client, fields=["status"], detail=detail)


_LOCAL_PART = re.compile(r"([\w.+-])[\w.+-]*@")


def masked(text: str) -> str:
    """`text` with each email address's local part cut to its first letter: a log names no
    one's address in full."""
    return _LOCAL_PART.sub(r"\1***@", text)
