"""Each instrument scored on hand-worked examples from its published key, and every cutoff
and band edge approached from both sides."""

from __future__ import annotations

import pytest

from alliance.measures import ScoringError, score


def items(*values: float) -> dict[str, float]:
    return {str(n): v for n, v in enumerate(values, start=1)}


# --- SRS --------------------------------------------------------------------------------


def test_it_sums_the_four_srs_lines_exactly_to_one_decimal() -> None:
    # 9.1 + 8.4 + 9.0 + 9.5 = 36.0 by hand; binary floats would give 35.99999...
    result = score("srs", items(9.1, 8.4, 9.0, 9.5))
    assert result.total == 36.0
    assert result.subscales == {} and result.subscale_means == {}
    assert result.band is None


@pytest.mark.parametrize(
    ("values", "concern"),
    [
        ((9.0, 9.0, 9.0, 9.0), True),  # 36.0: at the cutoff is a concern
        ((9.0, 9.0, 9.0, 9.1), False),  # 36.1: just above
        ((9.0, 9.0, 9.0, 8.9), True),  # 35.9: just below
        ((10.0, 10.0, 10.0, 10.0), False),
        ((0.0, 0.0, 0.0, 0.0), True),
    ],
)
def test_it_flags_an_alliance_concern_at_or_below_36(
    values: tuple[float, ...], concern: bool
) -> None:
    assert ("alliance_concern" in score("srs", items(*values)).flags) is concern


def test_it_lets_a_site_move_the_srs_cutoff_to_below_36() -> None:
    at_36 = items(9.0, 9.0, 9.0, 9.0)
    assert score("srs", at_36, cutoffs={"alliance_concern": 35.9}).flags == ()
    assert score("srs", items(9.0, 9.0, 9.0, 8.9), cutoffs={"alliance_concern": 35.9}).flags == (
        "alliance_concern",
    )


def test_it_refuses_a_cutoff_the_instrument_does_not_have() -> None:
    with pytest.raises(ScoringError) as caught:
        score("srs", items(9, 9, 9, 9), cutoffs={"clinical": 25})
    assert caught.value.code == "bad_threshold"
    assert "clinical" in caught.value.message


def test_it_names_the_lowest_srs_items_with_ties() -> None:
    assert score("srs", items(9.5, 7.2, 9.9, 7.2)).lowest_items == ("2", "4")
    assert score("srs", items(10, 10, 10, 10)).lowest_items == ()


# --- ORS --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "total", "clinical"),
    [
        ((6.2, 6.2, 6.3, 6.2), 24.9, True),  # just below the adult cutoff of 25
        ((6.25, 6.25, 6.25, 6.25), None, None),  # off the 0.1 scale: refused below
        ((6.2, 6.3, 6.2, 6.3), 25.0, False),  # at the cutoff is not clinical
        ((6.3, 6.3, 6.2, 6.3), 25.1, False),
    ],
)
def test_it_flags_the_ors_clinical_range_below_25(
    values: tuple[float, ...], total: float | None, clinical: bool | None
) -> None:
    if total is None:
        with pytest.raises(ScoringError) as caught:
            score("ors", items(*values))
        assert caught.value.code == "off_scale"
        return
    result = score("ors", items(*values))
    assert result.total == total
    assert ("clinical_range" in result.flags) is clinical


def test_it_names_the_lowest_ors_domain() -> None:
    assert score("ors", items(5.0, 2.1, 6.0, 4.0)).lowest_items == ("2",)


# --- PHQ-9 ------------------------------------------------------------------------------


def phq9(total: int, item9: int = 0) -> dict[str, int]:
    """Answers summing to `total` with item 9 as given (items 1-8 filled in order)."""
    answers = {str(n): 0 for n in range(1, 10)}
    answers["9"] = item9
    remaining = total - item9
    for n in range(1, 9):
        take = min(3, remaining)
        answers[str(n)] = take
        remaining -= take
    assert remaining == 0
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (24, "severe"),
    ],
)
def test_it_bands_phq9_totals_at_every_edge(total: int, band: str) -> None:
    result = score("phq-9", phq9(total))
    assert result.total == total
    assert result.band == band


def test_it_scores_the_phq9_maximum_as_severe() -> None:
    result = score("phq-9", {str(n): 3 for n in range(1, 10)})
    assert (result.total, result.band) == (27, "severe")


def test_it_scores_a_hand_worked_phq9() -> None:
    # 1+2+3+1+0+2+1+0+1 = 11: moderate, with item 9 endorsed.
    result = score("phq-9", items(1, 2, 3, 1, 0, 2, 1, 0, 1))
    assert result.total == 11
    assert result.band == "moderate"
    assert result.flags == ("self_harm_risk",)
    assert result.lowest_items == ("3",)  # the most severe symptom


