"""Episode outcomes: the Jacobson-Truax category per instrument, first score to last, and the
NHS Talking Therapies joint definitions for PHQ-9 with GAD-7."""

from __future__ import annotations

import inspect
import json

import pytest

from alliance.monitoring import MonitoringConfig, ScoredAdministration, ScoredEpisode
from alliance.monitoring.config import jacobson_truax_threshold
from alliance.monitoring.outcomes import (
    EpisodeOutcome,
    episode_outcome,
    instrument_outcome,
)

from .builders import episode, gad7, ors, phq9, srs


@pytest.mark.parametrize(
    ("series", "category"),
    [
        ([phq9(1, 16), phq9(2, 9)], "recovered"),
        ([phq9(1, 14), phq9(2, 8)], "recovered"),  # 6 points, at the figure
        ([phq9(1, 14), phq9(2, 9)], "unchanged"),  # 5 points, though out of caseness
        ([phq9(1, 16), phq9(2, 10)], "improved"),  # reliable, but 10 is still a case
        ([phq9(1, 10), phq9(2, 4)], "recovered"),  # 10 at the start is a case
        ([phq9(1, 9), phq9(2, 3)], "improved"),  # never a case
        ([phq9(1, 10), phq9(2, 16)], "deteriorated"),
        ([phq9(1, 10), phq9(2, 15)], "unchanged"),
        ([gad7(1, 12), gad7(2, 7)], "recovered"),
        ([gad7(1, 12), gad7(2, 8)], "improved"),  # 8 is a case
        ([gad7(1, 12), gad7(2, 9)], "unchanged"),
        ([gad7(1, 8), gad7(2, 12)], "deteriorated"),
        ([ors(1, 19.9), ors(2, 25.0)], "recovered"),  # 25 is not clinical
        ([ors(1, 19.9), ors(2, 24.9)], "improved"),  # 5.0 points, still below 25
        ([ors(1, 20.0), ors(2, 24.9)], "unchanged"),
        ([ors(1, 11.4), ors(2, 16.4)], "improved"),  # 5 points, though 4.999... in binary
        ([ors(1, 25.0), ors(2, 20.0)], "deteriorated"),
        ([ors(1, 25.0), ors(2, 20.1)], "unchanged"),
        ([phq9(1, 18), phq9(2, 8), phq9(3, 14)], "unchanged"),  # the last score, not the best
    ],
)
def test_it_gives_the_jacobson_truax_category_from_first_to_last(
    series: list[ScoredAdministration], category: str
) -> None:
    outcome = instrument_outcome(series, MonitoringConfig())
    assert outcome is not None and outcome.category == category


def test_it_gives_the_numbers_behind_the_category() -> None:
    outcome = instrument_outcome([phq9(1, 14), phq9(3, 12), phq9(6, 8)])
    assert outcome is not None
    assert outcome.as_dict() == {
        "instrument": "phq-9", "category": "recovered", "scores": 3,
        "first_session": 1, "last_session": 6, "first_total": 14.0, "last_total": 8.0,
        "change": -6.0, "improvement": 6.0, "reliable_change": 6.0, "caseness": 10.0,
        "case_at_start": True, "case_at_end": False,
    }  # fmt: skip
    better_high = instrument_outcome([ors(1, 25.0), ors(2, 20.0)])
    assert better_high is not None
    assert (better_high.change, better_high.improvement) == (-5.0, -5.0)
    assert (better_high.case_at_start, better_high.case_at_end) == (False, True)


def test_it_reports_no_change_as_zero_not_minus_zero() -> None:
    outcome = instrument_outcome([phq9(1, 12), phq9(2, 12)])
    assert outcome is not None
    assert json.dumps([outcome.change, outcome.improvement]) == "[0.0, 0.0]"


def test_it_needs_two_scores_of_one_instrument() -> None:
    assert instrument_outcome([phq9(1, 16)]) is None
    assert instrument_outcome([]) is None
    with pytest.raises(ValueError, match="mixes instruments"):
        instrument_outcome([phq9(1, 16), gad7(2, 8)])


def test_it_keeps_a_jacobson_truax_figure_at_full_precision() -> None:
    config = MonitoringConfig(reliable_change={}, jacobson_truax={"ors": (7.0, 0.9)})
    outcome = instrument_outcome([ors(1, 20.0), ors(2, 26.2)], config)
    assert outcome is not None
    assert outcome.reliable_change == jacobson_truax_threshold(7.0, 0.9)  # 6.1357...
    assert (outcome.category, outcome.improvement) == ("recovered", 6.2)
    below = instrument_outcome([ors(1, 20.0), ors(2, 26.1)], config)
    assert below is not None and below.category == "unchanged"


