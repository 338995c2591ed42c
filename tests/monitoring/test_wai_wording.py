"""What wai_profile says when no subscale stands out: every subscale alike, and every one
rated a point or more higher by the therapist, named in order."""

from __future__ import annotations

from alliance.monitoring import MonitoringConfig
from alliance.monitoring.wai import wai_signals

from .builders import wai_sr


def test_it_names_every_subscale_the_therapist_rated_higher() -> None:
    (profile,) = wai_signals(
        [wai_sr(3, 3, 3, 3)], [wai_sr(3, 4, 4, 5, therapist=True)], MonitoringConfig()
    )
    assert (profile.severity, profile.rule) == (
        "warning", "therapist WAI-SR-T subscale mean >= 1 point above the client's",
    )  # fmt: skip
    assert profile.evidence["therapist_higher"] == ["task", "bond", "goal"]
    assert profile.evidence["therapist_minus_client"] == {"task": 1.0, "bond": 1.0, "goal": 2.0}
    assert profile.explanation == (
        "The client rated Bond, Goal and Task alike (mean 3 of 5). You rated Task 1 point, "
        "Bond 1 point and Goal 2 points higher than the client did (subscale means, 1-5): the "
        "client may see the alliance as weaker than you do."
    )
    assert profile.suggested_action == (
        "Review the profile in supervision; no single dimension stands out. Ask the client how "
        "the work on Task, Bond and Goal feels to them and take their view as the measure: "
        "clients' ratings predict outcome better than therapists'."
    )


def test_it_says_when_no_subscale_stands_out() -> None:
    (profile,) = wai_signals([wai_sr(3, 4, 4, 4)], [], MonitoringConfig())
    assert profile.as_dict() == {
        "kind": "wai_profile", "session": 3, "instrument": "wai-sr", "severity": "info",
        "rule": "lowest WAI-SR subscale mean",
        "evidence": {"subscale_means": {"task": 4.0, "bond": 4.0, "goal": 4.0},
                     "subscale_sums": {"task": 16, "bond": 16, "goal": 16},
                     "weakest": ["task", "bond", "goal"]},
        "explanation": "The client rated Bond, Goal and Task alike (mean 4 of 5).",
        "suggested_action": "Review the profile in supervision; no single dimension stands out.",
    }  # fmt: skip