@pytest.mark.parametrize(("item9", "flagged"), [(0, False), (1, True), (2, True), (3, True)])
def test_it_flags_self_harm_risk_on_any_item9_answer_above_0(item9: int, flagged: bool) -> None:
    # Total kept minimal: the flag must not depend on the total.
    result = score("phq-9", phq9(item9, item9=item9))
    assert ("self_harm_risk" in result.flags) is flagged


def test_it_accepts_but_does_not_score_phq9_item10() -> None:
    answers = dict(phq9(7)) | {"10": 2}
    result = score("phq-9", answers)
    assert result.total == 7
    assert result.answers["10"] == 2


def test_it_refuses_an_out_of_range_phq9_item10() -> None:
    with pytest.raises(ScoringError) as caught:
        score("phq-9", dict(phq9(7)) | {"10": 4})
    assert caught.value.item == "10"


# --- GAD-7 ------------------------------------------------------------------------------


def gad7(total: int) -> dict[str, int]:
    answers = {}
    for n in range(1, 8):
        take = min(3, total)
        answers[str(n)] = take
        total -= take
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_it_bands_gad7_totals_at_every_edge(total: int, band: str) -> None:
    result = score("gad-7", gad7(total))
    assert (result.total, result.band) == (total, band)
    assert result.flags == ()


# --- WAI-SR -----------------------------------------------------------------------------


def test_it_scores_wai_sr_subscales_with_the_short_revised_key() -> None:
    # Task items 1 2 10 12 = 5; Bond 3 5 7 9 = 4; Goal 4 6 8 11 = 2 (hand-worked).
    answers = items(5, 5, 4, 2, 4, 2, 4, 2, 4, 5, 2, 5)
    result = score("wai-sr", answers)
    assert result.subscales == {"task": 20, "bond": 16, "goal": 8}
    assert result.subscale_means == {"task": 5.0, "bond": 4.0, "goal": 2.0}
    assert result.total == 44
    assert result.lowest_items == ("4", "6", "8", "11")
    assert result.band is None


def test_it_gives_subscale_means_to_two_decimals() -> None:
    # Bond items 3, 5, 7, 9 = 3+4+4+4 = 15, mean 3.75; Task 1+2+1+2 = 6, mean 1.5.
    answers = items(1, 2, 3, 5, 4, 5, 4, 5, 4, 1, 5, 2)
    result = score("wai-sr", answers)
    assert result.subscales["bond"] == 15
    assert result.subscale_means["bond"] == 3.75
    assert result.subscale_means["task"] == 1.5


def test_it_scores_the_therapist_wai_sr_on_the_same_key() -> None:
    answers = items(5, 5, 4, 2, 4, 2, 4, 2, 4, 5, 2, 5)
    result = score("wai-sr-t", answers)
    assert result.subscales == {"task": 20, "bond": 16, "goal": 8}


@pytest.mark.parametrize("value", [0, 6, -1])
def test_it_refuses_values_off_the_wai_sr_five_points(value: int) -> None:
    answers = items(*[3] * 12) | {"7": value}
    with pytest.raises(ScoringError) as caught:
        score("wai-sr", answers)
    assert caught.value.code == "out_of_range"
    assert caught.value.item == "7"
    assert "wai-sr item 7" in caught.value.message


# --- WAI (36 items) ---------------------------------------------------------------------

REVERSE_36 = {1, 3, 7, 9, 10, 11, 12, 15, 20, 27, 29, 31, 33, 34}


def test_it_reverse_keys_wai36_items_as_8_minus_x() -> None:
    # Everyone answering 7 ("Always"): forward items score 7, reversed items 1.
    result = score("wai", {str(n): 7 for n in range(1, 37)})
    goal = [3, 6, 9, 10, 12, 14, 22, 25, 27, 30, 32, 34]
    task = [2, 4, 7, 11, 13, 15, 16, 18, 24, 31, 33, 35]
    bond = [1, 5, 8, 17, 19, 20, 21, 23, 26, 28, 29, 36]
    expected = {
        name: sum(1 if n in REVERSE_36 else 7 for n in members)
        for name, members in (("goal", goal), ("task", task), ("bond", bond))
    }
    assert result.subscales == expected == {"goal": 48, "task": 54, "bond": 66}
    assert result.total == 168
    assert result.lowest_items == tuple(str(n) for n in sorted(REVERSE_36))


def test_it_scores_the_best_possible_wai36_as_252() -> None:
    answers = {str(n): 1 if n in REVERSE_36 else 7 for n in range(1, 37)}
    result = score("wai", answers)
    assert result.total == 252
    assert result.lowest_items == ()


def test_it_round_trips_a_score_through_its_stored_record() -> None:
    import json

    from alliance.measures import Score

    original = score("phq-9", items(1, 2, 3, 1, 0, 2, 1, 0, 1) | {"10": 2})
    assert Score.from_record(json.loads(json.dumps(original.to_record()))) == original