@pytest.mark.parametrize(
    ("phq", "gad", "expected"),
    [
        # Both out of caseness, both reliable: the full set.
        ((16, 8), (10, 6), (True, True, True, False)),
        # Below caseness on both at the end without reliable change on either.
        ((11, 9), (9, 7), (True, False, False, False)),
        # A case on GAD-7 only at the start counts; recovery needs both below at the end.
        ((8, 2), (9, 4), (True, True, True, False)),
        ((8, 2), (9, 8), (False, True, False, False)),  # GAD-7 8 is still a case
        ((16, 9), (10, 7), (True, True, True, False)),  # just below on both
        ((16, 10), (10, 7), (False, True, False, False)),  # PHQ-9 10 is still a case
        # Reliable improvement on one, deterioration on the other: not an improvement.
        ((16, 8), (6, 11), (False, False, False, True)),
        # GAD-7 up 3, short of reliable, but a case now: improvement without recovery.
        ((16, 8), (6, 9), (False, True, False, False)),
        # Reliable improvement on one, the other unchanged.
        ((16, 10), (12, 10), (False, True, False, False)),
        # Not a case at the start: no recovery to count, the other two still are.
        ((9, 3), (7, 2), (None, True, None, False)),
        ((9, 15), (7, 7), (None, False, None, True)),
    ],
)
def test_it_applies_the_talking_therapies_joint_definitions(
    phq: tuple[int, int],
    gad: tuple[int, int],
    expected: tuple[bool | None, bool | None, bool | None, bool | None],
) -> None:
    outcome = episode_outcome(
        episode(phq9(1, phq[0]), phq9(5, phq[1]), gad7(1, gad[0]), gad7(5, gad[1])),
        MonitoringConfig(),
    )
    assert (
        outcome.recovery,
        outcome.reliable_improvement,
        outcome.reliable_recovery,
        outcome.reliable_deterioration,
    ) == expected


def test_gad7_worsening_of_four_is_reliable_deterioration() -> None:
    # GAD-7 6 -> 10: 4 points is the figure, so it is reliable and outweighs the PHQ-9.
    outcome = episode_outcome(episode(phq9(1, 16), phq9(2, 8), gad7(1, 6), gad7(2, 10)))
    assert outcome.instruments["gad-7"].category == "deteriorated"
    assert (outcome.reliable_improvement, outcome.reliable_deterioration) == (False, True)


def test_it_leaves_the_joint_definitions_open_without_both_measures_twice() -> None:
    only_phq = episode_outcome(episode(phq9(1, 16), phq9(2, 8), gad7(1, 12)))
    assert list(only_phq.instruments) == ["phq-9"]
    assert only_phq.instruments["phq-9"].category == "recovered"
    assert (
        only_phq.recovery,
        only_phq.reliable_improvement,
        only_phq.reliable_recovery,
        only_phq.reliable_deterioration,
    ) == (None, None, None, None)
    ors_only = episode_outcome(episode(ors(1, 20.0), ors(4, 26.0), srs(1, 38.0)))
    assert list(ors_only.instruments) == ["ors"]
    assert ors_only.reliable_improvement is None


def test_it_reads_the_clients_forms_only() -> None:
    therapist_phq = ScoredAdministration(2, "phq-9", phq9(2, 4).score, "therapist")
    outcome = episode_outcome(ScoredEpisode.of("C9", [phq9(1, 16), therapist_phq]))
    assert outcome.instruments == {}


def test_it_gives_a_json_ready_outcome_in_the_documented_shape() -> None:
    outcome = episode_outcome(
        episode(
            phq9(1, 16), phq9(2, 12), phq9(3, 8), gad7(1, 10), gad7(3, 6),
            ors(1, 19.9), ors(3, 25.0),
        )
    )  # fmt: skip
    as_dict = outcome.as_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert as_dict == {
        "client_id": "C1",
        "instruments": {
            "phq-9": {
                "instrument": "phq-9", "category": "recovered", "scores": 3,
                "first_session": 1, "last_session": 3, "first_total": 16.0,
                "last_total": 8.0, "change": -8.0, "improvement": 8.0,
                "reliable_change": 6.0, "caseness": 10.0, "case_at_start": True,
                "case_at_end": False,
            },
            "gad-7": {
                "instrument": "gad-7", "category": "recovered", "scores": 2,
                "first_session": 1, "last_session": 3, "first_total": 10.0,
                "last_total": 6.0, "change": -4.0, "improvement": 4.0,
                "reliable_change": 4.0, "caseness": 8.0, "case_at_start": True,
                "case_at_end": False,
            },
            "ors": {
                "instrument": "ors", "category": "recovered", "scores": 2,
                "first_session": 1, "last_session": 3, "first_total": 19.9,
                "last_total": 25.0, "change": 5.1, "improvement": 5.1,
                "reliable_change": 5.0, "caseness": 25.0, "case_at_start": True,
                "case_at_end": False,
            },
        },
        "recovery": True,
        "reliable_improvement": True,
        "reliable_recovery": True,
        "reliable_deterioration": False,
    }  # fmt: skip


def test_it_keeps_the_signature_the_analysis_calls() -> None:
    signature = inspect.signature(episode_outcome)
    assert list(signature.parameters) == ["episode", "config"]
    assert signature.parameters["config"].default is None
    assert signature.return_annotation == "EpisodeOutcome"
    assert isinstance(episode_outcome(episode(phq9(1, 12))), EpisodeOutcome)
