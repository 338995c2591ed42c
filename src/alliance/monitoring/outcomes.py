"""Symptom change as services report it, over a whole episode: first score to last.

Per instrument (PHQ-9, GAD-7, ORS, each given twice or more), the Jacobson & Truax (1991,
J Consult Clin Psychol 59:12-19) category:
- `recovered`: reliable improvement AND from the clinical range at the first score to out
  of it at the last (reliable and clinically significant change);
- `improved`: reliable improvement without that crossing (never a case, or still one);
- `deteriorated`: reliable worsening;
- `unchanged`: neither.
Reliable change is reached AT the figure ("at or beyond"): the fixed figures of NHS Talking
Therapies (PHQ-9 6, GAD-7 4) and the ORS's 5, or a Jacobson-Truax figure where a site set an
SD and reliability (`MonitoringConfig.reliable_change_for`). Caseness: PHQ-9 10 or more,
GAD-7 8 or more, ORS below 25 (`MonitoringConfig.caseness_for`).

Joint, for PHQ-9 with GAD-7 (NHS Talking Therapies for anxiety and depression, as given in
INSTRUMENTS.md, "Change statistics"); each None unless both were given twice or more (the
service counts a finished course, i.e. paired first and last scores on both measures):
- `recovery`: at caseness on PHQ-9 or GAD-7 at the start, below caseness on both at the end;
  None when the client was a case on neither at the start (not counted by the service);
- `reliable_improvement`: reliable improvement on at least one, reliable deterioration on
  neither;
- `reliable_recovery`: `recovery` and `reliable_improvement` both; None where `recovery` is;
- `reliable_deterioration`: reliable deterioration on at least one.
The service's measures are these two (where a problem-specific anxiety measure replaces the
GAD-7 in a service, that measure would take its place; this project has none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .config import SYMPTOM_INSTRUMENTS, MonitoringConfig, higher_is_better
from .symptoms import improvement, is_case
from .types import ScoredAdministration, ScoredEpisode

Category = Literal["recovered", "improved", "unchanged", "deteriorated"]
# The joint definitions' two measures: depression and anxiety.
JOINT_INSTRUMENTS = ("phq-9", "gad-7")


@dataclass(frozen=True, slots=True)
class InstrumentOutcome:
    """One instrument's change from the first score of the episode to the last."""

    instrument: str
    category: Category
    scores: int
    first_session: int
    last_session: int
    first_total: float
    last_total: float
    # Last minus first, in the instrument's own direction (PHQ-9 14 to 8: -6).
    change: float
    # The same, positive when better (PHQ-9 14 to 8: 6; ORS 20 to 25: 5).
    improvement: float
    reliable_change: float
    caseness: float | None
    case_at_start: bool | None
    case_at_end: bool | None

    @property
    def reliably_improved(self) -> bool:
        return self.category in ("recovered", "improved")

    @property
    def reliably_deteriorated(self) -> bool:
        return self.category == "deteriorated"

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "category": self.category,
            "scores": self.scores,
            "first_session": self.first_session,
            "last_session": self.last_session,
            "first_total": self.first_total,
            "last_total": self.last_total,
            "change": self.change,
            "improvement": self.improvement,
            "reliable_change": self.reliable_change,
            "caseness": self.caseness,
            "case_at_start": self.case_at_start,
            "case_at_end": self.case_at_end,
        }


