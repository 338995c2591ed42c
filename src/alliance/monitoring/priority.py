"""One priority and one headline per session: the most pressing signal, the others under it.

A session that raised five overlapping signals (a fall below the cutoff, a possible rupture,
a low line, the symptom change) reads as one card: its headline is what to raise first, its
priority the most severe signal's severity. The order within a severity is clinical: safety
first, then what is happening in the relationship today, then the course of treatment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from .types import Severity, Signal

SEVERITY_RANK: dict[str, int] = {"urgent": 0, "warning": 1, "info": 2}
# Within a severity, most pressing first. A kind not listed sorts after the listed ones.
KIND_ORDER = (
    "self_harm_risk",
    "alliance_concern",
    "possible_rupture",
    "sustained_low_alliance",
    "alliance_decline",
    "alliance_drop",
    "lost_improvement",
    "reliable_deterioration",
    "not_on_track",
    "alliance_symptom_divergence",
    "wai_profile",
    "alliance_item_low",
    "reliable_recovery",
    "reliable_improvement",
)
_KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_ORDER)}


class Rated(Protocol):
    """A signal as the core raises it, or as a store keeps it."""

    @property
    def kind(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def instrument(self) -> str: ...


def pressing_order(signal: Rated) -> tuple[int, int, str]:
    """Sort key: most pressing first (severity, then the clinical order of kinds)."""
    return (
        SEVERITY_RANK[signal.severity],
        _KIND_RANK.get(signal.kind, len(KIND_ORDER)),
        signal.instrument,
    )


@dataclass(frozen=True, slots=True)
class SessionPriority:
    session_number: int
    priority: Severity
    headline: Signal
    others: tuple[Signal, ...]

    @property
    def rank(self) -> int:
        """0 urgent, 1 warning, 2 info: for ordering sessions and clients."""
        return SEVERITY_RANK[self.priority]

    def as_dict(self) -> dict[str, object]:
        return {
            "session": self.session_number,
            "priority": self.priority,
            "headline": self.headline.kind,
            "headline_instrument": self.headline.instrument,
            "others": [s.kind for s in self.others],
        }


def session_priorities(signals: Iterable[Signal]) -> list[SessionPriority]:
    """Each session that raised a signal, in session order, with its headline first."""
    by_session: dict[int, list[Signal]] = {}
    for signal in signals:
        by_session.setdefault(signal.session_number, []).append(signal)
    result = []
    for number in sorted(by_session):
        ordered = sorted(by_session[number], key=pressing_order)
        result.append(SessionPriority(number, ordered[0].severity, ordered[0], tuple(ordered[1:])))
    return result
