"""Closing the loop on a signal: the clinician records what was done."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from alliance.audit.trail import record_for_client
from alliance.errors import DomainError

from ..models import SignalAcknowledgement, SignalRecord
from .caseload import refresh_attention


class AcknowledgementError(DomainError):
    """What was done about a signal cannot be recorded as given."""


def acknowledge_signal(
    *, signal: SignalRecord, action: str, note: str, user: Any
) -> SignalAcknowledgement:
    if action not in SignalAcknowledgement.Action.values:
        raise AcknowledgementError("unknown_action", f"unknown action {action!r}")
    note = note.strip()
    if signal.severity == "urgent" and not note:
        raise AcknowledgementError("note_needed", "say what was done: a safety signal needs a note")
    with transaction.atomic():
        acknowledgement = SignalAcknowledgement.objects.create(
            episode=signal.episode,
            session_number=signal.session_number,
            kind=signal.kind,
            instrument=signal.instrument,
            action=action,
            note=note[:4000],
            recorded_by=user,
        )
        record_for_client("create", acknowledgement, signal.episode.client,
                          fields=["action", "note"])  # fmt: skip
        # A safety signal acted on no longer heads the caseload.
        refresh_attention([signal.episode.client_id])
    return acknowledgement
