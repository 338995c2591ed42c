"""Expected response and not_on_track (after Lambert's expected recovery curves).

Expected trajectories are fitted from reference episodes with a linear mixed model of the
symptom score on log(session) conditional on the intake score (Finch, Lambert & Schaalje
2001): score ~ intake * log(session), random intercept and log(session) slope per client.
A client is not on track when a score is worse than the expected score for their intake and
session by more than z predicted SDs (random effects plus residual). With too few reference
episodes, the documented rule-based fallback applies: from session 3, a score no better than
intake while still in the clinical range. Each signal says which method was used.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from alliance.errors import DomainError

from .config import SYMPTOM_INSTRUMENTS, MonitoringConfig, higher_is_better
from .ruptures import pooled_change_sd
from .types import ScoredAdministration, ScoredEpisode, Signal

Series = Sequence[tuple[int, float]]  # (session, total), session order, intake first


class TrajectoryError(DomainError, ValueError):
    """A saved reference that cannot be used; names the file and the problem."""

    def __init__(self, message: str) -> None:
        super().__init__("bad_reference", message)


@dataclass(frozen=True)
class ExpectedTrajectory:
    """Fixed effects and variance components of the fitted model, enough to predict."""

    instrument: str
    intercept: float
    intake: float
    log_session: float
    intake_by_log_session: float
    re_intercept_var: float
    re_slope_var: float
    re_cov: float
    residual_var: float
    episodes: int
    observations: int

    def expected(self, intake: float, session_number: int) -> tuple[float, float]:
        """Expected score and its predicted SD at `session` for a client with `intake`."""
        t = math.log(session_number)
        mean = (
            self.intercept
            + self.intake * intake
            + self.log_session * t
            + self.intake_by_log_session * intake * t
        )
        var = (
            self.re_intercept_var
            + 2 * self.re_cov * t
            + self.re_slope_var * t * t
            + self.residual_var
        )
        return mean, math.sqrt(max(var, 0.0))


def fit_trajectory(
    instrument: str, episodes: Sequence[Series], config: MonitoringConfig
) -> ExpectedTrajectory | None:
    """Fit the expected-response model, or None below the minimum number of episodes."""
    usable = [s for s in episodes if len(s) >= 3]
    if len(usable) < config.trajectory_min_episodes:
        return None
    if len(usable) > config.trajectory_max_episodes:
        # A seeded sample: the same caseload always gives the same reference.
        rng = np.random.default_rng(20011)
        chosen = rng.choice(len(usable), config.trajectory_max_episodes, replace=False)
        usable = [usable[i] for i in sorted(chosen)]
    groups, y, intake, log_t = [], [], [], []
    for g, series in enumerate(usable):
        first_session, first_total = series[0]
        for session_number, total in series[1:]:
            groups.append(g)
            y.append(total)
            intake.append(first_total)
            log_t.append(math.log(session_number - first_session + 1))
    return _fit_mixed(instrument, groups, y, intake, log_t, len(usable))


def _fit_mixed(
    instrument: str,
    groups: list[int],
    y: list[float],
    intake: list[float],
    log_t: list[float],
    episodes: int,
) -> ExpectedTrajectory | None:
    # Heavy: loaded only when a model is fitted, and the module alone (statsmodels.api
    # loads much besides).
    from statsmodels.regression.mixed_linear_model import MixedLM

    x_intake = np.asarray(intake, dtype=float)
    x_log = np.asarray(log_t, dtype=float)
    exog = np.column_stack([np.ones_like(x_log), x_intake, x_log, x_intake * x_log])
    exog_re = np.column_stack([np.ones_like(x_log), x_log])
    model = MixedLM(np.asarray(y, dtype=float), exog, groups=np.asarray(groups),
                       exog_re=exog_re)  # fmt: skip
    with warnings.catch_warnings():
        # Boundary fits (a variance near zero) warn but still give usable predictions.
        warnings.simplefilter("ignore")
        try:
            result = model.fit(method=["bfgs", "lbfgs"], reml=True)
        except (np.linalg.LinAlgError, ValueError):
            return None
    fe = np.asarray(result.fe_params, dtype=float)
    cov = np.asarray(result.cov_re, dtype=float)
    if not (np.all(np.isfinite(fe)) and np.all(np.isfinite(cov))):
        return None
    return ExpectedTrajectory(
        instrument=instrument,
        intercept=float(fe[0]),
        intake=float(fe[1]),
        log_session=float(fe[2]),
        intake_by_log_session=float(fe[3]),
        re_intercept_var=float(cov[0, 0]),
        re_slope_var=float(cov[1, 1]),
        re_cov=float(cov[0, 1]),
        residual_var=float(result.scale),
        episodes=episodes,
        observations=len(y),
    )


@dataclass(frozen=True)
class Reference:
    """What a caseload lends to the monitoring of each client: expected trajectories by
    instrument (None: too few episodes, the rule fallback) and the pooled SD of
    session-to-session SRS changes."""

    trajectories: dict[str, ExpectedTrajectory | None]
    pooled_srs_sd: float | None

    def describe(self) -> dict[str, Any]:
        return {
            "trajectories": {
                name: {"method": "expected_trajectory", "reference_episodes": t.episodes}
                if t is not None
                else {"method": "rule_fallback"}
                for name, t in self.trajectories.items()
            },
            "pooled_srs_change_sd": self.pooled_srs_sd,
        }


def reference_from_episodes(
    episodes: Sequence[ScoredEpisode], config: MonitoringConfig | None = None
) -> Reference:
    """Fit the expected trajectories (each symptom measure given three or more times) and
    the pooled SD of session-to-session SRS changes from a set of episodes."""
    config = config or MonitoringConfig()
    series: dict[str, list[list[tuple[int, float]]]] = {i: [] for i in SYMPTOM_INSTRUMENTS}
    for episode in episodes:
        for instrument, collected in series.items():
            scores = [(a.session_number, a.total) for a in episode.series(instrument)]
            if len(scores) >= 3:
                collected.append(scores)
    trajectories = {
        instrument: fit_trajectory(instrument, collected, config)
        for instrument, collected in series.items()
        if collected
    }
    return Reference(trajectories, pooled_change_sd(e.series("srs") for e in episodes))


def reference_to_dict(reference: Reference) -> dict[str, Any]:
    """A JSON-ready form of the reference (for a file or a database row)."""
    return {
        "trajectories": {
            name: asdict(t) if t is not None else None for name, t in reference.trajectories.items()
        },
        "pooled_srs_sd": reference.pooled_srs_sd,
    }


def reference_from_dict(data: Any) -> Reference:
    """The reference back from `reference_to_dict`'s form, type-checked; raises ValueError,
    TypeError, AttributeError or KeyError when it is not one."""
    trajectories = {
        name: _checked(ExpectedTrajectory(**fields)) if fields is not None else None
        for name, fields in data["trajectories"].items()
    }
    pooled = data["pooled_srs_sd"]
    if pooled is not None and not (_is_number(pooled) and 0 < pooled < math.inf):
        raise ValueError("pooled_srs_sd must be a positive number")
    return Reference(trajectories, pooled)


def save_reference(reference: Reference, path: Path) -> None:
    path.write_text(json.dumps(reference_to_dict(reference), indent=2), encoding="utf-8")


def load_reference(path: Path) -> Reference:
    try:
        return reference_from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, AttributeError, KeyError) as exc:
        raise TrajectoryError(
            f"{path}: not a saved reference of expected trajectories ({exc})"
        ) from None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _checked(trajectory: ExpectedTrajectory) -> ExpectedTrajectory:
    """Every figure a finite number, variances not negative: a bad file must not silently
    switch the rule off (NaN compares false) or fail at the first client."""
    for name, value in asdict(trajectory).items():
        if name == "instrument":
            if not isinstance(value, str):
                raise ValueError("instrument must be text")
        elif not (_is_number(value) and math.isfinite(value)):
            raise ValueError(f"{name} must be a finite number")
    variances = (trajectory.re_intercept_var, trajectory.re_slope_var, trajectory.residual_var)
    if min(variances) < 0:
        raise ValueError("variances must not be negative")
    return trajectory


def not_on_track_signals(
    series: list[ScoredAdministration],
    config: MonitoringConfig,
    trajectory: ExpectedTrajectory | None,
) -> list[Signal]:
    if len(series) < 2:
        return []
    first = series[0]
    instrument = first.instrument
    better_high = higher_is_better(instrument)
    signals = []
    warned = off_before = False
    for a in series[1:]:
        session_number = a.session_number - first.session_number + 1
        if session_number < config.trajectory_first_session:
            continue
        if trajectory is not None:
            signal = _against_model(first, a, session_number, trajectory, config, better_high)
        else:
            signal = _against_rule(first, a, config, better_high)
        if signal is not None:
            # News is a warning, once an episode; the same state at a later session (still,
            # or again after a session back on track) is a reminder (`info`), so a client
            # near the limit does not fill the sessions with warnings.
            signals.append(_again(signal, still=off_before) if warned else signal)
            warned = True
        off_before = signal is not None
    return signals


def _again(signal: Signal, *, still: bool) -> Signal:
    word = "Still" if still else "Again"
    return replace(
        signal,
        severity="info",
        evidence={**signal.evidence, "continuing": True},
        explanation=signal.explanation.replace("Not on track", f"{word} not on track", 1),
    )


def _against_model(
    first: ScoredAdministration,
    a: ScoredAdministration,
    session_number: int,
    trajectory: ExpectedTrajectory,
    config: MonitoringConfig,
    better_high: bool,
) -> Signal | None:
    expected, sd = trajectory.expected(first.total, session_number)
    margin = config.trajectory_z * sd
    limit = expected - margin if better_high else expected + margin
    off = a.total < limit if better_high else a.total > limit
    if not off:
        return None
    return _signal(
        a,
        method="expected_trajectory",
        rule=f"score worse than expected by more than {config.trajectory_z:g} predicted SD",
        evidence={
            "method": "expected_trajectory",
            "continuing": False,
            "intake": first.total,
            "total": a.total,
            "expected": expected,
            "tolerance_limit": limit,
            "predicted_sd": sd,
            "z": config.trajectory_z,
            "reference_episodes": trajectory.episodes,
        },
        detail=(
            f"{a.total:g} is outside the expected range for a client who started at "
            f"{first.total:g} (expected about {expected:.1f}, limit {limit:.1f})"
        ),
    )


def _against_rule(
    first: ScoredAdministration,
    a: ScoredAdministration,
    config: MonitoringConfig,
    better_high: bool,
) -> Signal | None:
    caseness = config.caseness_for(a.instrument)
    no_better = a.total <= first.total if better_high else a.total >= first.total
    in_range = caseness is None or (a.total < caseness if better_high else a.total >= caseness)
    if not (no_better and in_range):
        return None
    return _signal(
        a,
        method="rule_fallback",
        rule="from session 3, no better than intake and still in the clinical range "
        "(too few reference episodes for expected trajectories)",
        evidence={
            "method": "rule_fallback",
            "continuing": False,
            "intake": first.total,
            "total": a.total,
            "caseness": caseness,
            "reference_episodes_needed": config.trajectory_min_episodes,
        },
        detail=f"{a.total:g} is no better than the intake score of {first.total:g}",
    )


def _signal(
    a: ScoredAdministration, *, method: str, rule: str, evidence: dict[str, Any], detail: str
) -> Signal:
    return Signal(
        kind="not_on_track",
        session_number=a.session_number,
        instrument=a.instrument,
        severity="warning",
        rule=rule,
        evidence=evidence,
        explanation=f"Not on track on the {a.instrument.upper()}: {detail}.",
        suggested_action=(
            "Measure, review, discuss, adjust: show the client the graph, ask how they see "
            "progress, check the alliance, and consider changing the approach or consulting."
        ),
    )