@dataclass(frozen=True, slots=True)
class EpisodeOutcome:
    """An episode's outcome: per instrument, and jointly for PHQ-9 with GAD-7."""

    client_id: str
    instruments: Mapping[str, InstrumentOutcome]
    recovery: bool | None
    reliable_improvement: bool | None
    reliable_recovery: bool | None
    reliable_deterioration: bool | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: plain dicts, lists, str, numbers at full precision, bools and None."""
        return {
            "client_id": self.client_id,
            "instruments": {name: o.as_dict() for name, o in self.instruments.items()},
            "recovery": self.recovery,
            "reliable_improvement": self.reliable_improvement,
            "reliable_recovery": self.reliable_recovery,
            "reliable_deterioration": self.reliable_deterioration,
        }


def instrument_outcome(
    series: Sequence[ScoredAdministration], config: MonitoringConfig | None = None
) -> InstrumentOutcome | None:
    """The Jacobson-Truax category of one instrument's series (one client's scores of one
    instrument), first score to last; None with fewer than two scores or no reliable-change
    figure for the instrument."""
    config = config or MonitoringConfig()
    if len(series) < 2:
        return None
    instrument = series[0].instrument
    if any(a.instrument != instrument for a in series):
        raise ValueError("an outcome is of one instrument: the series mixes instruments")
    ordered = sorted(series, key=lambda a: a.session_number)
    first, last = ordered[0], ordered[-1]
    return course_outcome(
        instrument,
        len(ordered),
        (first.session_number, first.total),
        (last.session_number, last.total),
        config,
    )


def course_outcome(
    instrument: str,
    scores: int,
    first: tuple[int, float],
    last: tuple[int, float],
    config: MonitoringConfig,
) -> InstrumentOutcome | None:
    """`instrument_outcome` from a course's ends, (session, total) each, and its number of
    scores (two or more): for a caller that holds the scores in columns."""
    threshold = config.reliable_change_for(instrument)
    if threshold is None:
        return None
    (first_session, first_total), (last_session, last_total) = first, last
    better_high = higher_is_better(instrument)
    caseness = config.caseness_for(instrument)
    gain = improvement(first_total, last_total, better_high)
    case_at_start = None if caseness is None else is_case(first_total, caseness, better_high)
    case_at_end = None if caseness is None else is_case(last_total, caseness, better_high)
    category: Category
    if gain >= threshold:
        category = "recovered" if case_at_start and case_at_end is False else "improved"
    elif -gain >= threshold:
        category = "deteriorated"
    else:
        category = "unchanged"
    return InstrumentOutcome(
        instrument=instrument,
        category=category,
        scores=scores,
        first_session=first_session,
        last_session=last_session,
        first_total=first_total,
        last_total=last_total,
        # + 0.0: a change of nothing is 0.0, not -0.0.
        change=(gain if better_high else -gain) + 0.0,
        improvement=gain,
        reliable_change=threshold,
        caseness=caseness,
        case_at_start=case_at_start,
        case_at_end=case_at_end,
    )


def episode_outcome(
    episode: ScoredEpisode, config: MonitoringConfig | None = None
) -> EpisodeOutcome:
    """The episode's outcome: each symptom instrument given twice or more, and the joint
    PHQ-9 + GAD-7 definitions (see the module's docstring for each rule and its source)."""
    config = config or MonitoringConfig()
    instruments: dict[str, InstrumentOutcome] = {}
    for instrument in SYMPTOM_INSTRUMENTS:
        outcome = instrument_outcome(episode.series(instrument), config)
        if outcome is not None:
            instruments[instrument] = outcome
    return joint_outcome(episode.client_id, instruments)


def joint_outcome(client_id: str, instruments: Mapping[str, InstrumentOutcome]) -> EpisodeOutcome:
    """The episode's outcome from its instruments' outcomes (SYMPTOM_INSTRUMENTS order)."""
    joint = [instruments.get(instrument) for instrument in JOINT_INSTRUMENTS]
    paired = [o for o in joint if o is not None]
    if len(paired) < len(JOINT_INSTRUMENTS):
        return EpisodeOutcome(client_id, instruments, None, None, None, None)
    improved = any(o.reliably_improved for o in paired)
    deteriorated = any(o.reliably_deteriorated for o in paired)
    reliable_improvement = improved and not deteriorated
    recovery: bool | None = None
    reliable_recovery: bool | None = None
    if any(o.case_at_start for o in paired):
        recovery = all(o.case_at_end is False for o in paired)
        reliable_recovery = recovery and reliable_improvement
    return EpisodeOutcome(
        client_id=client_id,
        instruments=instruments,
        recovery=recovery,
        reliable_improvement=reliable_improvement,
        reliable_recovery=reliable_recovery,
        reliable_deterioration=deteriorated,
    )
