"""Every threshold the monitoring rules use, in one place, with its default and its reason.

Defaults come from ../shared/INSTRUMENTS.md. A site changes them with `dataclasses.replace`
(or `MonitoringConfig.from_mapping` for a settings file); every signal names the rule and the
numbers it used, so a changed threshold is visible in the evidence.

Cutoffs are not here: the SRS alliance-concern cutoff, caseness and the fixed reliable-change
figures live in the instrument definitions (or the site's override of them), which scoring
and the chart read too, so one change moves all three.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from alliance.measures import get_definition

SYMPTOM_INSTRUMENTS = ("phq-9", "gad-7", "ors")


@dataclass(frozen=True)
class MonitoringConfig:
    # A fall of this many points from the client's previous SRS is a drop, even above the
    # cutoff (OpenFIT flags 1 point): ratings bunch at the ceiling, so small falls matter.
    srs_drop_points: float = 1.0
    # An SRS line below this (of 10) deserves a brief check-in even when the total is fine
    # (HiBoop's SRS guide: "below about 8").
    srs_item_low: float = 8.0
    # This many sessions in a row of a perfect 40/40 prompt a normalising invitation to
    # honest feedback (always-perfect scores can mean a client reluctant to criticise).
    perfect_streak_sessions: int = 3
    # SRS at or below the cutoff at this many consecutive sessions is sustained low alliance.
    sustained_low_sessions: int = 2
    # This many alliance drops in a row (each at least srs_drop_points, so tenth-of-a-point
    # wobbles never count) is a sustained decline.
    sustained_drop_run: int = 3

    # Ruptures (Stiles et al. 2004; Gumz et al. 2012): a drop beyond k SD of the client's own
    # session-to-session changes; 2 SD strict by default, 1 SD lenient.
    rupture_sd: float = 2.0
    # ...and at least this many points, so a client whose ratings hardly move (SD 0.1) is not
    # told of a "rupture" on a 0.3 wobble. 2 points: twice the OpenFIT drop that only asks for
    # a check-in, and more than the session-to-session noise of most clients' SRS.
    rupture_min_drop: float = 2.0
    # The client's own SD is used once they have this many session-to-session changes before
    # the drop; until then the pooled SD of the caseload (or the default below).
    rupture_min_changes: int = 4
    # Pooled SD of session-to-session SRS changes. None: use the caseload's own (analyze
    # computes it) or, for a lone episode, rupture_default_pooled_sd.
    rupture_pooled_sd: float | None = None
    # Used only when nothing better is known: a 2.0 SD with k = 2 puts the bar at 4 points.
    rupture_default_pooled_sd: float = 2.0

    # A WAI-SR subscale mean below this ("Fairly often", 3 of 5) makes the profile a warning
    # rather than a note.
    wai_weak_mean: float = 3.0

    # Reliable change in points, overriding the instrument file's figure (NHS Talking
    # Therapies: PHQ-9 6, GAD-7 4; ORS 5) for a study that uses another.
    reliable_change: Mapping[str, float] = field(default_factory=dict)
    # For an instrument with no fixed figure: (normative SD, reliability) for the
    # Jacobson-Truax reliable change index, |RC| > 1.96.
    jacobson_truax: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    # Not on track: expected trajectories fitted from at least this many reference episodes
    # (each with an intake and two later scores); below it the rule-based fallback is used.
    trajectory_min_episodes: int = 30
    # Fitting uses at most this many reference episodes (a seeded sample) to bound the time:
    # 150 episodes of ~12 sessions give ~1,800 observations for 4 fixed effects and 4
    # variance parameters (300 gave the same expected scores to 0.1 point at 3x the time).
    trajectory_max_episodes: int = 150
    # One-sided tolerance: worse than the expected score by z times the predicted SD.
    # 1.645 = the worst 5% of expected responses.
    trajectory_z: float = 1.645
    # Neither method judges before this session: one or two sessions say little.
    trajectory_first_session: int = 3

    # Divergence: the alliance falls while the symptom measure's last scores (this many)
    # stay within this share of its reliable change figure.
    divergence_window: int = 3
    divergence_flat_share: float = 0.5

    def __post_init__(self) -> None:
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"{item.name} must be a finite number")
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                raise ValueError(f"{item.name} must not be negative")
        if self.rupture_sd <= 0 or self.perfect_streak_sessions < 1:
            raise ValueError("rupture_sd and perfect_streak_sessions must be positive")

    @classmethod
    def lenient(cls) -> MonitoringConfig:
        """The 1 SD rupture threshold (Gumz et al. 2012's lenient criterion)."""
        return cls(rupture_sd=1.0)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> MonitoringConfig:
        known = {item.name for item in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown monitoring settings: {', '.join(unknown)}")
        return cls(**values)

    @property
    def srs_concern_cutoff(self) -> float:
        """SRS total at or below this is an alliance concern (the instrument file's, default
        36: seed text and mission "at or below 36"; FIT vendors' "below 36" is 35.9)."""
        return get_definition("srs").cutoffs["alliance_concern"]

    def caseness_for(self, instrument: str) -> float | None:
        """The instrument's caseness cutoff in force (PHQ-9 10, GAD-7 8, ORS 25 as shipped)."""
        return get_definition(instrument).caseness

    def reliable_change_for(self, instrument: str) -> float | None:
        """Points of change that count as reliable, or None if nothing is known."""
        if instrument in self.reliable_change:
            return self.reliable_change[instrument]
        if instrument in self.jacobson_truax:
            sd, reliability = self.jacobson_truax[instrument]
            return jacobson_truax_threshold(sd, reliability)
        change = get_definition(instrument).change
        if change is None:
            return None
        if change.reliable_change is not None:
            return change.reliable_change
        if change.sd is not None and change.reliability is not None:
            return jacobson_truax_threshold(change.sd, change.reliability)
        return None


def jacobson_truax_threshold(sd: float, reliability: float) -> float:
    """Smallest change that is reliable: 1.96 x S_diff, S_diff = SD * sqrt(2) * sqrt(1 - r)."""
    s_diff = sd * math.sqrt(2.0) * math.sqrt(1.0 - reliability)
    return 1.96 * s_diff


def higher_is_better(instrument: str) -> bool:
    return get_definition(instrument).higher_is_better
