"""The audit trail's hash chain: each entry's hash and the check of the whole chain.

An entry's hash is an HMAC-SHA256, keyed with the audit key (keys.py), over its content and
the hash of the entry before it. Entries written before the chain was keyed keep their
plain SHA-256 hash (scheme 1); the keying migration then wrote one keyed entry saying how
many there were, so that unkeyed entries are accepted only as that fixed beginning: a chain
rewritten without the key, keyed with another key or "downgraded" to plain hashes fails.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .keys import audit_key
from .models import AuditEvent, AuditHead

GENESIS = "0" * 64
UNKEYED = AuditEvent.Scheme.UNKEYED.value
KEYED = AuditEvent.Scheme.KEYED.value
# The keyed entry that closes the unkeyed beginning of an older trail (its object_id is the
# number of unkeyed entries before it).
KEYING_TYPE = "audit_trail"
KEYING_DETAIL = "the chain is keyed (HMAC-SHA256) from here; earlier entries keep plain hashes"


def entry_hash(entry: Any, key: bytes | None = None) -> str:
    """The hash `entry` must carry under its scheme (`key`: the audit key in use)."""
    content: dict[str, Any] = {
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
    if entry.scheme == UNKEYED:
        return hashlib.sha256(_canonical(content)).hexdigest()
    content |= {
        "scheme": entry.scheme,
        "owner": entry.owner_id_at_time,
        "clients": list(entry.client_ids),
        "listed_owners": entry.listed_owners,
        "free_text": entry.free_text,
    }
    secret = key if key is not None else audit_key().secret
    return hmac.new(secret, _canonical(content), hashlib.sha256).hexdigest()


def _canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Head:
    """The chain as it stood after `count` entries: the hash of entry number `count`."""

    count: int
    hash: str
    source: str = ""  # where this head was recorded, for messages

    def __str__(self) -> str:
        return f"{self.count}:{self.hash}"


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: Head
    broken_at: int | None  # id of the first entry that does not verify; -1: at the end
    reason: str

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain(*, expected: Iterable[Head] = (), key: bytes | None = None) -> ChainReport:
    """Recompute every entry's hash and link, and compare the chain with heads recorded
    elsewhere (`expected`); the first break is reported."""
    secret = key if key is not None else audit_key().secret
    wanted: dict[int, list[Head]] = {}
    for head in expected:
        wanted.setdefault(head.count, []).append(head)
    previous, count, unkeyed, keyed = GENESIS, 0, 0, False

    def broken(at: int, reason: str) -> ChainReport:
        return ChainReport(count, Head(count, previous), at, reason)

    for entry in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if entry.previous_hash != previous:
            return broken(entry.pk, "does not follow the entry before it (one was deleted or "
                          "inserted)")  # fmt: skip
        problem = _scheme_problem(entry, unkeyed, keyed)
        if problem:
            return broken(entry.pk, problem)
        if not hmac.compare_digest(entry_hash(entry, secret), entry.hash):
            return broken(entry.pk, "its content was changed after it was written, or the "
                          "chain was rewritten without the audit key")  # fmt: skip
        unkeyed, keyed = (unkeyed + 1, keyed) if entry.scheme == UNKEYED else (unkeyed, True)
        for head in wanted.get(count, []):
            if head.hash != entry.hash:
                return broken(entry.pk, f"the chain up to here differs from the head "
                              f"{head.source} ({head}): it was rewritten")  # fmt: skip
        previous = entry.hash
    if unkeyed and not keyed:
        return broken(-1, "the trail holds unkeyed entries only: it was rewritten without the "
                      "audit key (or the keying migration never ran)")  # fmt: skip
    longest = max(wanted, default=0)
    if longest > count:
        head = wanted[longest][0]
        return broken(-1, f"the trail has {count} entries, fewer than the {head.count} of the "
                      f"head {head.source}: entries were removed from the end, or "
                      "the trail was wiped")  # fmt: skip
    stored = AuditHead.objects.filter(pk=1).values_list("last_hash", "entries").first()
    if stored is not None and (stored[0] != previous or stored[1] > count):
        return broken(-1, "the latest entries were removed")
    return ChainReport(count, Head(count, previous), None, "")


def _scheme_problem(entry: AuditEvent, unkeyed: int, keyed: bool) -> str:
    if entry.scheme == UNKEYED:
        if keyed:
            return "an unkeyed entry after the chain was keyed: rewritten without the audit key"
        if (
            entry.owner_id_at_time is not None
            or entry.client_ids
            or entry.listed_owners
            or (entry.free_text)
        ):
            return "its content was changed after it was written"  # unkeyed entries had none
        return ""
    if entry.scheme != KEYED:
        return f"unknown hash scheme {entry.scheme}"
    if (
        unkeyed
        and not keyed
        and (entry.object_type != KEYING_TYPE or entry.object_id != str(unkeyed))
    ):
        return (f"the {unkeyed} unkeyed entries before it are not the ones the chain was keyed "
                "after: entries were added to the unkeyed beginning")  # fmt: skip
    return ""
