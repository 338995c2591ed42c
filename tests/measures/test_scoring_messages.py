"""What scoring says when it refuses, word for word (a form shows these to the person who has
to fix the answers), each with its code and item; and the figures at their last decimal."""

from __future__ import annotations

from typing import Any

import pytest

from alliance.errors import Problem
from alliance.measures import ScoringError, score
from alliance.measures.scoring import _compare

PHQ = {str(n): 1 for n in range(1, 10)}
MISSING_RULE = "every item is needed (there is no published rule for scoring an incomplete form)"


def refused(instrument: Any, answers: Any, **kwargs: Any) -> ScoringError:
    with pytest.raises(ScoringError) as caught:
        score(instrument, answers, **kwargs)
    error = caught.value
    # One problem: the error itself, as a form shows it.
    assert error.problems == (Problem(error.item, error.message, error.code),)
    return error


@pytest.mark.parametrize(
    ("instrument", "answers", "code", "item", "message"),
    [(3, {}, "unknown_instrument", None, "instrument id must be text, got int"),
     ("srs", 5, "not_an_object", None, "answers must be an object of item id to value, got int"),
     ("srs", [("1", 9.0), ("2",)], "not_an_object", None,
      "answers must be (item id, value) pairs"),
     ("srs", {"1": 9.0, "2": 9.0, "3": 9.0}, "missing_item", "4",
      f"srs: item 4 not answered; {MISSING_RULE}"),
     ("srs", {"1": 9.0, "3": 9.0}, "missing_item", "2",
      f"srs: items 2, 4 not answered; {MISSING_RULE}"),
     ("phq-9", PHQ | {"10": 4}, "out_of_range", "10",
      "phq-9 item 10: 4 is not an allowed answer ([0, 1, 2, 3])"),
     ("phq-9", PHQ | {"10": 1.5}, "out_of_range", "10",
      "phq-9 item 10: 1.5 is not an allowed answer ([0, 1, 2, 3])"),
     ("srs", {"1": 9.05, "2": 9.0, "3": 9.0, "4": 9.0}, "off_scale", "1",
      "srs item 1: 9.05 is not on the scale; it must be a whole number of tenths "
      "(visual-analogue 0-10 in steps of 0.1)"),
     ("phq-9", PHQ | {"4": 1.5}, "off_scale", "4",
      "phq-9 item 4: 1.5 is not on the scale; it must be one of the answer points (0 Not at "
      "all, 1 Several days, 2 More than half the days, 3 Nearly every day)"),
     ("srs", {"1": 9.0, "2": 9.0, "3": 9.0, "4": None}, "wrong_type", "4",
      "srs item 4: the answer must be a number, got NoneType None"),
     ("srs", {"1": 9.0, "2": 9.0, "3": "9", "4": 9.0}, "wrong_type", "3",
      "srs item 3: the answer must be a number, got str '9'")],
)  # fmt: skip
def test_it_says_why_it_refuses(
    instrument: Any, answers: Any, code: str, item: str | None, message: str
) -> None:
    error = refused(instrument, answers)
    assert (error.code, error.item, error.message) == (code, item, message)


def test_it_accepts_an_allowed_supplementary_answer() -> None:
    assert score("phq-9", PHQ | {"10": 3.0}).answers["10"] == 3


def test_it_says_an_instrument_has_no_cutoffs_to_override() -> None:
    error = refused("wai", {str(n): 4 for n in range(1, 37)}, cutoffs={"weak": 100})
    assert error.message == "wai has no cutoff named 'weak'; its cutoffs: none"


def test_it_refuses_to_override_a_safety_cutoff_in_so_many_words() -> None:
    error = refused("phq-9", PHQ, cutoffs={"self_harm_item": 2})
    assert (error.code, error.message) == (
        "bad_threshold",
        "cutoff 'self_harm_item' is fixed: it marks a safety signal, which no site setting may "
        "make less sensitive",
    )  # fmt: skip


def test_it_holds_subscale_means_to_two_decimals() -> None:
    result = score("wai", {str(n): (n % 7) + 1 for n in range(1, 37)})
    assert result.subscale_means == {"goal": 3.33, "task": 4.17, "bond": 3.67}


@pytest.mark.parametrize(
    ("comparison", "below", "at", "above"),
    [("at_or_below", True, True, False), ("below", True, False, False),
     ("at_or_above", False, True, True), ("above", False, False, True)],
)  # fmt: skip
def test_it_holds_each_comparison_at_its_edge(
    comparison: Any, below: bool, at: bool, above: bool
) -> None:
    assert [_compare(v, comparison, 25.0) for v in (24.9, 25.0, 25.1)] == [below, at, above]
