"""not_on_track: expected trajectories from a mixed model of score on log(session)
conditional on intake, with a tolerance band; the rule fallback below the minimum."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from alliance.monitoring import MonitoringConfig, Signal, fit_trajectory, monitor_episode
from alliance.monitoring.trajectory import (
    Reference,
    TrajectoryError,
    load_reference,
    save_reference,
)

from .builders import episode, phq9

# The true curve the reference episodes follow: PHQ-9 falls 3.5 points per unit of
# log(session), a little faster for higher intakes.


def true_mean(intake: float, session: int) -> float:
    t = math.log(session)
    return 0.5 + 0.95 * intake - 1.0 * t - 0.15 * intake * t


def reference_series(n: int, seed: int = 7) -> list[list[tuple[int, float]]]:
    rng = np.random.default_rng(seed)
    episodes = []
    for _ in range(n):
        intake = float(rng.integers(10, 23))
        shift = rng.normal(0, 1.5)
        slope = rng.normal(0, 0.8)
        series = [(1, intake)]
        for session in range(2, 13):
            mean = true_mean(intake, session) + shift + slope * math.log(session)
            series.append((session, float(mean + rng.normal(0, 1.5))))
        episodes.append(series)
    return episodes


@pytest.fixture(scope="module")
def fitted() -> Reference:
    trajectory = fit_trajectory("phq-9", reference_series(150), MonitoringConfig())
    assert trajectory is not None
    return Reference({"phq-9": trajectory}, None)


def test_it_recovers_the_expected_curve_from_reference_episodes(fitted: Reference) -> None:
    trajectory = fitted.trajectories["phq-9"]
    assert trajectory is not None
    assert trajectory.episodes == 150 and trajectory.observations == 150 * 11
    for intake, session in ((12, 4), (18, 8), (22, 12)):
        expected, sd = trajectory.expected(intake, session)
        assert expected == pytest.approx(true_mean(intake, session), abs=1.0)
        assert 1.5 < sd < 4.0  # residual 1.5 plus the spread of clients' curves


def not_on_track(signals: list[Signal]) -> list[Signal]:
    return [s for s in signals if s.kind == "not_on_track"]


def test_it_flags_a_client_outside_the_tolerance_band_and_not_one_inside(
    fitted: Reference,
) -> None:
    trajectory = fitted.trajectories["phq-9"]
    assert trajectory is not None
    expected, sd = trajectory.expected(18, 6)
    limit = expected + MonitoringConfig().trajectory_z * sd
    over, under = math.floor(limit) + 1, math.floor(limit)
    intake_only = [phq9(s, 18) for s in (1,)]
    off = monitor_episode(episode(*intake_only, phq9(6, over)), trajectories=fitted.trajectories)
    on = monitor_episode(episode(*intake_only, phq9(6, under)), trajectories=fitted.trajectories)
    (signal,) = not_on_track(off)
    assert signal.evidence["method"] == "expected_trajectory"
    assert signal.evidence["tolerance_limit"] == pytest.approx(limit)  # full precision
    assert signal.evidence["reference_episodes"] == 150
    assert not_on_track(on) == []


def test_it_does_not_judge_before_session_3(fitted: Reference) -> None:
    signals = monitor_episode(episode(phq9(1, 12), phq9(2, 24)), trajectories=fitted.trajectories)
    assert not_on_track(signals) == []


def test_it_falls_back_to_the_rule_below_the_minimum_reference() -> None:
    config = MonitoringConfig()
    assert fit_trajectory("phq-9", reference_series(29), config) is None
    signals = monitor_episode(episode(phq9(1, 14), phq9(2, 12), phq9(3, 14), phq9(4, 13)))
    found = not_on_track(signals)
    assert [s.session_number for s in found] == [3]  # 14 is no better than intake; 13 is better
    assert found[0].evidence["method"] == "rule_fallback"
    assert "too few reference episodes" in found[0].rule


def test_it_does_not_fall_back_to_flagging_a_client_out_of_the_clinical_range() -> None:
    signals = monitor_episode(episode(phq9(1, 8), phq9(2, 8), phq9(3, 9)))
    assert not_on_track(signals) == []


def test_it_saves_and_reloads_a_reference(fitted: Reference, tmp_path: Path) -> None:
    path = tmp_path / "reference.json"
    save_reference(Reference(fitted.trajectories, 1.25), path)
    loaded = load_reference(path)
    assert loaded == Reference(fitted.trajectories, 1.25)


def test_it_refuses_a_file_that_is_not_a_reference(tmp_path: Path) -> None:
    path = tmp_path / "reference.json"
    path.write_text('{"trajectories": {"phq-9": {"intercept": 1}}, "pooled_srs_sd": 1}')
    with pytest.raises(TrajectoryError, match="not a saved reference"):
        load_reference(path)


def test_it_fits_on_a_seeded_sample_when_the_reference_is_larger_than_needed() -> None:
    config = MonitoringConfig(trajectory_max_episodes=60)
    first = fit_trajectory("phq-9", reference_series(90, seed=5), config)
    again = fit_trajectory("phq-9", reference_series(90, seed=5), config)
    assert first is not None and first.episodes == 60
    assert first == again
