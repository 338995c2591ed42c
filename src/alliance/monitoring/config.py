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
from typing import Any, Literal

from alliance.measures import get_definition

SYMPTOM_INSTRUMENTS = ("phq-9", "gad-7", "ors")


@dataclass(frozen=True)
class MonitoringConfig:
    # A fall of this many points from the client's previous SRS is noted (OpenFIT flags any
    # fall of 1 point): ratings bunch at the ceiling, so small falls are worth a word. It is
    # a warning (something to raise today) only beyond the SRS's reliable-change figure
    # (the instrument file's, about 4.2 points); below it, it is `info`. With a client's own
    # session-to-session SD about 1.2, a 1-point fall happens at a quarter of sessions.
    srs_drop_points: float = 1.0
    # An SRS line below this (of 10) deserves a brief check-in even when the total is fine
    # (HiBoop's SRS guide: "below about 8").
    srs_item_low: float = 8.0
    # This many sessions in a row of a perfect 40/40 prompt a normalising invitation to
    # honest feedback (always-perfect scores can mean a client reluctant to criticise).
    perfect_streak_sessions: int = 3
    # SRS at or below the cutoff at this many SRS in a row is sustained low alliance; a
    # missed session does not break the run (the evidence names the sessions skipped).
    sustained_low_sessions: int = 2
    # alliance_decline, a multi-session slide (the seed: a sustained falling SRS is often a
    # withdrawal rupture in progress): from its start (the highest rating since, at most
    # `decline_lookback` ratings back) over at least `decline_window` ratings, the
    # least-squares trend falls, today is the lowest, and the fall since the start reaches
    # the SRS's reliable-change figure, or `decline_min_fall` if smaller, with no single step
    # that large (that is a drop). 2.5 points: on the clinic caseload (bench/bench_signals.py,
    # seeds 2026 and 7) withdrawals of 0.4-0.8 a session got their first warning a median of
    # 2 sessions after they began (3 with 3.0 points), while clients with a stable alliance
    # got 8.9 and 8.8 warnings per 100 sessions besides the cutoffs (8.6 with 3.0).
    decline_window: int = 4
    decline_lookback: int = 8
    decline_min_fall: float = 2.5

    # Ruptures (Stiles et al. 2004; Gumz et al. 2012): a fall beyond k SD; 2 SD strict by
    # default, 1 SD lenient (both reported in the evidence).
    rupture_sd: float = 2.0
    # "level": below the client's own level so far (the median of their earlier SRS); a
    # median is steadier than one previous rating. "previous": Gumz et al. 2012's fall from
    # the previous session. On the ceiling-bound clinic caseload (bench/bench_signals.py,
    # 500 clients x 12 sessions, seeds 2026 and 7) "level" gave a possible_rupture to 2.0%
    # and 3.1% of clients with a stable alliance and found 94% and 98% of planted ruptures;
    # "previous" 6.0% and 5.7%, finding 99% and 97%: half the false alarms, about the same
    # detection.
    rupture_method: Literal["level", "previous"] = "level"
    # ...and at least this many points, so a client whose ratings hardly move (SD 0.1) is not
    # told of a "rupture" on a small wobble. 3 points: beyond 2 SD of an ordinary client's
    # session-to-session change (about 1.2); at 2 points a tenth of stable clients got one.
    rupture_min_drop: float = 3.0
    # The client's own SD counts (the stricter of it and the caseload's) once they have this
    # many earlier ratings (level) or changes (previous); until then the caseload's.
    rupture_min_sessions: int = 4
    # A repair is a return to the pre-rupture level within this many sessions (a V shape);
    # a later return is recovery of another kind, not the repair of this rupture.
    rupture_repair_window: int = 3
    # Pooled SD of session-to-session SRS changes. None: use the caseload's own (analyze
    # computes it) or, for a lone episode, rupture_default_pooled_sd.
    rupture_pooled_sd: float | None = None
    # Used only when nothing better is known: a 2.0 SD with k = 2 puts the bar at 4 points.
    rupture_default_pooled_sd: float = 2.0

    # A WAI-SR subscale mean below this ("Fairly often", 3 of 5) makes the profile a warning
    # rather than a note; a mean of exactly 3.0 is not below it (2.75, one answer lower, is).
    wai_weak_mean: float = 3.0

    # lost_improvement: a gain reached earlier (reliable improvement or recovery) is lost
    # only when the score has also fallen from its best by this share of the instrument's
    # reliable-change figure (PHQ-9 9 points, GAD-7 6, ORS 7.5). The best score is the
    # client's luckiest day, so a fall of one figure from it happens by chance: on the clinic
    # caseload (bench/bench_signals.py, seeds 2026 and 7) a share of 0 warned 162 of 200
    # improvers without a relapse, 1.0 about a quarter, 1.5 2-3%, while still warning 47 of
    # 50 planted relapses.
    lost_gain_fall_share: float = 1.5

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
    # 1.28 = the worst 10% of expected responses. On the clinic caseload (cross-fitted, seeds
    # 2026 and 7) it flagged 86% and 88% of eventual reliable deteriorators by session 4 and
    # 1.6% and 0.4% of reliable improvers ever; 1.645 (the worst 5%) flagged only 56% and
    # 66% by session 4 (Lambert's system: 85% by session 3, Hannan et al. 2005).
    trajectory_z: float = 1.28
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
        # An SD of 0 would put the rupture bar at 0, making every fall of the minimum a
        # rupture (the caseload's own figure of 0 is ignored for the same reason).
        if self.rupture_default_pooled_sd <= 0 or self.rupture_pooled_sd == 0:
            raise ValueError("rupture_pooled_sd and rupture_default_pooled_sd must be positive")
        if self.rupture_method not in ("level", "previous"):
            raise ValueError("rupture_method must be 'level' or 'previous'")
        if self.decline_window < 3 or self.rupture_min_sessions < 2:
            raise ValueError("decline_window must be 3 or more, rupture_min_sessions 2 or more")
        if self.decline_lookback < self.decline_window:
            raise ValueError("decline_lookback must be at least decline_window")

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
    def srs_reliable_change(self) -> float:
        """Points of SRS fall that count as reliable (the instrument file's Jacobson-Truax
        figure, about 4.2)."""
        figure = self.reliable_change_for("srs")
        if figure is None:
            raise ValueError("the SRS definition has no reliable-change figure")
        return figure

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
