"""self_harm_risk and reliable change / reliable recovery against the episode's first score."""

from __future__ import annotations

import math

import pytest

from alliance.monitoring import MonitoringConfig, Signal, monitor_episode
from alliance.monitoring.config import jacobson_truax_threshold

from .builders import episode, gad7, ors, phq9

CHANGE_KINDS = ("reliable_improvement", "reliable_deterioration", "reliable_recovery")


def of_kind(signals: list[Signal], kind: str) -> list[Signal]:
    return [s for s in signals if s.kind == kind]


def changes(signals: list[Signal]) -> list[str]:
    return [s.kind for s in signals if s.kind in CHANGE_KINDS]


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
        (gad7, 8, 11, None),
        (ors, 20.0, 25.0, "reliable_improvement"),  # exactly 5, higher is better
        (ors, 20.0, 24.9, None),
        (ors, 11.4, 16.4, "reliable_improvement"),  # 5 points, though 4.999... in binary
        (ors, 25.0, 20.0, "reliable_deterioration"),
        (ors, 25.0, 20.1, None),
    ],
)
def test_it_measures_reliable_change_from_the_first_score(
    make: object, first: float, later: float, expected: str | None
) -> None:
    signals = monitor_episode(episode(make(1, first), make(2, later)))  # type: ignore[operator]
    found = [
        s.kind for s in signals if s.kind in ("reliable_improvement", "reliable_deterioration")
    ]
    assert found == ([expected] if expected else [])


@pytest.mark.parametrize(
    ("later", "expected"),
    [
        (8, ["reliable_recovery", "reliable_improvement"]),  # a drop of 6: at the figure
        (9, []),  # a drop of 5: one short of it, though 9 is below caseness
    ],
)
def test_it_counts_a_change_at_the_figure_as_reliable(later: int, expected: list[str]) -> None:
    assert changes(monitor_episode(episode(phq9(1, 14), phq9(2, later)))) == expected


def test_it_words_a_phq9_improvement_as_news_and_a_deterioration_as_a_warning() -> None:
    (better,) = monitor_episode(episode(phq9(1, 16), phq9(2, 10)))
    assert better == Signal(
        "reliable_improvement", 2, "phq-9", "info",
        "improvement >= 6 points since the first score",
        {"first_total": 16.0, "first_session": 1, "total": 10.0, "improvement": 6.0,
         "reliable_change": 6.0, "caseness": 10.0},
        "PHQ-9 improved reliably, from 16 at session 1 to 10.",
        "Share the progress with the client and ask what has helped; keep what works.",
    )  # fmt: skip
    (worse,) = monitor_episode(episode(phq9(1, 10), phq9(2, 16)))
    assert worse == Signal(
        "reliable_deterioration", 2, "phq-9", "warning",
        "worsening >= 6 points since the first score",
        {"first_total": 10.0, "first_session": 1, "total": 16.0, "improvement": -6.0,
         "reliable_change": 6.0, "caseness": 10.0},
        "PHQ-9 worsened reliably, from 10 at session 1 to 16.",
        "Review the plan with the client: ask how they see the change, check the alliance "
        "and risk, and consider adjusting the approach or consulting.",
    )  # fmt: skip


def test_it_reads_the_ors_the_other_way_round_higher_is_better() -> None:
    # A rise of the ORS is the improvement (info); a fall the deterioration (warning).
    (better,) = monitor_episode(episode(ors(1, 25.0), ors(2, 30.0)))
    assert (better.kind, better.severity, better.rule) == (
        "reliable_improvement", "info", "improvement >= 5 points since the first score",
    )  # fmt: skip
    assert better.evidence["improvement"] == 5.0
    assert better.explanation == "ORS improved reliably, from 25 at session 1 to 30."
    (worse,) = monitor_episode(episode(ors(1, 25.0), ors(2, 20.0)))
    assert (worse.kind, worse.severity, worse.instrument) == (
        "reliable_deterioration", "warning", "ors",
    )  # fmt: skip
    assert worse.rule == "worsening >= 5 points since the first score"
    assert worse.evidence == {
        "first_total": 25.0, "first_session": 1, "total": 20.0, "improvement": -5.0,
        "reliable_change": 5.0, "caseness": 25.0,
    }  # fmt: skip
    assert worse.explanation == "ORS worsened reliably, from 25 at session 1 to 20."


