"""What not_on_track says, word for word, against an expected trajectory (built by hand here,
so the figures are exact) and by the rule fallback: the tolerance limit from both sides in
each direction (PHQ-9 lower is better, ORS higher), news once, then "Still" and "Again"."""

from __future__ import annotations

import math

import pytest

from alliance.monitoring import MonitoringConfig, ScoredAdministration
from alliance.monitoring.trajectory import ExpectedTrajectory, not_on_track_signals

from .builders import ors, phq9

ACTION = (
    "Measure, review, discuss, adjust: show the client the graph, ask how they see progress, "
    "check the alliance, and consider changing the approach or consulting."
)
# Expected = 2 + 0.5 x intake at every session, predicted SD 2: for an intake of 16, 10 with
# a limit of 10 + 1.28 x 2 = 12.56.
PHQ9_CURVE = ExpectedTrajectory("phq-9", 2.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0, 40, 400)
# Expected = 5 + 0.8 x intake: for an intake of 20, 21 with a limit of 21 - 2.56 = 18.44.
ORS_CURVE = ExpectedTrajectory("ors", 5.0, 0.8, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0, 40, 400)


def said(
    series: list[ScoredAdministration], trajectory: ExpectedTrajectory | None
) -> list[dict[str, object]]:
    return [s.as_dict() for s in not_on_track_signals(series, MonitoringConfig(), trajectory)]


def test_it_words_a_score_outside_the_expected_range_then_still_and_again() -> None:
    series = [phq9(1, 16), phq9(2, 20), phq9(3, 13), phq9(4, 13), phq9(5, 12), phq9(6, 13)]
    evidence = {
        "method": "expected_trajectory", "continuing": False, "intake": 16.0, "total": 13.0,
        "expected": 10.0, "tolerance_limit": 12.56, "predicted_sd": 2.0, "z": 1.28,
        "reference_episodes": 40,
    }  # fmt: skip
    rule = "score worse than expected by more than 1.28 predicted SD"
    detail = (
        "on track on the PHQ-9: 13 is outside the expected range for a client who started at "
        "16 (expected about 10.0, limit 12.6)."
    )
    assert said(series, PHQ9_CURVE) == [
        {"kind": "not_on_track", "session": 3, "instrument": "phq-9", "severity": "warning",
         "rule": rule, "evidence": evidence, "explanation": f"Not {detail}",
         "suggested_action": ACTION},
        {"kind": "not_on_track", "session": 4, "instrument": "phq-9", "severity": "info",
         "rule": rule, "evidence": evidence | {"continuing": True},
         "explanation": f"Still not {detail}", "suggested_action": ACTION},
        {"kind": "not_on_track", "session": 6, "instrument": "phq-9", "severity": "info",
         "rule": rule, "evidence": evidence | {"continuing": True},
         "explanation": f"Again not {detail}", "suggested_action": ACTION},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("series", "trajectory", "off"),
    [([phq9(1, 16), phq9(3, 13)], PHQ9_CURVE, True),  # above the limit of 12.56
     ([phq9(1, 16), phq9(3, 12)], PHQ9_CURVE, False),
     ([ors(1, 20.0), ors(3, 18.4)], ORS_CURVE, True),  # below the limit of 18.44
     ([ors(1, 20.0), ors(3, 18.5)], ORS_CURVE, False)],
)  # fmt: skip
def test_it_judges_each_instrument_in_its_own_direction(
    series: list[ScoredAdministration], trajectory: ExpectedTrajectory, off: bool
) -> None:
    found = said(series, trajectory)
    assert len(found) == (1 if off else 0)


def test_it_counts_an_exact_limit_within_the_expected_range() -> None:
    exact = ExpectedTrajectory("phq-9", 2.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 6.25, 40, 400)
    config = MonitoringConfig(trajectory_z=1.2)  # 10 + 1.2 x 2.5 = 13
    assert not_on_track_signals([phq9(1, 16), phq9(3, 13)], config, exact) == []
    assert len(not_on_track_signals([phq9(1, 16), phq9(3, 14)], config, exact)) == 1
    ors_exact = ExpectedTrajectory("ors", 5.0, 0.8, 0.0, 0.0, 0.0, 0.0, 0.0, 6.25, 40, 400)
    # 21 - 1.2 x 2.5 = 18
    assert not_on_track_signals([ors(1, 20.0), ors(3, 18.0)], config, ors_exact) == []
    assert len(not_on_track_signals([ors(1, 20.0), ors(3, 17.9)], config, ors_exact)) == 1


def test_it_gives_a_small_sd_for_a_small_predicted_variance() -> None:
    narrow = ExpectedTrajectory("phq-9", 2.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.25, 40, 400)
    assert narrow.expected(16, 4) == (10.0, 0.5)


def test_it_predicts_from_intake_session_and_both_random_effects() -> None:
    curve = ExpectedTrajectory("phq-9", 1.0, 0.9, -1.5, -0.1, 2.0, 0.5, -0.3, 1.5, 40, 400)
    t = math.log(6)
    expected, sd = curve.expected(18, 6)
    assert expected == pytest.approx(1.0 + 0.9 * 18 - 1.5 * t - 0.1 * 18 * t)
    assert sd == pytest.approx(math.sqrt(2.0 - 2 * 0.3 * t + 0.5 * t * t + 1.5))


def test_it_words_the_rule_fallback_for_a_score_no_better_than_intake() -> None:
    series = [phq9(4, 14), phq9(5, 15), phq9(6, 14), phq9(7, 13)]  # counted from session 4
    assert said(series, None) == [{
        "kind": "not_on_track", "session": 6, "instrument": "phq-9", "severity": "warning",
        "rule": "from session 3, no better than intake and still in the clinical range (too few "
                "reference episodes for expected trajectories)",
        "evidence": {"method": "rule_fallback", "continuing": False, "intake": 14.0,
                     "total": 14.0, "caseness": 10.0, "reference_episodes_needed": 30},
        "explanation": "Not on track on the PHQ-9: 14 is no better than the intake score of 14.",
        "suggested_action": ACTION,
    }]  # fmt: skip


@pytest.mark.parametrize(
    ("later", "off"),
    [(20.0, True), (19.9, True), (20.1, False), (25.0, False)],  # 25: out of the clinical range
)
def test_it_reads_the_ors_upwards_in_the_rule_fallback(later: float, off: bool) -> None:
    found = said([ors(1, 20.0), ors(2, 20.0), ors(3, later)], None)
    assert [s["session"] for s in found] == ([3] if off else [])


@pytest.mark.parametrize(
    ("series", "off"),
    [([ors(1, 26.0), ors(2, 26.0), ors(3, 25.0)], False),  # 25 is out of the clinical range
     ([ors(1, 26.0), ors(2, 26.0), ors(3, 24.9)], True),
     ([phq9(1, 10), phq9(2, 10), phq9(3, 10)], True),  # PHQ-9 10 is in it
     ([phq9(1, 10), phq9(2, 10), phq9(3, 9)], False)],
)  # fmt: skip
def test_it_holds_the_caseness_cutoff_from_both_sides_in_the_rule_fallback(
    series: list[ScoredAdministration], off: bool
) -> None:
    assert [s["session"] for s in said(series, None)] == ([3] if off else [])
