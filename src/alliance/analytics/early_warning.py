"""How well not_on_track warned, judged by how each episode ended.

An eventual reliable deteriorator (or improver) is a client whose last score on the outcome
measure (PHQ-9, else ORS) is worse (or better) than their first by at least the instrument's
reliable-change figure (`MonitoringConfig.reliable_change_for`: PHQ-9 6, ORS 5 as shipped),
as `alliance.monitoring.outcomes` categorises an episode.
A good early warning flags most deteriorators early (Lambert's system: 85% by session 3,
Hannan et al. 2005) and few improvers ever. Any not_on_track signal counts as a flag, on any
measure, at the session numbers of the file (as bench/bench_signals.py counts them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from alliance.monitoring import MonitoringConfig, ScoredEpisode, Signal
from alliance.monitoring.outcomes import InstrumentOutcome, instrument_outcome

JUDGED_ON = ("phq-9", "ors")  # the first one given twice or more is the outcome
BY_SESSIONS = (3, 4, 6)
BENCHMARK = (
    "Lambert's OQ system flagged 85% of eventual deteriorators by session 3 (Hannan et al. 2005)"
)


Mark = tuple[str, int]  # a signal's kind and session: all the summary keeps of it


def marks_of(signals: Sequence[Signal]) -> list[Mark]:
    return [(s.kind, s.session_number) for s in signals]


class EarlyWarning:
    """Counts, one client at a time."""

    def __init__(self, config: MonitoringConfig) -> None:
        self.config = config
        self.deteriorators: Counter[str] = Counter()
        self.improvers: Counter[str] = Counter()
        self.flagged_by = dict.fromkeys(BY_SESSIONS, 0)
        self.improvers_flagged = 0

    def add(self, episode: ScoredEpisode, signals: Sequence[Signal]) -> None:
        self.add_outcome(judged_outcome(episode, self.config), marks_of(signals))

    def add_outcome(self, outcome: InstrumentOutcome | None, marks: Sequence[Mark]) -> None:
        """One client by the outcome they are judged on (`judged_outcome`) and the marks of
        their signals."""
        if outcome is None:  # no measure given twice, or no reliable-change figure for it
            return
        instrument = outcome.instrument
        flags = [session for kind, session in marks if kind == "not_on_track"]
        first_flag = min(flags) if flags else None
        if outcome.reliably_deteriorated:
            self.deteriorators[instrument] += 1
            for by in BY_SESSIONS:
                self.flagged_by[by] += first_flag is not None and first_flag <= by
        elif outcome.reliably_improved:
            self.improvers[instrument] += 1
            self.improvers_flagged += first_flag is not None

    def as_dict(self) -> dict[str, Any]:
        worse, better = self.deteriorators.total(), self.improvers.total()
        return {
            "outcome_measures": list(JUDGED_ON),
            "deteriorators": {
                "n": worse,
                "by_measure": dict(self.deteriorators),
                "flagged_by_session": {
                    str(by): {"count": count, "share": _share(count, worse)}
                    for by, count in self.flagged_by.items()
                },
            },
            "improvers": {
                "n": better,
                "by_measure": dict(self.improvers),
                "ever_flagged": {
                    "count": self.improvers_flagged,
                    "share": _share(self.improvers_flagged, better),
                },
            },
            "benchmark": BENCHMARK,
        }


def judged_outcome(episode: ScoredEpisode, config: MonitoringConfig) -> InstrumentOutcome | None:
    """The outcome an episode is judged on: its first measure of JUDGED_ON given twice or
    more; None without one, or without a reliable-change figure for it."""
    for instrument in JUDGED_ON:
        series = episode.series(instrument)
        if len(series) >= 2:
            return instrument_outcome(series, config)
    return None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
