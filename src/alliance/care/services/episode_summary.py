"""An episode's outcome as the discharge page and the client page show it: for each outcome
measure given twice or more, its first and last scores, the change and the Jacobson-Truax
category (recovered, improved, unchanged, deteriorated), from the monitoring core
(`alliance.monitoring.outcomes.episode_outcome`), and the joint PHQ-9 with GAD-7 figures.

Derived, never stored: recomputed from the episode's forms as they stand (a correction
counts), so the summary after discharge is the one the core gives for those forms. A
client's whole history is read in two queries, however many episodes it has.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max

from alliance.measures import Score, get_definition
from alliance.monitoring import MonitoringConfig, ScoredAdministration, ScoredEpisode
from alliance.monitoring.config import SYMPTOM_INSTRUMENTS
from alliance.monitoring.outcomes import EpisodeOutcome, InstrumentOutcome, episode_outcome

from ..models import Administration, Client, Episode

CATEGORY_SAID = {
    "recovered": "reliable improvement, out of the clinical range",
    "improved": "reliable improvement",
    "unchanged": "no reliable change",
    "deteriorated": "reliable deterioration",
}


@dataclass(frozen=True)
class MeasureChange:
    instrument: str
    label: str  # "PHQ-9"
    category: str  # recovered, improved, unchanged, deteriorated
    said: str  # the category in a few words
    first_session: int
    last_session: int
    first: str
    last: str
    change: str  # "-8", "+3.5": last minus first, in the measure's own direction
    reliable_change: str
    caseness: str


@dataclass(frozen=True)
class EpisodeSummary:
    episode: Episode
    number: int  # the client's first episode is 1
    sessions: int
    last_held_on: dt.date | None
    measures: list[MeasureChange]
    # Outcome measures given only once: nothing to compare.
    single: list[str] = field(default_factory=list)
    # The joint PHQ-9 with GAD-7 figures that apply: (what, yes or no).
    joint: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.episode.ended_on is None


def episode_history(client: Client, *, open_outcome: bool = True) -> list[EpisodeSummary]:
    """Every episode of the client, the latest first, each with its outcome (two queries).
    With `open_outcome` false, an open episode's outcome is left out (no measures) and its
    forms unread: the client page shows the outcome of closed episodes only (an open one's
    is shown on discharge), and a long course's forms cost more than the rest of the list."""
    episodes = list(
        client.episodes.annotate(session_count=Count("sessions"), last_on=Max("sessions__held_on"))
        .order_by("started_on", "id")
    )  # fmt: skip
    judged = [e.pk for e in episodes if open_outcome or e.ended_on is not None]
    forms = _forms_by_episode(judged) if judged else {}
    summaries = [
        _summary(episode, number, forms.get(episode.pk, []))
        if episode.pk in judged
        else _unjudged(episode, number)
        for number, episode in enumerate(episodes, start=1)
    ]
    return summaries[::-1]


def current_of(history: list[EpisodeSummary]) -> Episode | None:
    """The episode `clients.current_episode` names (the open one, else the latest ended),
    taken from a client's `episode_history` instead of read again."""
    return next((s.episode for s in history if s.is_open), history[0].episode if history else None)


def summarize_episode(episode: Episode) -> EpisodeSummary:
    """One episode's summary (for the discharge page)."""
    for summary in episode_history(episode.client):
        if summary.episode.pk == episode.pk:
            return summary
    raise LookupError("the episode is not among its client's episodes")


def _forms_by_episode(episode_ids: list[int]) -> dict[int, list[ScoredAdministration]]:
    rows = Administration.objects.filter(
        session__episode_id__in=episode_ids, amended_by__isnull=True, respondent="client",
        instrument__in=SYMPTOM_INSTRUMENTS,
    ).values_list("session__episode_id", "session__number", "instrument", "total")  # fmt: skip
    forms: dict[int, list[ScoredAdministration]] = defaultdict(list)
    for episode_id, number, instrument, total in rows:
        # The outcome reads only the totals: a light score stands in for the stored one.
        score = Score(instrument, total, {}, {}, None, (), (), {})
        forms[episode_id].append(ScoredAdministration(number, instrument, score))
    return forms


def _summary(episode: Episode, number: int, forms: list[ScoredAdministration]) -> EpisodeSummary:
    outcome = episode_outcome(ScoredEpisode.of(str(episode.client_id), forms), MonitoringConfig())
    given = {a.instrument for a in forms}
    return EpisodeSummary(
        episode=episode,
        number=number,
        sessions=getattr(episode, "session_count", 0),
        last_held_on=getattr(episode, "last_on", None),
        measures=[_change(o) for o in outcome.instruments.values()],
        single=[
            get_definition(name).abbreviation
            for name in SYMPTOM_INSTRUMENTS
            if name in given and name not in outcome.instruments
        ],
        joint=_joint(outcome),
    )


def _unjudged(episode: Episode, number: int) -> EpisodeSummary:
    return EpisodeSummary(
        episode=episode,
        number=number,
        sessions=getattr(episode, "session_count", 0),
        last_held_on=getattr(episode, "last_on", None),
        measures=[],
    )


def _change(o: InstrumentOutcome) -> MeasureChange:
    definition = get_definition(o.instrument)
    decimals = definition.scale.decimals
    return MeasureChange(
        instrument=o.instrument,
        label=definition.abbreviation,
        category=o.category,
        said=CATEGORY_SAID[o.category],
        first_session=o.first_session,
        last_session=o.last_session,
        first=_shown(o.first_total, decimals),
        last=_shown(o.last_total, decimals),
        change=("+" if o.change > 0 else "") + _shown(o.change, decimals),
        reliable_change=_shown(o.reliable_change, 1),
        caseness="" if o.caseness is None else _shown(o.caseness, 1),
    )


def _joint(outcome: EpisodeOutcome) -> list[tuple[str, bool]]:
    figures = [
        ("Reliable recovery", outcome.reliable_recovery),
        ("Recovery", outcome.recovery),
        ("Reliable improvement", outcome.reliable_improvement),
        ("Reliable deterioration", outcome.reliable_deterioration),
    ]
    return [(what, value) for what, value in figures if value is not None]


def _shown(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text[:-2] if text.endswith(".0") else text
