"""Writing to the audit trail (and, from chain.py, checking it).

Views and services call `record(...)`; who and from where come from the request being
served (set by `AuditContextMiddleware`), or are given explicitly (commands, the client's
link, where there is no signed-in user).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .chain import GENESIS, ChainReport, Head, entry_hash, verify_chain
from .heads import HEAD_INTERVAL, write_head_after_commit
from .keys import audit_key
from .models import AuditEvent, AuditHead

__all__ = ["GENESIS", "Actor", "ChainReport", "Head", "appended_together", "entry_hash",
           "record", "record_for_client", "verify_chain"]  # fmt: skip


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
    owner_id: int | None = None,
    clients: Iterable[int] = (),
    listed_owners: Iterable[int] = (),
    fields: Iterable[str] = (),
    detail: str = "",
    free_text: bool = False,
    actor: Actor | None = None,
) -> AuditEvent:
    """Append one entry. `obj` (a model instance) gives the type and id when not given.
    `clients` and `listed_owners`: the clients a list showed and whose they were.
    `free_text`: the detail holds words a person typed (see AuditEvent.free_text)."""
    actor = actor or current_actor()
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
    owners = sorted(set(listed_owners))
    entry = AuditEvent(
        at=timezone.now(),
        user_id_at_time=actor.user_id,
        username=actor.username[:150],
        organization_id_at_time=organization_id,
        action=action,
        object_type=object_type[:40],
        object_id=str(object_id)[:64],
        client_id_at_time=client_id,
        owner_id_at_time=owner_id,
        client_ids=list(clients),
        listed_owners=f",{','.join(map(str, owners))}," if owners else "",
        fields=sorted(fields),
        address=actor.address[:45],
        detail=detail[:200],
        free_text=free_text,
        scheme=AuditEvent.Scheme.KEYED,
    )
    audit_key()  # before anything is held or put aside: a missing key fails here
    pending = _pending.get()
    if pending is not None:
        pending.append(entry)
    else:
        _append([entry])
    return entry


# The entries of an `appended_together` block, put aside until it ends.
_pending: contextvars.ContextVar[list[AuditEvent] | None] = contextvars.ContextVar(
    "audit_pending", default=None
)


@contextlib.contextmanager
def appended_together() -> Iterator[None]:
    """Entries recorded inside the block join the chain together as it ends, under one lock.

    The chain's head is one row that every entry locks until its transaction commits. A
    transaction that records, then does slow work (monitoring a course after storing
    forms), held it through that work, and every other writer in every process queued
    behind it. Inside this block the head is locked only for the transaction's last
    moments. The block belongs inside the transaction (entries of a block that fails are
    never appended, as its transaction stores nothing); nested blocks append with the
    outermost."""
    if _pending.get() is not None:
        yield
        return
    entries: list[AuditEvent] = []
    token = _pending.set(entries)
    try:
        yield
    finally:
        _pending.reset(token)
    if entries:
        _append(entries)


def _append(entries: list[AuditEvent]) -> None:
    """Chain the entries in order after the head and store them, in one locked step."""
    key = audit_key().secret
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, last_hash=GENESIS)
            head = AuditHead.objects.select_for_update().get(pk=1)
        for entry in entries:
            entry.previous_hash = head.last_hash
            entry.hash = entry_hash(entry, key)
            head.last_hash = entry.hash
            head.entries += 1
            if head.entries % HEAD_INTERVAL == 0:
                # Only once committed: a head of an entry rolled back would look like a
                # removal.
                written = Head(head.entries, entry.hash)
                transaction.on_commit(
                    functools.partial(write_head_after_commit, written), robust=True
                )
        AuditEvent.objects.bulk_create(entries)
        head.save(update_fields=["last_hash", "entries"])


def record_for_client(action: str, obj: Any, client: Any, **kwargs: Any) -> AuditEvent:
    """`record` for something of one client's record: the entry names the client, its
    organization and its clinician by id (for the admin's view, the clinician's own trail
    and erasure)."""
    return record(action, obj, client_id=client.pk, organization_id=client.organization_id,
                  owner_id=client.clinician_id, **kwargs)  # fmt: skip


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR, as alliance.web.proxy.TrustedProxyMiddleware left it: the client's address
    # given by a trusted proxy, or the peer's own; no forwarded-for header reaches this.
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
