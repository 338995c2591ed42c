"""Urgent answers are read from the answers themselves, so a form that cannot be scored still
gives up its self-harm answer; only a real answer on the scale counts."""

from __future__ import annotations

import pytest

from alliance.measures.urgent import UrgentAnswer, urgent_answers


@pytest.mark.parametrize("value", [1, 2, 3, 1.0])
def test_it_finds_an_endorsed_self_harm_answer_whatever_else_is_wrong(value: float) -> None:
    answers = {"1": "often", "2": 7, "9": value}  # items 3-8 missing, 1 and 2 not answers
    assert urgent_answers("phq-9", answers) == [
        UrgentAnswer("phq-9", "self_harm_risk", "9", int(value))
    ]


@pytest.mark.parametrize("value", [0, 0.0, 4, -1, 2.5, "2", True, None])
def test_it_counts_only_an_answer_on_the_scale_at_or_above_the_cutoff(value: object) -> None:
    assert urgent_answers("phq-9", {"9": value}) == []


def test_it_finds_nothing_where_a_measure_has_no_urgent_item() -> None:
    assert urgent_answers("gad-7", {str(n): 3 for n in range(1, 8)}) == []
    assert urgent_answers("srs", {"1": 0.0, "2": 0.0, "3": 0.0, "4": 0.0}) == []
