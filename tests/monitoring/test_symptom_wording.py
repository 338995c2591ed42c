"""What the symptom signals say, word for word: reliable improvement is `info` and says
"improved", deterioration a `warning` that says "worsened", recovery is reached AT the
figure (PHQ-9 14 to 8) and not a point short of it; the safety signal on a form that could
not be scored; and which score a lost gain names as the best so far."""

from __future__ import annotations

from alliance.monitoring import MonitoringConfig, ScoredAdministration
from alliance.monitoring.symptoms import change_signals, self_harm_signal

from .builders import ors, phq9

PHQ9_EVIDENCE = {"first_session": 1, "reliable_change": 6.0, "caseness": 10.0}


def said(*series: ScoredAdministration, kind: str | None = None) -> list[dict[str, object]]:
    signals = change_signals(list(series), MonitoringConfig())
    return [s.as_dict() for s in signals if kind is None or s.kind == kind]


def test_it_words_improvement_and_recovery_reached_at_the_figure() -> None:
    evidence = PHQ9_EVIDENCE | {"first_total": 14.0, "total": 8.0, "improvement": 6.0}
    assert said(phq9(1, 14), phq9(2, 8)) == [{
        "kind": "reliable_improvement", "session": 2, "instrument": "phq-9", "severity": "info",
        "rule": "improvement >= 6 points since the first score", "evidence": evidence,
        "explanation": "PHQ-9 improved reliably, from 14 at session 1 to 8.",
        "suggested_action": "Share the progress with the client and ask what has helped; keep "
                            "what works.",
    }, {
        "kind": "reliable_recovery", "session": 2, "instrument": "phq-9", "severity": "info",
        "rule": "improvement >= 6 points since the first score, first score >= 10 (clinical "
                "range), now < 10",
        "evidence": evidence,
        "explanation": "PHQ-9 shows reliable recovery: it improved reliably from 14 at session 1 "
                       "to 8 and has moved out of the clinical range (cutoff 10).",
        "suggested_action": "Discuss with the client what keeps the gains going and whether to "
                            "plan the ending.",
    }]  # fmt: skip


def test_it_calls_a_point_short_of_the_figure_no_change_at_all() -> None:
    assert said(phq9(1, 14), phq9(2, 9)) == []
    assert said(phq9(1, 9), phq9(2, 14)) == []


def test_it_words_deterioration_as_a_warning() -> None:
    assert said(phq9(1, 8), phq9(2, 14)) == [{
        "kind": "reliable_deterioration", "session": 2, "instrument": "phq-9",
        "severity": "warning", "rule": "worsening >= 6 points since the first score",
        "evidence": PHQ9_EVIDENCE | {"first_total": 8.0, "total": 14.0, "improvement": -6.0},
        "explanation": "PHQ-9 worsened reliably, from 8 at session 1 to 14.",
        "suggested_action": "Review the plan with the client: ask how they see the change, "
                            "check the alliance and risk, and consider adjusting the approach or "
                            "consulting.",
    }]  # fmt: skip


def test_it_words_ors_recovery_with_its_own_direction() -> None:
    (recovery,) = said(ors(1, 20.0), ors(2, 25.0), kind="reliable_recovery")
    assert recovery["rule"] == (
        "improvement >= 5 points since the first score, first score < 25 (clinical range), "
        "now >= 25"
    )
    assert recovery["explanation"] == (
        "ORS shows reliable recovery: it improved reliably from 20 at session 1 to 25 and has "
        "moved out of the clinical range (cutoff 25)."
    )


def test_it_raises_the_safety_signal_on_a_form_that_could_not_be_scored() -> None:
    assert self_harm_signal(3, 2, None).as_dict() == {
        "kind": "self_harm_risk", "session": 3, "instrument": "phq-9", "severity": "urgent",
        "rule": "phq-9 item 9 >= 1",
        "evidence": {"item_9": 2, "phq9_total": None, "form_scored": False},
        "explanation": "The client reported thoughts of being better off dead or of hurting "
                       "themselves (PHQ-9 item 9 = 2), whatever the total. The rest of the form "
                       "could not be scored, but this answer stands.",
        "suggested_action": "Assess risk today, before the client leaves: ask directly about "
                            "thoughts, plans and means; follow the service's safety procedure "
                            "and record what was done.",
    }  # fmt: skip
    scored = self_harm_signal(3, 1, 12.0)
    assert scored.evidence == {"item_9": 1, "phq9_total": 12.0, "form_scored": True}
    assert scored.explanation.endswith("(PHQ-9 item 9 = 1), whatever the total.")


def test_it_names_the_first_of_equal_best_scores_in_a_lost_recovery() -> None:
    (lost,) = said(ors(1, 20.0), ors(2, 25.5), ors(3, 25.5), ors(4, 18.0), kind="lost_improvement")
    assert lost["evidence"] == {
        "first_total": 20.0, "first_session": 1, "reached": "reliable_recovery",
        "reached_session": 2, "reached_total": 25.5, "best_total": 25.5, "best_session": 2,
        "total": 18.0, "improvement": -2.0, "reliable_change": 5.0, "caseness": 25.0,
        "lost": "back_to_caseness",
    }  # fmt: skip
    assert lost["rule"] == "reliable recovery lost: back in the clinical range, now < 25"
    assert lost["explanation"] == (
        "ORS is back in the clinical range at 18: the reliable recovery reached at session 2 "
        "(total 25.5) has been lost. The best score so far was 25.5 at session 2."
    )


def test_it_counts_a_best_score_one_point_higher_in_a_lost_recovery() -> None:
    (lost,) = said(ors(1, 20.0), ors(2, 25.0), ors(3, 26.0), ors(4, 18.5), kind="lost_improvement")
    assert (lost["evidence"]["best_total"], lost["evidence"]["best_session"]) == (26.0, 3)  # type: ignore[index]


def test_it_says_how_far_a_lost_improvement_is_from_the_first_score() -> None:
    (lost,) = said(phq9(1, 10), phq9(2, 0), phq9(3, 9), kind="lost_improvement")
    assert (lost["severity"], lost["rule"]) == (
        "warning", "reliable improvement lost: improvement since the first score < 6",
    )  # fmt: skip
    assert lost["explanation"] == (
        "PHQ-9's reliable improvement, reached at session 2 (total 0), has been lost: 9 is 1 "
        "point better than the first score of 10, short of the 6 that count as reliable. The "
        "best score so far was 0 at session 2."
    )
