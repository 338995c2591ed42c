"""wai_profile: the weakest WAI-SR subscale with its formulation guidance, and the
client-therapist gap when both versions were given."""

from __future__ import annotations

from dataclasses import replace

import pytest

from alliance.measures import score
from alliance.monitoring import ScoredAdministration, Signal, monitor_episode

from .builders import episode, wai_sr

WAI_SR_KEY = {"task": ("1", "2", "10", "12"), "bond": ("3", "5", "7", "9"),
              "goal": ("4", "6", "8", "11")}  # fmt: skip
TASK_GUIDANCE = (
    "Lowest on Task: the client may find the approach irrelevant; ask how the work connects "
    "to their aims and adjust the method."
)
BOND_GUIDANCE = (
    "Lowest on Bond: attend to the relationship itself; invite the client to say how working "
    "with you feels."
)


def profiles(*administrations: object) -> list[Signal]:
    signals = monitor_episode(episode(*administrations))  # type: ignore[arg-type]
    return [s for s in signals if s.kind == "wai_profile"]


def wai_items(
    session: int, *, task: tuple[int, ...], bond: int = 4, goal: int = 4, therapist: bool = False
) -> ScoredAdministration:
    """A WAI-SR (or WAI-SR-T) with the four Task answers given one by one: a Task mean of
    2.75 is (3, 3, 3, 2)."""
    answers = {item: answer for item, answer in zip(WAI_SR_KEY["task"], task, strict=True)}
    answers |= {item: bond for item in WAI_SR_KEY["bond"]}
    answers |= {item: goal for item in WAI_SR_KEY["goal"]}
    instrument = "wai-sr-t" if therapist else "wai-sr"
    return ScoredAdministration(
        session, instrument, score(instrument, answers), "therapist" if therapist else "client"
    )


def with_task_mean(a: ScoredAdministration, mean: float) -> ScoredAdministration:
    """The same form with its Task mean set by hand: a difference of 0.9 cannot come from
    whole answers (four items move a mean in quarters), but the rule must hold at it."""
    means = a.score.subscale_means | {"task": mean}
    return replace(a, score=replace(a.score, subscale_means=means))


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
    assert profile.evidence["therapist_higher"] == ["task", "goal"]
    assert "You rated Task 1 point and Goal 1 point higher than the client did" in (
        profile.explanation
    )
    # A therapist form on its own raises no profile: the guidance is for the client's view.
    assert profiles(wai_sr(3, 3, 4, 4, therapist=True)) == []
    # Nor does a therapist form of another session.
    (alone,) = profiles(wai_sr(3, 3, 4, 4), wai_sr(4, 5, 5, 5, therapist=True))
    assert "therapist_minus_client" not in alone.evidence and alone.severity == "info"


def test_it_warns_when_the_therapist_rates_a_subscale_a_full_point_above_the_client() -> None:
    # Task: client 3.0 (not weak on its own), therapist 4.0: a gap of exactly 1.0.
    (profile,) = profiles(wai_sr(3, 3, 4, 4), wai_sr(3, 4, 4, 4, therapist=True))
    assert profile == Signal(
        "wai_profile", 3, "wai-sr", "warning",
        "therapist WAI-SR-T subscale mean >= 1 point above the client's",
        {"subscale_means": {"task": 3.0, "bond": 4.0, "goal": 4.0},
         "subscale_sums": {"task": 12, "bond": 16, "goal": 16},
         "weakest": ["task"],
         "therapist_subscale_means": {"task": 4.0, "bond": 4.0, "goal": 4.0},
         "therapist_minus_client": {"task": 1.0, "bond": 0.0, "goal": 0.0},
         "therapist_gap_points": 1.0,
         "therapist_higher": ["task"]},
        "The client's weakest alliance dimension is Task (mean 3 of 5). You rated Task 1 "
        "point higher than the client did (subscale means, 1-5): the client may see the "
        "alliance as weaker than you do.",
        f"{TASK_GUIDANCE} Ask the client how the work on Task feels to them and take their "
        "view as the measure: clients' ratings predict outcome better than therapists'.",
    )  # fmt: skip


def test_it_names_the_size_of_a_gap_beyond_one_point() -> None:
    # Task: client 3.0, therapist 4.25 (answers 5, 4, 4, 4).
    client = wai_sr(3, 3, 4, 4)
    therapist = wai_items(3, task=(5, 4, 4, 4), therapist=True)
    (profile,) = profiles(client, therapist)
    assert profile.evidence["therapist_higher"] == ["task"]
    assert "You rated Task 1.25 points higher than the client did" in profile.explanation
    assert profile.suggested_action.endswith(
        "Ask the client how the work on Task feels to them and take their view as the "
        "measure: clients' ratings predict outcome better than therapists'."
    )


