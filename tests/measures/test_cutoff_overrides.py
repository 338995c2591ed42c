"""A cutoff overridden for one scoring call: the flag follows it from both sides, and
anything that is not a finite number for a cutoff the instrument has is refused with
ScoringError (code bad_threshold), never another exception."""

from __future__ import annotations

import math

import pytest

from alliance.measures import ScoringError, score

AT_36 = {"1": 9.0, "2": 9.0, "3": 9.0, "4": 9.0}
AT_35_9 = {"1": 9.0, "2": 9.0, "3": 9.0, "4": 8.9}
PHQ_ITEM9 = {str(n): 0 for n in range(1, 9)} | {"9": 1}


def refused(cutoffs: object, instrument: str = "srs", answers: object = None) -> ScoringError:
    with pytest.raises(ScoringError) as caught:
        score(instrument, answers or AT_36, cutoffs=cutoffs)  # type: ignore[arg-type]
    assert caught.value.code == "bad_threshold"
    return caught.value


@pytest.mark.parametrize(
    ("cutoff", "at_36", "at_35_9"),
    [
        (36.0, True, True),  # as shipped: at or below
        (35.9, False, True),  # the vendors' "below 36"
        (35.8, False, False),
        (36, True, True),  # a whole number is a number
    ],
)
def test_it_flags_against_the_overriding_cutoff_from_both_sides(
    cutoff: float, at_36: bool, at_35_9: bool
) -> None:
    overrides = {"alliance_concern": cutoff}
    assert ("alliance_concern" in score("srs", AT_36, cutoffs=overrides).flags) is at_36
    assert ("alliance_concern" in score("srs", AT_35_9, cutoffs=overrides).flags) is at_35_9


def test_it_changes_nothing_for_no_override_or_an_empty_one() -> None:
    assert score("srs", AT_36, cutoffs=None).flags == ("alliance_concern",)
    assert score("srs", AT_36, cutoffs={}).flags == ("alliance_concern",)


def test_it_overrides_for_the_one_call_only() -> None:
    assert score("srs", AT_36, cutoffs={"alliance_concern": 35.9}).flags == ()
    assert score("srs", AT_36).flags == ("alliance_concern",)


def test_it_overrides_the_named_ors_cutoff() -> None:
    answers = {"1": 6.0, "2": 6.0, "3": 6.0, "4": 6.0}  # 24.0
    assert score("ors", answers).flags == ("clinical_range",)
    assert score("ors", answers, cutoffs={"clinical": 24.0}).flags == ()
    assert score("ors", answers, cutoffs={"clinical": 24.1}).flags == ("clinical_range",)


@pytest.mark.parametrize(
    ("value", "got"),
    [("36", "str '36'"), (b"36", "bytes b'36'"), (None, "NoneType None"), ([36], "list [36]"),
     ({"v": 36}, "dict {'v': 36}")],
)  # fmt: skip
def test_it_refuses_a_cutoff_that_is_not_a_number(value: object, got: str) -> None:
    error = refused({"alliance_concern": value})
    assert error.message == f"cutoff 'alliance_concern' must be a number, got {got}"


@pytest.mark.parametrize("value", [True, False])
def test_it_refuses_true_and_false_as_a_cutoff(value: bool) -> None:
    assert "must be a number" in refused({"alliance_concern": value}).message


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 10**400, -(10**400)])
def test_it_refuses_a_cutoff_that_is_not_finite(value: float) -> None:
    error = refused({"alliance_concern": value})
    assert error.message == "cutoff 'alliance_concern' must be a finite number"


@pytest.mark.parametrize(
    ("overrides", "got"), [(["alliance_concern"], "list"), ("alliance_concern=36", "str"),
                           (36.0, "float")],
)  # fmt: skip
def test_it_refuses_cutoffs_that_are_not_a_mapping(overrides: object, got: str) -> None:
    error = refused(overrides)
    assert error.message == f"cutoffs must map a cutoff name to a number, got {got}"


def test_it_refuses_an_unknown_cutoff_and_names_the_known_ones() -> None:
    error = refused({"alliance_concer": 35.9})
    assert error.message == (
        "srs has no cutoff named 'alliance_concer'; its cutoffs: alliance_concern"
    )
    assert refused({1: 35.9}).code == "bad_threshold"
    assert refused({"case": 9}, "phq-9", PHQ_ITEM9).message == (
        "phq-9 has no cutoff named 'case'; its cutoffs: caseness, self_harm_item"
    )


def test_it_refuses_to_move_the_safety_cutoff() -> None:
    error = refused({"self_harm_item": 2}, "phq-9", PHQ_ITEM9)
    assert "fixed" in error.message and "safety" in error.message
    # The safety flag still fires at an answer of 1.
    assert "self_harm_risk" in score("phq-9", PHQ_ITEM9).flags
