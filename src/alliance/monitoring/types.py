"""What the monitoring engine takes (an episode of scored forms) and gives (signals)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from alliance.measures import Score

Severity = Literal["info", "warning", "urgent"]
Respondent = Literal["client", "therapist"]

SIGNAL_KINDS = (
    "alliance_concern",
    "alliance_drop",
    "alliance_item_low",
    "sustained_low_alliance",
    "possible_rupture",
    "alliance_decline",
    "wai_profile",
    "self_harm_risk",
    "reliable_improvement",
    "reliable_deterioration",
    "reliable_recovery",
    "lost_improvement",
    "not_on_track",
    "alliance_symptom_divergence",
)


@dataclass(frozen=True, slots=True)
class ScoredAdministration:
    """One scored form in an episode (the core's view of a stored administration)."""

    session_number: int
    instrument: str
    score: Score
    respondent: Respondent = "client"
    date: dt.date | None = None

    @property
    def total(self) -> float:
        return float(self.score.total)


@dataclass(frozen=True, slots=True)
class ScoredEpisode:
    """One client's course of treatment: scored administrations in session order."""

    client_id: str
    administrations: tuple[ScoredAdministration, ...]
    clinician_id: str | None = None

    @classmethod
    def of(
        cls,
        client_id: str,
        administrations: Iterable[ScoredAdministration],
        clinician_id: str | None = None,
    ) -> ScoredEpisode:
        ordered = sorted(
            administrations, key=lambda a: (a.session_number, a.instrument, a.respondent)
        )
        return cls(client_id, tuple(ordered), clinician_id)

    def series(
        self, instrument: str, respondent: Respondent = "client"
    ) -> list[ScoredAdministration]:
        """The administrations of one instrument by one respondent, in session order."""
        return [
            a
            for a in self.administrations
            if a.instrument == instrument and a.respondent == respondent
        ]

    def session_numbers(self) -> list[int]:
        return sorted({a.session_number for a in self.administrations})

    def __iter__(self) -> Iterator[ScoredAdministration]:
        return iter(self.administrations)


@dataclass(frozen=True, slots=True)
class Signal:
    """Something the rules raised about one session, with the numbers behind it."""

    kind: str
    session_number: int
    instrument: str
    severity: Severity
    rule: str
    evidence: dict[str, Any]
    explanation: str
    suggested_action: str
    client_id: str | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "session": self.session_number,
            "instrument": self.instrument,
            "severity": self.severity,
            "rule": self.rule,
            "evidence": self.evidence,
            "explanation": self.explanation,
            "suggested_action": self.suggested_action,
        }