def test_it_counts_a_gap_of_one_point_made_of_fractions_as_one_point() -> None:
    # 4.1 - 3.1 is 0.9999999999999996 in binary: the means' two decimals decide.
    client = with_task_mean(wai_sr(3, 3, 4, 4), 3.1)
    therapist = with_task_mean(wai_sr(3, 4, 4, 4, therapist=True), 4.1)
    (profile,) = profiles(client, therapist)
    assert profile.evidence["therapist_minus_client"] == {"task": 1.0, "bond": 0.0, "goal": 0.0}
    assert profile.evidence["therapist_higher"] == ["task"]


@pytest.mark.parametrize(
    ("therapist", "gap"),
    [
        (wai_items(3, task=(4, 4, 4, 3), therapist=True), 0.75),  # nearest whole-answer gap
        (with_task_mean(wai_sr(3, 4, 4, 4, therapist=True), 3.9), 0.9),
    ],
)
def test_it_does_not_warn_below_a_full_point(therapist: ScoredAdministration, gap: float) -> None:
    (profile,) = profiles(wai_sr(3, 3, 4, 4), therapist)
    assert profile.evidence["therapist_minus_client"] == {"task": gap, "bond": 0.0, "goal": 0.0}
    assert profile.evidence["therapist_higher"] == []
    assert (profile.severity, profile.rule) == ("info", "lowest WAI-SR subscale mean")
    assert profile.explanation == "The client's weakest alliance dimension is Task (mean 3 of 5)."
    assert profile.suggested_action == TASK_GUIDANCE


def test_it_does_not_warn_when_the_therapist_rates_below_the_client() -> None:
    (profile,) = profiles(wai_sr(3, 4, 5, 5), wai_sr(3, 3, 3, 4, therapist=True))
    assert profile.evidence["therapist_minus_client"] == {"task": -1.0, "bond": -2.0, "goal": -1.0}
    assert profile.evidence["therapist_higher"] == []
    assert profile.severity == "info"
    assert "You rated" not in profile.explanation


def test_it_states_both_rules_when_both_fire() -> None:
    (profile,) = profiles(wai_sr(3, 2, 4, 4), wai_sr(3, 4, 4, 4, therapist=True))
    assert profile.severity == "warning"
    assert profile.rule == (
        "lowest WAI-SR subscale mean < 3; therapist WAI-SR-T subscale mean >= 1 point above "
        "the client's"
    )
    assert "You rated Task 2 points higher than the client did" in profile.explanation


def test_it_names_both_of_two_tied_weakest_subscales() -> None:
    (profile,) = profiles(wai_sr(3, 2, 2, 4))
    assert profile.evidence["weakest"] == ["task", "bond"]
    assert profile.explanation == (
        "The client's weakest alliance dimensions are Task and Bond (mean 2 of 5 each)."
    )
    assert profile.suggested_action == f"{TASK_GUIDANCE} {BOND_GUIDANCE}"


def test_it_names_all_three_when_every_subscale_is_tied_and_low() -> None:
    (profile,) = profiles(wai_sr(3, 2, 2, 2))
    assert profile.evidence["weakest"] == ["task", "bond", "goal"]
    assert (profile.severity, profile.rule) == ("warning", "lowest WAI-SR subscale mean < 3")
    assert profile.explanation == "The client rated Bond, Goal and Task alike (mean 2 of 5)."
    assert profile.suggested_action == (
        "Every dimension is low: ask the client how therapy is going for them, what they want "
        "from it and how working with you feels; review the case in supervision."
    )


@pytest.mark.parametrize(
    ("task", "mean", "severity"),
    [
        ((3, 3, 3, 3), 3.0, "info"),  # exactly "Fairly often": not below, not weak
        ((3, 3, 3, 2), 2.75, "warning"),  # one answer lower: below 3
    ],
)
def test_it_calls_a_subscale_weak_only_below_a_mean_of_three(
    task: tuple[int, ...], mean: float, severity: str
) -> None:
    (profile,) = profiles(wai_items(3, task=task))
    assert profile.evidence["subscale_means"] == {"task": mean, "bond": 4.0, "goal": 4.0}
    assert profile.severity == severity
    assert profile.rule == (
        "lowest WAI-SR subscale mean < 3"
        if severity == "warning"
        else "lowest WAI-SR subscale mean"
    )
    assert (
        profile.explanation
        == f"The client's weakest alliance dimension is Task (mean {mean:g} of 5)."
    )
