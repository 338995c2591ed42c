"""Recording a rupture as the clinician judged it, its repair steps and its outcome.

The scores can only suggest that something happened (the `possible_rupture` signal); the type
and the markers are the clinician's judgement. The marker lists follow the withdrawal and
confrontation markers of the rupture literature (Safran & Muran 2000; Eubanks, Muran &
Safran's Rupture Resolution Rating System), in the project's own short words.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alliance.audit.trail import record_for_client
from alliance.errors import DomainError

from ..models import Episode, RepairStep, Rupture, SignalAcknowledgement, SignalRecord
from .caseload import refresh_attention

MARKERS: dict[str, tuple[tuple[str, str], ...]] = {
    "withdrawal": (
        ("denial", "Denies a concern that seems to be there"),
        ("minimal", "Minimal or curt answers"),
        ("abstract", "Talks in abstract, intellectual terms"),
        ("topic_shift", "Shifts topic or tells stories that avoid the point"),
        ("appeasing", "Defers or appeases; agrees too readily"),
        ("content_affect_split", "Words and feelings do not match"),
        ("self_critical", "Self-critical or hopeless, away from the work"),
        ("missed", "Late, missed or cancelled sessions"),
    ),
    "confrontation": (
        ("about_therapist", "Complains about the therapist"),
        ("rejects_intervention", "Rejects an intervention"),
        ("about_activities", "Complains about what therapy asks them to do"),
        ("about_parameters", "Complains about times, fees or arrangements"),
        ("about_progress", "Complains about (lack of) progress"),
        ("defends", "Defends self against the therapist"),
        ("pressures", "Tries to control or pressure the therapist"),
    ),
}
MARKER_LABELS = {key: label for pairs in MARKERS.values() for key, label in pairs}
NOTE_LIMIT = 4000
RUPTURE_FIELDS = ["session_number", "rupture_type", "noticed_via", "markers", "description"]


class RuptureError(DomainError):
    """A rupture record that cannot be stored; `code` is stable, `message` names the problem."""


def record_rupture(
    *,
    episode: Episode,
    session_number: int,
    rupture_type: str,
    noticed_via: str,
    markers: Iterable[str] = (),
    description: str = "",
    user: Any,
) -> Rupture:
    if rupture_type not in Rupture.Type.values:
        raise RuptureError("bad_type", "the type is withdrawal, confrontation or unclear")
    if noticed_via not in Rupture.NoticedVia.values:
        raise RuptureError("bad_noticed_via", "say how the rupture was noticed")
    _check_session(episode, session_number)
    chosen = list(dict.fromkeys(markers))
    allowed = (
        set(MARKER_LABELS) if rupture_type == "unclear" else {k for k, _ in MARKERS[rupture_type]}
    )
    wrong = [m for m in chosen if m not in allowed]
    if wrong:
        raise RuptureError(
            "bad_marker",
            f"marker {wrong[0]!r} is not a {rupture_type} marker"
            if wrong[0] in MARKER_LABELS
            else f"unknown marker {wrong[0]!r}",
        )
    with transaction.atomic():
        rupture = Rupture.objects.create(
            episode=episode,
            session_number=session_number,
            rupture_type=rupture_type,
            noticed_via=noticed_via,
            markers=chosen,
            description=_note(description, "description"),
            recorded_by=user,
        )
        record_for_client("create", rupture, episode.client, fields=RUPTURE_FIELDS)
        _settle_rupture_signals(rupture, user)
    return rupture


def _settle_rupture_signals(rupture: Rupture, user: Any) -> None:
    """Recording the rupture is what the session's `possible_rupture` signal asked for: the
    loop is closed once, here, and the caseload stops flagging it."""
    episode = rupture.episode
    open_signals = (
        SignalRecord.objects.in_force()
        .with_acknowledgement()
        .filter(episode=episode, session_number=rupture.session_number, kind="possible_rupture")
        .filter(Q(acknowledged=False))
    )
    for signal in open_signals:
        acknowledgement = SignalAcknowledgement.objects.create(
            episode=episode, session_number=signal.session_number, kind=signal.kind,
            instrument=signal.instrument, action=SignalAcknowledgement.Action.DISCUSSED,
            note=f"Rupture recorded ({rupture.rupture_type})", recorded_by=user,
        )  # fmt: skip
        record_for_client("create", acknowledgement, episode.client, fields=["action", "note"])
    refresh_attention([episode.client_id])


def record_repair_step(
    *, rupture: Rupture, step: str, session_number: int, note: str = "", user: Any
) -> RepairStep:
    if step not in RepairStep.Step.values:
        raise RuptureError("bad_step", "a repair step is noticed, marked or explored")
    _check_session(rupture.episode, session_number)
    if session_number < rupture.session_number:
        raise RuptureError(
            "step_before_rupture",
            f"session {session_number} is before the rupture (session {rupture.session_number})",
        )
    with transaction.atomic():
        # Lock the rupture so two quick submissions cannot both add the same step.
        Rupture.objects.select_for_update().filter(pk=rupture.pk).first()
        if rupture.steps.filter(step=step).exists():
            label = RepairStep.Step(step).label.lower()
            raise RuptureError("step_recorded", f"'{label}' is already recorded")
        repair = RepairStep.objects.create(
            rupture=rupture,
            step=step,
            session_number=session_number,
            note=_note(note, "note"),
            recorded_by=user,
        )
        record_for_client("create", repair, rupture.episode.client,
                          fields=["step", "session_number", "note"])  # fmt: skip
        return repair


def record_outcome(
    *, rupture: Rupture, outcome: str, session_number: int, note: str = "", user: Any
) -> Rupture:
    """Set the rupture's outcome as of `session_number` (a later outcome replaces it; the
    change is kept in the audit trail)."""
    if outcome not in Rupture.Outcome.values:
        raise RuptureError(
            "bad_outcome", "the outcome is open, resolved, partly, unresolved or ended"
        )
    _check_session(rupture.episode, session_number)
    if session_number < rupture.session_number:
        raise RuptureError(
            "outcome_before_rupture",
            f"session {session_number} is before the rupture (session {rupture.session_number})",
        )
    rupture.outcome = outcome
    rupture.outcome_session = session_number
    rupture.outcome_note = _note(note, "note")
    rupture.outcome_recorded_at = timezone.now()
    rupture.outcome_recorded_by = user
    fields = ["outcome", "outcome_session", "outcome_note", "outcome_recorded_at",
              "outcome_recorded_by"]  # fmt: skip
    with transaction.atomic():
        rupture.save(update_fields=fields)
        record_for_client("update", rupture, rupture.episode.client, fields=fields)
    return rupture


def _check_session(episode: Episode, session_number: int) -> None:
    if not episode.sessions.filter(number=session_number).exists():
        raise RuptureError("unknown_session", f"this episode has no session {session_number}")


def _note(text: str, name: str) -> str:
    text = text.strip()
    if len(text) > NOTE_LIMIT:
        raise RuptureError("too_long", f"the {name} is longer than {NOTE_LIMIT} characters")
    return text
