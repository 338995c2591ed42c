"""self_harm_risk and reliable change / recovery against the episode's first score."""

from __future__ import annotations

import math

import pytest

from alliance.monitoring import MonitoringConfig, Signal, monitor_episode
from alliance.monitoring.config import jacobson_truax_threshold

from .builders import episode, gad7, ors, phq9


def of_kind(signals: list[Signal], kind: str) -> list[Signal]:
    return [s for s in signals if s.kind == kind]


def test_it_raises_an_urgent_self_harm_signal_at_every_endorsement() -> None:
    signals = monitor_episode(episode(phq9(1, 4, item9=1), phq9(2, 3), phq9(3, 6, item9=2)))
    harm = of_kind(signals, "self_harm_risk")
    assert [(s.session_number, s.severity) for s in harm] == [(1, "urgent"), (3, "urgent")]
    assert harm[1].evidence == {"item_9": 2, "phq9_total": 6, "form_scored": True}
    assert "before the client leaves" in harm[0].suggested_action
    # Urgent signals come first within their session.
    assert signals[0].kind == "self_harm_risk"


@pytest.mark.parametrize(
    ("make", "first", "later", "expected"),
    [
        (phq9, 16, 10, "reliable_improvement"),  # exactly 6 points
        (phq9, 16, 11, None),  # 5 points
        (phq9, 10, 16, "reliable_deterioration"),
        (phq9, 10, 15, None),
        (gad7, 12, 8, "reliable_improvement"),  # exactly 4
        (gad7, 12, 9, None),
        (gad7, 8, 12, "reliable_deterioration"),
        (ors, 20.0, 25.0, "reliable_improvement"),  # exactly 5, higher is better
        (ors, 20.0, 24.9, None),
        (ors, 25.0, 20.0, "reliable_deterioration"),
        (ors, 25.0, 20.1, None),
    ],
)
def test_it_measures_reliable_change_from_the_first_score(
    make: object, first: float, later: float, expected: str | None
) -> None:
    signals = monitor_episode(episode(make(1, first), make(2, later)))  # type: ignore[operator]
    changes = [
        s.kind for s in signals if s.kind in ("reliable_improvement", "reliable_deterioration")
    ]
    assert changes == ([expected] if expected else [])


@pytest.mark.parametrize(
    ("first", "later", "recovered"),
    [
        (16, 9, True),  # reliable and now below caseness 10
        (16, 10, False),  # reliable, but 10 is still caseness
        (9, 3, False),  # never a case: improvement, not recovery
    ],
)
def test_it_calls_recovery_reliable_improvement_out_of_caseness(
    first: int, later: int, recovered: bool
) -> None:
    signals = monitor_episode(episode(phq9(1, first), phq9(2, later)))
    assert bool(of_kind(signals, "recovered")) is recovered


def test_it_calls_ors_recovery_across_the_clinical_cutoff_of_25() -> None:
    signals = monitor_episode(episode(ors(1, 19.9), ors(2, 25.0)))
    assert [s.session_number for s in of_kind(signals, "recovered")] == [2]
    signals = monitor_episode(episode(ors(1, 19.9), ors(2, 24.9)))
    assert of_kind(signals, "recovered") == []


def test_it_reports_a_change_when_it_is_reached_not_at_every_session() -> None:
    series = [phq9(1, 18), phq9(2, 11), phq9(3, 10), phq9(4, 13), phq9(5, 9)]
    signals = monitor_episode(episode(*series))
    # Improvement reached at 2 (7 points), held at 3 (8), lapsed at 4 (5), reached again at 5.
    assert [s.session_number for s in of_kind(signals, "reliable_improvement")] == [2, 5]


def test_it_uses_jacobson_truax_where_no_fixed_figure_is_configured() -> None:
    # ORS with its fixed figure removed: SD 7, reliability .9 -> 1.96 * 7 * sqrt(2 * 0.1).
    threshold = jacobson_truax_threshold(7.0, 0.9)
    assert threshold == pytest.approx(1.96 * 7.0 * math.sqrt(2) * math.sqrt(0.1))
    config = MonitoringConfig(reliable_change={}, jacobson_truax={"ors": (7.0, 0.9)})
    assert config.reliable_change_for("ors") == pytest.approx(threshold)
    just_over = round(20.0 + threshold + 0.1, 1)
    just_under = round(20.0 + threshold - 0.1, 1)
    found = monitor_episode(episode(ors(1, 20.0), ors(2, just_over)), config)
    assert of_kind(found, "reliable_improvement")[0].evidence["reliable_change"] == threshold
    missed = monitor_episode(episode(ors(1, 20.0), ors(2, just_under)), config)
    assert of_kind(missed, "reliable_improvement") == []
