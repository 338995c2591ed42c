"""One episode in, its signals out: the rules of this package run in a fixed order."""

from __future__ import annotations

from collections.abc import Mapping

from .alliance_rules import SRS, alliance_signals
from .config import SYMPTOM_INSTRUMENTS, MonitoringConfig
from .divergence import divergence_signals
from .priority import pressing_order
from .ruptures import rupture_signals
from .symptoms import change_signals, self_harm_signals
from .trajectory import ExpectedTrajectory, not_on_track_signals
from .types import ScoredEpisode, Signal
from .wai import wai_signals


def monitor_episode(
    episode: ScoredEpisode,
    config: MonitoringConfig | None = None,
    *,
    trajectories: Mapping[str, ExpectedTrajectory | None] | None = None,
    pooled_srs_sd: float | None = None,
) -> list[Signal]:
    """Every signal for one client's episode, ordered by session, then most pressing first
    (`priority.session_priorities` groups them into one card per session).

    `trajectories`: expected-response models by instrument (missing: the rule fallback).
    `pooled_srs_sd`: the caseload's pooled SD of session-to-session SRS changes, used for
    rupture detection while the client has too few sessions of their own.
    """
    config = config or MonitoringConfig()
    trajectories = trajectories or {}
    srs = episode.series(SRS)
    alliance = alliance_signals(srs, config) + rupture_signals(srs, config, pooled_srs_sd)
    signals = list(alliance)
    signals += wai_signals(
        episode.series("wai-sr"), episode.series("wai-sr-t", "therapist"), config
    )
    signals += self_harm_signals(episode.series("phq-9"))
    symptoms = [episode.series(instrument) for instrument in SYMPTOM_INSTRUMENTS]
    for series in symptoms:
        if series:
            signals += change_signals(series, config)
            signals += not_on_track_signals(series, config, trajectories.get(series[0].instrument))
    signals += divergence_signals(alliance, symptoms, config)
    signals.sort(key=lambda s: (s.session_number, *pressing_order(s)))
    return [_for_client(s, episode.client_id) for s in signals]


def _for_client(signal: Signal, client_id: str) -> Signal:
    return Signal(
        signal.kind, signal.session_number, signal.instrument, signal.severity, signal.rule,
        signal.evidence, signal.explanation, signal.suggested_action, client_id,
    )  # fmt: skip
