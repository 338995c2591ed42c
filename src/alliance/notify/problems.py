"""What the organization's admin must see: notifications that did not reach anyone, and ones
waiting far past their time (the task worker not running), and sending one again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from alliance.audit.trail import record_for_client
from alliance.care.models import Organization

from .models import Notification
from .tasks import enqueue_delivery

# A notification still waiting this long after it was due was not picked up by any worker
# or sweep (both run every minute where a worker runs).
LATE = dt.timedelta(minutes=10)
Status = Notification.Status


def notification_problems(
    organization: Organization, *, now: dt.datetime | None = None
) -> QuerySet[Notification]:
    now = now or timezone.now()
    late = Q(status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=now - LATE)
    return (
        Notification.objects.filter(session__episode__client__organization=organization)
        .filter(Q(status__in=[Status.FAILED, Status.UNDELIVERABLE]) | late)
        .select_related("session__episode__client__clinician")
        .order_by("-raised_at", "id")
    )


def send_again(*, notification: Notification, user: Any) -> None:
    """A failed or undeliverable notification waits again (e.g. after its address was
    set), with its attempts counted afresh, and is queued now."""
    now = timezone.now()
    with transaction.atomic():
        again = Notification.objects.filter(
            pk=notification.pk, status__in=[Status.FAILED, Status.UNDELIVERABLE]
        ).update(status=Status.PENDING, attempts=0, next_attempt_at=now, claimed_at=None,
                 updated_at=now)  # fmt: skip
        if not again:
            return
        record_for_client("update", notification, notification.session.episode.client,
                          fields=["status"], detail="sent again by the admin")  # fmt: skip
        transaction.on_commit(lambda: enqueue_delivery(notification.pk))