@pytest.mark.parametrize(
    ("first", "later", "recovered"),
    [
        (16, 9, True),  # reliable and now below caseness 10
        (16, 10, False),  # reliable, but 10 is still caseness
        (10, 4, True),  # 10 at the start is a case
        (9, 3, False),  # never a case: improvement, not recovery
    ],
)
def test_it_calls_reliable_recovery_reliable_improvement_out_of_caseness(
    first: int, later: int, recovered: bool
) -> None:
    signals = monitor_episode(episode(phq9(1, first), phq9(2, later)))
    assert of_kind(signals, "reliable_improvement") != []
    assert bool(of_kind(signals, "reliable_recovery")) is recovered


def test_it_words_a_reliable_recovery() -> None:
    signals = monitor_episode(episode(phq9(1, 14), phq9(2, 8)))
    assert of_kind(signals, "reliable_recovery") == [
        Signal(
            "reliable_recovery", 2, "phq-9", "info",
            "improvement >= 6 points since the first score, first score >= 10 (clinical "
            "range), now < 10",
            {"first_total": 14.0, "first_session": 1, "total": 8.0, "improvement": 6.0,
             "reliable_change": 6.0, "caseness": 10.0},
            "PHQ-9 shows reliable recovery: it improved reliably from 14 at session 1 to 8 "
            "and has moved out of the clinical range (cutoff 10).",
            "Discuss with the client what keeps the gains going and whether to plan the "
            "ending.",
        )
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("first", "later", "recovered"),
    [
        (19.9, 25.0, True),  # 25 is not clinical
        (19.9, 24.9, False),  # reliable (5.0), but below 25 is clinical
        (25.0, 30.0, False),  # 25 at the start was not clinical
        (24.9, 30.0, True),
    ],
)
def test_it_calls_ors_recovery_across_the_clinical_cutoff_of_25(
    first: float, later: float, recovered: bool
) -> None:
    signals = monitor_episode(episode(ors(1, first), ors(2, later)))
    assert of_kind(signals, "reliable_improvement") != []
    found = of_kind(signals, "reliable_recovery")
    assert [s.session_number for s in found] == ([2] if recovered else [])


def test_it_states_the_ors_recovery_rule_with_its_clinical_side_below_25() -> None:
    (recovery,) = of_kind(monitor_episode(episode(ors(1, 19.9), ors(2, 25.0))), "reliable_recovery")
    assert recovery.rule == (
        "improvement >= 5 points since the first score, first score < 25 (clinical range), "
        "now >= 25"
    )
    assert recovery.evidence["improvement"] == 5.1
    assert recovery.explanation == (
        "ORS shows reliable recovery: it improved reliably from 19.9 at session 1 to 25 and "
        "has moved out of the clinical range (cutoff 25)."
    )


def test_it_reports_a_change_when_it_is_reached_not_at_every_session() -> None:
    series = [phq9(1, 18), phq9(2, 11), phq9(3, 10), phq9(4, 13), phq9(5, 9)]
    signals = monitor_episode(episode(*series))
    # Improvement reached at 2 (7 points), held at 3 (8), lapsed at 4 (5), reached again at
    # 5: news the first time, a note the second.
    assert [(s.session_number, s.severity) for s in of_kind(signals, "reliable_improvement")] == [
        (2, "info"),
        (5, "info"),
    ]
    worse = monitor_episode(episode(phq9(1, 8), phq9(2, 14), phq9(3, 13), phq9(4, 15)))
    assert [(s.session_number, s.severity) for s in of_kind(worse, "reliable_deterioration")] == [
        (2, "warning"),
        (4, "info"),
    ]


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
