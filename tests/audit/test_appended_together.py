"""Entries recorded inside `appended_together` join the chain together as the block ends:
a transaction that stores forms and then monitors the course locks the chain's head only
for its last moments, and the chain is as intact as one entry at a time would leave it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from alliance.audit import heads as heads_module
from alliance.audit import trail
from alliance.audit.heads import recorded_heads
from alliance.audit.models import AuditEvent, AuditHead
from alliance.audit.trail import Actor, appended_together, record, verify_chain
from alliance.care.models import Administration
from alliance.care.services import links as links_module
from alliance.care.services.links import create_form_link, submit_forms
from alliance.care.services.sessions import start_session

from ..cast import client_of, phq9, srs

pytestmark = pytest.mark.django_db

WHO = Actor(1, "u", "::1")


def entries() -> int:
    head = AuditHead.objects.filter(pk=1).first()
    return head.entries if head else 0


def test_entries_wait_for_the_end_of_the_block_then_join_in_order() -> None:
    record("read", object_type="client", object_id=0, actor=WHO)
    with transaction.atomic(), appended_together():
        for n in range(1, 4):
            record("read", object_type="client", object_id=n, actor=WHO)
        assert AuditEvent.objects.count() == 1 and entries() == 1  # none appended yet
    assert list(AuditEvent.objects.order_by("id").values_list("object_id", flat=True)) == [
        "0", "1", "2", "3",
    ]  # fmt: skip
    assert entries() == 4
    assert verify_chain().intact


def test_a_block_that_fails_appends_nothing() -> None:
    record("read", object_type="client", object_id=0, actor=WHO)
    with pytest.raises(RuntimeError), transaction.atomic(), appended_together():
        record("read", object_type="client", object_id=1, actor=WHO)
        raise RuntimeError("the forms could not be stored")
    assert AuditEvent.objects.count() == 1 and entries() == 1
    record("read", object_type="client", object_id=2, actor=WHO)
    assert verify_chain().intact


def test_a_nested_block_appends_with_the_outermost() -> None:
    with transaction.atomic(), appended_together():
        with appended_together():
            record("read", object_type="client", object_id=1, actor=WHO)
        assert AuditEvent.objects.count() == 0
        record("read", object_type="client", object_id=2, actor=WHO)
    assert AuditEvent.objects.count() == 2
    assert verify_chain().intact


def test_a_head_is_written_for_each_interval_a_block_crosses(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(heads_module, "HEAD_INTERVAL", 3)
    monkeypatch.setattr(trail, "HEAD_INTERVAL", 3)
    committed = django_capture_on_commit_callbacks(execute=True)
    with committed, transaction.atomic(), appended_together():
        for n in range(7):
            record("read", object_type="client", object_id=n, actor=WHO)
    hashes = list(AuditEvent.objects.order_by("id").values_list("hash", flat=True))
    assert [(h.count, h.hash) for h in recorded_heads()] == [(3, hashes[2]), (6, hashes[5])]
    assert verify_chain(expected=recorded_heads()).intact


def test_stored_forms_are_audited_after_the_course_is_monitored(
    clinician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The monitoring runs before the forms' entries lock the chain's head: no entry of the
    forms exists while it runs, and all three are there, chained, once the forms are."""
    client = client_of(clinician, "A-1")
    session = start_session(client=client)
    _link, token = create_form_link(session=session, instruments=["srs", "phq-9"])
    seen: list[tuple[int, int]] = []
    refresh = links_module.refresh_signals

    def watching(*args: object, **kwargs: object) -> None:
        seen.append((AuditEvent.objects.filter(object_type="administration").count(), entries()))
        refresh(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(links_module, "refresh_signals", watching)
    before = entries()
    submit_forms(token=token, forms={"srs": srs(9.0), "phq-9": phq9(1)})
    assert seen == [(0, before)]
    stored = AuditEvent.objects.filter(object_type="administration", action="create")
    assert sorted(int(e.object_id) for e in stored) == sorted(
        Administration.objects.values_list("pk", flat=True)
    )
    assert verify_chain().intact
