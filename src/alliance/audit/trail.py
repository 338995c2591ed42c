"""Writing to and checking the audit trail.

Views and services call `record(...)`; who and from where come from the request being
served (set by `AuditContextMiddleware`), or are given explicitly (commands, the client's
link, where there is no signed-in user).
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import AuditEvent, AuditHead

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    address: str


_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("audit_actor", default=None)


def current_actor() -> Actor:
    return _actor.get() or Actor(None, "system", "")


def record(
    action: str,
    obj: Any = None,
    *,
    object_type: str = "",
    object_id: Any = "",
    client_id: int | None = None,
    organization_id: int | None = None,
    fields: Iterable[str] = (),
    detail: str = "",
    actor: Actor | None = None,
) -> AuditEvent:
    """Append one entry. `obj` (a model instance) gives the type and id when not given."""
    actor = actor or current_actor()
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
    entry = AuditEvent(
        at=timezone.now(),
        user_id_at_time=actor.user_id,
        username=actor.username[:150],
        organization_id_at_time=organization_id,
        action=action,
        object_type=object_type[:40],
        object_id=str(object_id)[:64],
        client_id_at_time=client_id,
        fields=sorted(fields),
        address=actor.address[:45],
        detail=detail[:200],
    )
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, last_hash=GENESIS)
            head = AuditHead.objects.select_for_update().get(pk=1)
        entry.previous_hash = head.last_hash
        entry.hash = entry_hash(entry)
        entry.save()
        head.last_hash = entry.hash
        head.save(update_fields=["last_hash"])
    return entry


def record_for_client(action: str, obj: Any, client: Any, **kwargs: Any) -> AuditEvent:
    """`record` for something of one client's record: the entry names the client and its
    organization by id (for the admin's view and for erasure)."""
    return record(action, obj, client_id=client.pk, organization_id=client.organization_id,
                  **kwargs)  # fmt: skip


def entry_hash(entry: AuditEvent) -> str:
    content = {
        "at": entry.at.isoformat(),
        "user": entry.user_id_at_time,
        "username": entry.username,
        "organization": entry.organization_id_at_time,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "client": entry.client_id_at_time,
        "fields": list(entry.fields),
        "address": entry.address,
        "detail": entry.detail,
        "previous": entry.previous_hash,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    entries: int
    broken_at: int | None  # id of the first entry that does not verify
    reason: str

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain() -> ChainReport:
    """Recompute every entry's hash and link; the first break is reported."""
    previous = GENESIS
    count = 0
    for entry in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if entry.previous_hash != previous:
            return ChainReport(count, entry.pk, "does not follow the entry before it (one "
                               "was deleted or inserted)")  # fmt: skip
        if entry_hash(entry) != entry.hash:
            return ChainReport(count, entry.pk, "its content was changed after it was written")
        previous = entry.hash
    head = AuditHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    if head is not None and head != previous:
        return ChainReport(count, -1, "the latest entries were removed")
    return ChainReport(count, None, "")


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a forwarded-for header is the client's to forge. Behind a proxy,
    # the proxy must set REMOTE_ADDR (see SECURITY.md).
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


class AuditContextMiddleware:
    """Makes the signed-in user and their address the actor of what this request records."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = Actor(user.pk, user.get_username(), client_address(request))
        else:
            actor = Actor(None, "", client_address(request))
        token = _actor.set(actor)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)
