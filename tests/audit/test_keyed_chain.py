"""The audit trail cannot be rewritten unnoticed: the chain is keyed with a secret the
database does not hold, and its head is written outside the database, so that an edited,
deleted, truncated, wiped or rewritten-and-rechained trail fails `verify_audit`, and an
untouched one passes."""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alliance.audit.chain import UNKEYED, entry_hash
from alliance.audit.heads import HEAD_INTERVAL, heads_path, recorded_heads
from alliance.audit.keys import audit_key
from alliance.audit.models import AuditEvent, AuditHead
from alliance.audit.trail import Actor, record, verify_chain

pytestmark = pytest.mark.django_db

# Someone with the database but not the audit key.
ATTACKER_KEY = b"a key of the attacker's own, 32 bytes or more long"


def make_chain(n: int) -> list[AuditEvent]:
    return [
        record(
            "read",
            object_type="client",
            object_id=k,
            client_id=k,
            owner_id=1,
            actor=Actor(2, "u", "10.0.0.1"),
        )
        for k in range(n)
    ]


def verified() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def failure() -> str:
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit", stdout=io.StringIO())
    return str(raised.value)


def rechain(*, key: bytes | None, scheme: int, change: dict[int, str]) -> None:
    """Rewrite every entry (the usernames in `change`, by id) and recompute every hash and
    link with `key` under `scheme`, the head row too: what someone with the database and a
    key of their own could do."""
    previous = "0" * 64
    for entry in AuditEvent.objects.order_by("id"):
        entry.username = change.get(entry.pk, entry.username)
        entry.scheme = scheme
        if scheme == UNKEYED:
            entry.owner_id_at_time, entry.client_ids, entry.listed_owners = None, [], ""
        entry.previous_hash = previous
        entry.hash = entry_hash(entry, key)
        AuditEvent.objects.filter(pk=entry.pk).update(
            username=entry.username, scheme=scheme, owner_id_at_time=entry.owner_id_at_time,
            client_ids=entry.client_ids, listed_owners=entry.listed_owners,
            previous_hash=entry.previous_hash, hash=entry.hash,
        )  # fmt: skip
        previous = entry.hash
    AuditHead.objects.filter(pk=1).update(last_hash=previous)


def test_it_hashes_each_entry_with_hmac_sha256_under_the_audit_key() -> None:
    (entry,) = make_chain(1)
    assert entry.scheme == AuditEvent.Scheme.KEYED
    assert entry.hash == entry_hash(entry, audit_key().secret)
    assert entry.hash != entry_hash(entry, ATTACKER_KEY)
    # Computed by hand: the HMAC-SHA256 of the entry's content under the key.
    assert audit_key().source.endswith("audit-key")  # development: the data folder's key file
    mac = hmac.new(audit_key().secret, digestmod=hashlib.sha256)
    assert len(entry.hash) == mac.digest_size * 2 and int(entry.hash, 16) >= 0


def test_an_untouched_trail_verifies_and_its_head_is_printed_and_recorded(
    caplog: pytest.LogCaptureFixture,
) -> None:
    entries = make_chain(3)
    with caplog.at_level(logging.INFO, logger="alliance.audit.head"):
        out = verified()
    head = f"3:{entries[-1].hash}"
    assert out.splitlines() == ["audit trail intact: 3 entries", f"head: {head}"]
    assert [str(h) for h in recorded_heads()] == [head]
    assert heads_path().read_text().split()[1:] == [head, "verify_audit"]
    assert heads_path().stat().st_mode & 0o777 == 0o600
    assert [r.getMessage() for r in caplog.records] == [f"audit head {head} (verify_audit)"]
    make_chain(2)
    assert verified().startswith("audit trail intact: 5 entries")  # a longer trail: fine


def test_an_edited_entry_is_detected() -> None:
    entries = make_chain(4)
    AuditEvent.objects.filter(pk=entries[1].pk).update(detail="nothing to see")
    assert f"broken at entry {entries[1].pk}: its content was changed" in failure()


