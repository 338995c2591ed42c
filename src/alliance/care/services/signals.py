"""Keeping an episode's stored signals in step with its administrations.

The monitoring core computes the signals; this stores them so that a signal keeps its
identity across recomputes (episode, session, kind, instrument): a page opened before a
recompute still posts to it, and what the clinician recorded stays attached. A signal that no
longer holds is retired with when and why, never deleted.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from alliance.measures import Score
from alliance.monitoring import ScoredAdministration, ScoredEpisode, Signal, monitor_episode
from alliance.notify.services import alert_raised_signals

from ..models import Administration, Episode, Organization, SignalRecord
from .caseload import refresh_attention
from .reference import client_reference


def refresh_signals(episode: Episode, *, because: str = "the forms changed") -> list[SignalRecord]:
    """Recompute the episode's signals from its current administrations and store them.

    A signal that still holds keeps its row (its identity: episode, session, kind,
    instrument), so a page opened before the recompute still posts to it and what the
    clinician recorded stays attached; a signal that no longer holds is retired with when
    and `because`, never deleted. Returns the signals in force.
    """
    forms = (
        Administration.objects.filter(session__episode=episode, amended_by__isnull=True)
        .select_related("session")
        .order_by("session__number", "id")
    )
    scored = ScoredEpisode.of(
        str(episode.client_id),
        [
            ScoredAdministration(
                a.session.number,
                a.instrument,
                Score.from_record(a.score),
                "therapist" if a.respondent == "therapist" else "client",
                a.session.held_on,
            )
            for a in forms
        ],
    )
    reference = client_reference(episode.client_id)
    signals = monitor_episode(
        scored,
        trajectories=reference.trajectories if reference else None,
        pooled_srs_sd=reference.pooled_srs_sd if reference else None,
    )
    latest = max((a.session_number for a in scored.administrations), default=None)
    with transaction.atomic():
        return _store_signals(episode, signals, latest, because)


SIGNAL_FIELDS = ("severity", "rule", "evidence", "explanation", "suggested_action", "current",
                 "retired_at", "retired_reason")  # fmt: skip


def _store_signals(
    episode: Episode, signals: list[Signal], latest: int | None, because: str
) -> list[SignalRecord]:
    stored = {
        (r.session_number, r.kind, r.instrument): r
        for r in SignalRecord.objects.select_for_update().filter(episode=episode)
    }
    now = timezone.now()
    in_force, new, changed = [], [], []
    # Raised again after a correction had retired it: news, as a new one is.
    retired = {key for key, record in stored.items() if record.retired_at is not None}
    revived = []
    for s in signals:
        values = {"severity": s.severity, "rule": s.rule, "evidence": s.evidence,
                  "explanation": s.explanation, "suggested_action": s.suggested_action,
                  "current": s.session_number == latest, "retired_at": None,
                  "retired_reason": ""}  # fmt: skip
        record = stored.pop((s.session_number, s.kind, s.instrument), None)
        if record is None:
            record = SignalRecord(episode=episode, session_number=s.session_number,
                                  kind=s.kind, instrument=s.instrument, **values)  # fmt: skip
            new.append(record)
        elif any(getattr(record, name) != value for name, value in values.items()):
            if (s.session_number, s.kind, s.instrument) in retired:
                revived.append(record)
            for name, value in values.items():
                setattr(record, name, value)
            record.computed_at = now
            changed.append(record)
        in_force.append(record)
    for record in stored.values():
        if record.retired_at is None:
            record.retired_at, record.retired_reason = now, because[:200]
            record.current = False
            changed.append(record)
    SignalRecord.objects.bulk_create(new)
    SignalRecord.objects.bulk_update(changed, [*SIGNAL_FIELDS, "computed_at"], batch_size=500)
    refresh_attention([episode.client_id])
    # An urgent signal is emailed to the clinician (and escalated) once this commits.
    alert_raised_signals(episode, [*new, *revived])
    return in_force


def refresh_all_signals(organization: Organization) -> int:
    """Recompute every episode's signals against the current reference (after a refit)."""
    count = 0
    for episode in Episode.objects.filter(client__organization=organization):
        with transaction.atomic():
            refresh_signals(episode, because="the expected-response reference was refitted")
        count += 1
    return count
