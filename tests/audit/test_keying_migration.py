"""A trail written before the chain was keyed still verifies after the keying migration: its
entries keep their plain hashes, one keyed entry says how many there were, and from there
on the chain is keyed; tampering with the old entries is still detected."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from alliance.audit.models import AuditEvent
from alliance.audit.trail import Actor, record, verify_chain

BEFORE = [("audit", "0001_audit_trail")]
AFTER = [("audit", "0003_key_the_chain")]


def legacy_hash(fields: dict[str, Any]) -> str:
    """The unkeyed hash of the trail before keying, as it was written then."""
    content = {
        "at": fields["at"].isoformat(), "user": fields["user_id_at_time"],
        "username": fields["username"], "organization": fields["organization_id_at_time"],
        "action": fields["action"], "object_type": fields["object_type"],
        "object_id": fields["object_id"], "client": fields["client_id_at_time"],
        "fields": fields["fields"], "address": fields["address"], "detail": fields["detail"],
        "previous": fields["previous_hash"],
    }  # fmt: skip
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def write_legacy_trail(apps: Any, n: int) -> None:
    events = apps.get_model("audit", "AuditEvent").objects
    previous = "0" * 64
    for k in range(n):
        fields = {
            "at": dt.datetime(2026, 1, 5, 9, k, tzinfo=dt.UTC), "user_id_at_time": 1,
            "username": "clinician1", "organization_id_at_time": 1, "action": "read",
            "object_type": "client", "object_id": str(k), "client_id_at_time": k,
            "fields": [], "address": "10.0.0.1", "detail": "chart", "previous_hash": previous,
        }  # fmt: skip
        previous = legacy_hash(fields)
        events.create(hash=previous, **fields)
    apps.get_model("audit", "AuditHead").objects.create(pk=1, last_hash=previous)


@pytest.mark.django_db(transaction=True)
def test_an_old_trail_is_keyed_once_and_verifies_old_and_new_entries() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    write_legacy_trail(executor.loader.project_state(BEFORE).apps, 3)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    try:
        schemes = list(AuditEvent.objects.values_list("scheme", "object_type", "object_id"))
        assert schemes == [(1, "client", "0"), (1, "client", "1"), (1, "client", "2"),
                           (2, "audit_trail", "3")]  # fmt: skip
        record("read", object_type="client", object_id=9, actor=Actor(1, "clinician1", ""))
        report = verify_chain()
        assert report.intact and report.entries == 5, report.reason

        first = AuditEvent.objects.order_by("id").first()
        assert first is not None
        AuditEvent.objects.filter(pk=first.pk).update(detail="export")  # an old entry edited
        report = verify_chain()
        assert report.broken_at == first.pk and "content was changed" in report.reason
    finally:
        AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_an_unkeyed_entry_after_the_keying_is_refused() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    write_legacy_trail(executor.loader.project_state(BEFORE).apps, 2)
    MigrationExecutor(connection).migrate(AFTER)
    try:
        last = record("read", object_type="client", object_id=9, actor=Actor(1, "u", ""))
        # Written as an old, unkeyed entry: hashable without the key, so never accepted here.
        AuditEvent.objects.filter(pk=last.pk).update(scheme=1)
        report = verify_chain()
        assert report.broken_at == last.pk and "after the chain was keyed" in report.reason
    finally:
        AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)
        call_command("migrate", verbosity=0)