def test_a_deleted_entry_is_detected() -> None:
    entries = make_chain(4)
    AuditEvent.objects.filter(pk=entries[1].pk)._raw_delete(AuditEvent.objects.db)
    assert f"broken at entry {entries[2].pk}: does not follow the entry before it" in failure()


def test_a_trail_cut_short_is_detected_even_with_its_head_row_set_back() -> None:
    entries = make_chain(5)
    verified()  # head 5 recorded outside the database
    AuditEvent.objects.filter(pk__gte=entries[3].pk)._raw_delete(AuditEvent.objects.db)
    AuditHead.objects.filter(pk=1).update(last_hash=entries[2].hash, entries=3)
    message = failure()
    assert "broken at the end: the trail has 3 entries, fewer than the 5 of the head" in message
    assert f"recorded in {heads_path()} line 1" in message


def test_a_wiped_trail_is_detected() -> None:
    make_chain(5)
    verified()
    AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)
    AuditHead.objects.all().delete()
    assert "the trail has 0 entries, fewer than the 5 of the head" in failure()


def test_a_trail_rewritten_and_rechained_with_another_key_is_detected() -> None:
    entries = make_chain(4)
    rechain(key=ATTACKER_KEY, scheme=AuditEvent.Scheme.KEYED, change={entries[2].pk: "x"})
    report = verify_chain()
    assert report.broken_at == entries[0].pk  # every hash is the attacker's
    assert "rewritten without the audit key" in report.reason
    assert f"broken at entry {entries[0].pk}" in failure()


def test_a_trail_rewritten_as_plain_sha256_hashes_is_detected() -> None:
    entries = make_chain(4)
    rechain(key=None, scheme=UNKEYED, change={entries[2].pk: "x"})
    assert "the trail holds unkeyed entries only: it was rewritten without the audit key" in (
        failure()
    )


def test_a_rewrite_that_matches_the_database_head_still_fails_the_recorded_one() -> None:
    # Someone who had the key (a leaked one) rewrites the latest entry: the chain verifies,
    # the head recorded outside the database does not.
    entries = make_chain(3)
    verified()
    rechain(key=audit_key().secret, scheme=AuditEvent.Scheme.KEYED,
            change={entries[2].pk: "someone-else"})  # fmt: skip
    message = failure()
    assert f"broken at entry {entries[2].pk}: the chain up to here differs from the head" in (
        message
    )


def test_a_head_kept_elsewhere_is_checked_with_expect() -> None:
    entries = make_chain(3)
    assert verified().startswith("audit trail intact: 3 entries")
    heads_path().unlink()  # the file went too: the head kept elsewhere still catches it
    AuditEvent.objects.filter(pk=entries[2].pk)._raw_delete(AuditEvent.objects.db)
    AuditHead.objects.filter(pk=1).update(last_hash=entries[1].hash, entries=2)
    with pytest.raises(CommandError, match="fewer than the 3 of the head given with --expect"):
        call_command("verify_audit", expect=[f"3:{entries[2].hash}"], stdout=io.StringIO())
    with pytest.raises(CommandError, match="--expect takes COUNT:HASH"):
        call_command("verify_audit", expect=["3:not-a-hash"], stdout=io.StringIO())
    with pytest.raises(CommandError, match="--expect takes COUNT:HASH"):
        call_command("verify_audit", expect=["\N{SUPERSCRIPT THREE}:" + "0" * 64])


def test_an_edited_heads_file_is_reported_as_such(tmp_path: Path) -> None:
    make_chain(2)
    heads = tmp_path / "heads.log"
    heads.write_text("2026-11-29T00:00:00+00:00 2:tampered verify_audit\n")
    with pytest.raises(CommandError, match="line 1 is not a head"):
        call_command("verify_audit", heads_file=heads)


def test_the_trail_writes_its_head_every_hundred_entries_once_committed(
    django_capture_on_commit_callbacks: object,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        entries = make_chain(HEAD_INTERVAL + 1)
    assert [str(head) for head in recorded_heads()] == [f"100:{entries[99].hash}"]
    assert AuditHead.objects.get().entries == HEAD_INTERVAL + 1
