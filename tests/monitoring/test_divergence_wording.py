"""What alliance_symptom_divergence says, word for word, with every symptom measure it read;
and which symptom scores are recent enough to be read at all (the last one no more than a
session before the alliance fell)."""

from __future__ import annotations

from alliance.monitoring import Signal, monitor_episode

from .builders import episode, ors, phq9, srs_series

FLAT_PHQ9 = [phq9(s, t) for s, t in ((1, 14), (2, 15), (3, 13))]


def divergence(*administrations: object) -> list[Signal]:
    signals = monitor_episode(episode(*administrations))  # type: ignore[arg-type]
    return [s for s in signals if s.kind == "alliance_symptom_divergence"]


def test_it_says_what_fell_and_every_flat_measure_it_read() -> None:
    flat_ors = [ors(s, t) for s, t in ((2, 20.0), (3, 21.5), (4, 20.5))]
    (found,) = divergence(srs_series(39, 39, 39, 34.5), flat_ors, FLAT_PHQ9)
    assert found.as_dict() == {
        "kind": "alliance_symptom_divergence", "session": 4, "instrument": "phq-9",
        "severity": "info",
        "rule": "alliance falling (alliance_concern, alliance_drop, possible_rupture) while the "
                "last 3 scores of every symptom measure vary by less than 0.5 of its reliable "
                "change",
        "evidence": {
            "alliance_signals": ["alliance_concern", "alliance_drop", "possible_rupture"],
            "symptom_instrument": "phq-9", "symptom_sessions": [1, 2, 3],
            "symptom_totals": [14.0, 15.0, 13.0], "spread": 2.0, "flat_within": 3.0,
            "symptom_instruments": [
                {"instrument": "phq-9", "sessions": [1, 2, 3], "totals": [14.0, 15.0, 13.0],
                 "spread": 2.0, "flat_within": 3.0},
                {"instrument": "ors", "sessions": [2, 3, 4], "totals": [20.0, 21.5, 20.5],
                 "spread": 1.5, "flat_within": 2.5},
            ],
        },
        "explanation": "The alliance is falling while symptom scores have stayed flat (PHQ-9 "
                       "14, 15, 13; ORS 20, 21.5, 20.5): the work may be drifting before the "
                       "symptoms show it.",
        "suggested_action": "Review goals and method with the client now: ask whether the work "
                            "still feels relevant to what they came for, and adjust together.",
    }  # fmt: skip


def test_it_reads_symptom_scores_up_to_the_session_before_the_fall() -> None:
    (found,) = divergence(srs_series(39, 39, 39, 34.5), FLAT_PHQ9)  # PHQ-9 last at session 3
    assert (found.session_number, found.evidence["symptom_sessions"]) == (4, [1, 2, 3])


def test_it_does_not_read_symptom_scores_older_than_that() -> None:
    assert divergence(srs_series(39, 39, 39, 39, 34.5), FLAT_PHQ9) == []  # fall at 5
