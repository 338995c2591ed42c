"""wai_profile: the weakest WAI-SR subscale with its formulation guidance, and the
client-therapist gap when both versions were given."""

from __future__ import annotations

import pytest

from alliance.monitoring import Signal, monitor_episode

from .builders import episode, wai_sr


def profiles(*administrations: object) -> list[Signal]:
    signals = monitor_episode(episode(*administrations))  # type: ignore[arg-type]
    return [s for s in signals if s.kind == "wai_profile"]


@pytest.mark.parametrize(
    ("task", "bond", "goal", "weakest", "says"),
    [
        (2, 4, 4, ["task"], "approach irrelevant"),
        (4, 4, 3, ["goal"], "renegotiate the treatment target"),
        (5, 2, 4, ["bond"], "attend to the relationship"),
    ],
)
def test_it_names_the_weakest_subscale_and_its_guidance(
    task: int, bond: int, goal: int, weakest: list[str], says: str
) -> None:
    (profile,) = profiles(wai_sr(3, task, bond, goal))
    assert profile.evidence["weakest"] == weakest
    assert says in profile.suggested_action
    assert profile.session_number == 3 and profile.instrument == "wai-sr"


def test_it_raises_a_warning_only_when_a_subscale_mean_is_below_fairly_often() -> None:
    (low,) = profiles(wai_sr(3, 2, 4, 4))
    (fine,) = profiles(wai_sr(3, 3, 4, 4))
    assert (low.severity, fine.severity) == ("warning", "info")


def test_it_profiles_every_wai_sr_given() -> None:
    found = profiles(wai_sr(3, 3, 4, 4), wai_sr(8, 4, 4, 2))
    assert [(p.session_number, p.evidence["weakest"]) for p in found] == [
        (3, ["task"]),
        (8, ["goal"]),
    ]


def test_it_says_so_when_no_subscale_stands_out() -> None:
    (profile,) = profiles(wai_sr(3, 4, 4, 4))
    assert profile.evidence["weakest"] == ["task", "bond", "goal"]
    assert "no single dimension" in profile.suggested_action


def test_it_sets_the_therapists_view_beside_the_clients() -> None:
    (profile,) = profiles(wai_sr(3, 3, 4, 4), wai_sr(3, 4, 4, 5, therapist=True))
    assert profile.evidence["therapist_minus_client"] == {"task": 1.0, "bond": 0.0, "goal": 1.0}
    assert "higher than the client did" in profile.explanation
    # A therapist form on its own raises no profile: the guidance is for the client's view.
    assert profiles(wai_sr(3, 3, 4, 4, therapist=True)) == []
