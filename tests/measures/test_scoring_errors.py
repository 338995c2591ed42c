"""Bad answers are refused with one error type, a stable code and a message naming the item
and the allowed values."""

from __future__ import annotations

import math
from typing import Any

import pytest

from alliance.measures import ScoringError, score

SRS_OK = {"1": 9.0, "2": 9.0, "3": 9.0, "4": 9.0}
PHQ_OK = {str(n): 1 for n in range(1, 10)}


def refused(instrument: str, answers: Any) -> ScoringError:
    with pytest.raises(ScoringError) as caught:
        score(instrument, answers)
    return caught.value


def test_it_refuses_an_unknown_instrument_and_lists_the_known_ones() -> None:
    error = refused("srs-9", SRS_OK)
    assert error.code == "unknown_instrument"
    assert "srs-9" in error.message and "phq-9" in error.message


def test_it_refuses_a_value_beyond_the_end_of_a_vas_line() -> None:
    error = refused("srs", SRS_OK | {"3": 10.05})
    assert (error.code, error.item) == ("out_of_range", "3")
    assert "srs item 3" in error.message and "0-10" in error.message


def test_it_refuses_a_vas_value_finer_than_a_millimetre() -> None:
    error = refused("srs", SRS_OK | {"2": 5.05})
    assert (error.code, error.item) == ("off_scale", "2")
    assert "0.1" in error.message


def test_it_refuses_a_half_point_on_a_0_to_3_item() -> None:
    error = refused("phq-9", PHQ_OK | {"4": 1.5})
    assert (error.code, error.item) == ("off_scale", "4")
    assert "0 Not at all" in error.message and "3 Nearly every day" in error.message


def test_it_accepts_a_whole_number_written_as_a_float() -> None:
    assert score("phq-9", PHQ_OK | {"4": 2.0}).total == 10


def test_it_refuses_a_zero_on_the_wai_sr() -> None:
    error = refused("wai-sr", {str(n): 3 for n in range(1, 13)} | {"12": 0})
    assert (error.code, error.item) == ("out_of_range", "12")
    assert "1 Seldom" in error.message


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_it_refuses_values_that_are_not_finite(value: float) -> None:
    error = refused("srs", SRS_OK | {"1": value})
    assert (error.code, error.item) == ("not_finite", "1")


@pytest.mark.parametrize("value", ["7", None, True, [7], {"v": 7}])
def test_it_refuses_answers_that_are_not_numbers(value: object) -> None:
    error = refused("srs", SRS_OK | {"4": value})
    assert (error.code, error.item) == ("wrong_type", "4")
    assert "must be a number" in error.message


@pytest.mark.parametrize("item", ["5", "0", "01", " 1", "one", 5, 1.0])
def test_it_refuses_an_item_the_instrument_does_not_have(item: object) -> None:
    error = refused("srs", dict(SRS_OK) | {item: 9.0})
    assert error.code == "unknown_item"
    assert "1..4" in error.message


def test_it_refuses_an_item_given_twice() -> None:
    pairs = [*SRS_OK.items(), ("2", 3.0)]
    error = refused("srs", pairs)
    assert (error.code, error.item) == ("duplicate_item", "2")


def test_it_counts_an_integer_id_and_its_text_as_the_same_item() -> None:
    error = refused("srs", [*SRS_OK.items(), (2, 3.0)])
    assert error.code == "duplicate_item"


def test_it_refuses_a_form_with_an_item_missing_rather_than_prorating() -> None:
    answers = {k: v for k, v in PHQ_OK.items() if k != "6"}
    error = refused("phq-9", answers)
    assert (error.code, error.item) == ("missing_item", "6")
    assert "item 6 not answered" in error.message


def test_it_refuses_answers_that_are_not_an_object() -> None:
    assert refused("srs", "1=9").code == "not_an_object"
    assert refused("srs", 9).code == "not_an_object"
    assert refused("srs", [1, 2]).code == "not_an_object"


def test_it_reports_every_problem_in_a_form_at_once() -> None:
    error = refused("srs", {"1": 11, "2": "x", "3": 9.0})
    assert [(p.code, p.item) for p in error.problems] == [
        ("out_of_range", "1"),
        ("wrong_type", "2"),
        ("missing_item", "4"),
    ]
    assert error.code == error.problems[0].code
