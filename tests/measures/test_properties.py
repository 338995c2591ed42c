"""Property tests for scoring and for reading answers from JSON.

Valid complete answers always score inside the instrument's range, with a total that equals a
sum computed here independently; anything invalid raises ScoringError, with a documented code
and a message naming the offending item, and never any other exception.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.measures import Definition, ScoringError, definitions, score
from alliance.measures.answers_json import parse_answers

DEFS: dict[str, Definition] = definitions()
INSTRUMENTS = sorted(DEFS)

# The codes listed in ScoringError's docstring.
DOCUMENTED_CODES = {
    "unknown_instrument",
    "unknown_item",
    "duplicate_item",
    "missing_item",
    "out_of_range",
    "off_scale",
    "not_finite",
    "wrong_type",
    "malformed_json",
    "not_an_object",
    "bad_threshold",
}

# Budgets keep the whole file at roughly ten seconds; most tests run once per instrument.
_QUIET = [HealthCheck.too_slow]
FAST = settings(max_examples=75, deadline=None, suppress_health_check=_QUIET)
FEW = settings(max_examples=40, deadline=None, suppress_health_check=_QUIET)
PER_KIND = settings(max_examples=50, deadline=None, suppress_health_check=_QUIET)

Pairs = list[tuple[Any, Any]]


def _unit(d: Definition) -> int:
    return 10**d.scale.decimals


def _ends(d: Definition) -> tuple[int, int]:
    """The scale's ends in whole units (tenths on a 0.1 VAS)."""
    unit = _unit(d)
    return round(d.scale.low * unit), round(d.scale.high * unit)


def _allowed_units(d: Definition) -> list[int]:
    if d.scale.kind == "vas":
        low, high = _ends(d)
        return list(range(low, high + 1))
    return [p.value for p in d.scale.points]


def _keyed(d: Definition, item: str, units: int) -> int:
    low, high = _ends(d)
    return low + high - units if item in d.reverse_items else units


def _names_item(message: str, item: str) -> bool:
    """The item id appears in the message as a token of its own, or quoted."""
    if repr(item) in message:
        return True
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(item)}(?![0-9A-Za-z])", message) is not None


def _check_error(exc: ScoringError) -> None:
    assert type(exc) is ScoringError
    assert exc.code in DOCUMENTED_CODES
    assert exc.problems and exc.problems[0].code == exc.code
    for problem in exc.problems:  # loop checked: exc.problems is asserted non-empty above
        assert problem.code in DOCUMENTED_CODES
        if problem.item is not None:
            assert _names_item(problem.message, problem.item), (problem.item, problem.message)
    if exc.item is not None:
        assert _names_item(str(exc), exc.item), (exc.item, str(exc))


# -- strategies ------------------------------------------------------------------------------


@st.composite
def valid_form(draw: st.DrawFn, instrument: str) -> tuple[Pairs, dict[str, int]]:
    """Complete valid answers as (item id, value) pairs, and the scored items in whole units."""
    d = DEFS[instrument]
    unit = _unit(d)
    allowed = _allowed_units(d)
    n = len(d.items)
    # One draw per form: for each item its value in units, whether to write a whole number
    # the other way (2 vs 2.0), and whether to give the id as a number (accepted too).
    choices = draw(
        st.lists(
            st.tuples(st.sampled_from(allowed), st.booleans(), st.booleans()),
            min_size=n,
            max_size=n,
        )
    )
    units = {item: u for item, (u, _, _) in zip(d.item_ids, choices, strict=True)}
    pairs: Pairs = []
    for item, (u, other_way, int_key) in zip(d.item_ids, choices, strict=True):
        if unit == 1:
            value: Any = float(u) if other_way else u
        elif u % unit == 0 and other_way:
            value = u // unit
        else:
            value = u / unit
        pairs.append((int(item) if int_key else item, value))
    for extra in d.supplementary:
        if draw(st.booleans()):
            pairs.append((extra.id, draw(st.sampled_from([p.value for p in extra.points]))))
    pairs = draw(st.permutations(pairs))
    return pairs, units


def _unknown_ids(d: Definition) -> st.SearchStrategy[Any]:
    n = len(d.items)
    known = set(d.item_ids) | {s.id for s in d.supplementary}
    return st.one_of(
        st.sampled_from(["0", str(n + 1), "13", "37", "01", " 1", "1 ", "1.0", "", "one", "-1"]),
        st.integers().filter(lambda i: not 1 <= i <= n),
        st.text(max_size=6),
    ).filter(lambda raw: str(raw) not in known)


def _out_of_range(d: Definition) -> st.SearchStrategy[Any]:
    low, high = d.scale.low, d.scale.high
    return st.one_of(
        st.integers(max_value=math.floor(low) - 1),
        st.integers(min_value=math.ceil(high) + 1),
        st.floats(max_value=low, exclude_max=True, allow_nan=False, allow_infinity=False),
        st.floats(min_value=high, exclude_min=True, allow_nan=False, allow_infinity=False),
    )


def _off_scale(d: Definition) -> st.SearchStrategy[Any]:
    if d.scale.kind == "vas":
        low, high = _ends(d)
        unit = _unit(d)
        # Between two marks of the line, never within a hair of one.
        return st.builds(
            lambda k, frac: (k + frac) / unit,
            st.integers(low, high - 1),
            st.sampled_from([0.5, 0.25, 0.75, 0.1, 0.9, 0.33]),
        )
    values = [p.value for p in d.scale.points]
    return st.builds(
        lambda k, frac: k + frac,
        st.integers(values[0], values[-1] - 1),
        st.floats(min_value=0.01, max_value=0.99),
    )


NOT_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])
WRONG_TYPE = st.one_of(
    st.booleans(),
    st.none(),
    st.text(max_size=5),
    st.lists(st.integers(0, 10), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(0, 10), max_size=2),
    st.just(b"5"),
)

CORRUPTIONS = [
    "drop",
    "unknown_id",
    "duplicate",
    "out_of_range",
    "off_scale",
    "not_finite",
    "wrong_type",
]
VALUE_CODES = {
    "out_of_range": "out_of_range",
    "off_scale": "off_scale",
    "not_finite": "not_finite",
    "wrong_type": "wrong_type",
}


def _corrupt(draw: st.DrawFn, d: Definition, pairs: Pairs, kind: str) -> tuple[str, str] | None:
    """Make one thing wrong in `pairs`, in place; return (expected code, expected item).

    None when there is nothing left to corrupt that way (every scored item already dropped).
    """
    scored = [i for i, (key, _) in enumerate(pairs) if str(key) in d.item_ids]
    if kind == "unknown_id":
        raw = draw(_unknown_ids(d))
        pairs.insert(draw(st.integers(0, len(pairs))), (raw, d.scale.high))
        return "unknown_item", str(raw)
    if not scored:
        return None
    index = draw(st.sampled_from(scored))
    key, value = pairs[index]
    item = str(key)
    if kind == "drop":
        # Every answer to the item goes, so a later drop cannot undo a duplicate.
        pairs[:] = [p for p in pairs if str(p[0]) != item]
        return "missing_item", item
    if kind == "duplicate":
        pairs.append((draw(st.sampled_from([item, int(item)])), value))
        return "duplicate_item", item
    bad = draw(
        {
            "out_of_range": _out_of_range(d),
            "off_scale": _off_scale(d),
            "not_finite": NOT_FINITE,
            "wrong_type": WRONG_TYPE,
        }[kind]
    )
    pairs[index] = (key, bad)
    return VALUE_CODES[kind], item


@st.composite
def corrupted_form(draw: st.DrawFn, instrument: str, kind: str) -> tuple[Pairs, str, str]:
    """Valid answers with one thing wrong: (pairs, expected code, expected item)."""
    pairs, _ = draw(valid_form(instrument))
    pairs = list(pairs)
    expected = _corrupt(draw, DEFS[instrument], pairs, kind)
    assert expected is not None  # a complete form always has something to corrupt
    return pairs, *expected


# -- valid answers ---------------------------------------------------------------------------


@pytest.mark.parametrize("instrument", INSTRUMENTS)
@FAST
@given(data=st.data())
def test_it_scores_any_valid_complete_answers_within_the_instruments_range(
    instrument: str, data: st.DataObject
) -> None:
    d = DEFS[instrument]
    pairs, units = data.draw(valid_form(instrument))
    as_mapping = data.draw(st.booleans())
    result = score(instrument, dict(pairs) if as_mapping else pairs)

    unit = _unit(d)
    low, high = d.scale.low, d.scale.high
    keyed = {item: _keyed(d, item, u) for item, u in units.items()}

    assert result.instrument == instrument
    assert d.total_min <= result.total <= d.total_max
    expected_total = sum(keyed.values())
    if unit == 1:
        assert result.total == expected_total
        assert isinstance(result.total, int)
    else:
        assert result.total == expected_total / unit

    assert set(result.subscales) == {s.id for s in d.subscales}
    assert set(result.subscale_means) == set(result.subscales)
    # An instrument without subscales (the SRS) has none to check: a case like any other.
    for sub in d.subscales:  # loop checked: the subscales are compared with the result's above
        n = len(sub.items)
        subtotal = sum(keyed[item] for item in sub.items)
        assert n * low <= result.subscales[sub.id] <= n * high
        assert result.subscales[sub.id] == (subtotal if unit == 1 else subtotal / unit)
        assert low <= result.subscale_means[sub.id] <= high
        assert result.subscale_means[sub.id] == pytest.approx(subtotal / unit / n, abs=0.005)

    assert (result.band is None) == (not d.bands)
    if result.band is not None:
        (band,) = [b for b in d.bands if b.label == result.band]
        assert band.min <= result.total <= band.max

    assert set(result.lowest_items) <= set(d.item_ids)
    worst = min(keyed.values()) if d.higher_is_better else max(keyed.values())
    favourable_end = round((high if d.higher_is_better else low) * unit)
    if worst == favourable_end:
        assert result.lowest_items == ()
    else:
        assert set(result.lowest_items) == {i for i, v in keyed.items() if v == worst}

    expected_flags = []
    for flag in d.flags:
        value = expected_total if flag.item is None else units[flag.item]
        cutoff = d.cutoffs[flag.cutoff] * unit
        hit = {
            "at_or_below": value <= cutoff,
            "below": value < cutoff,
            "at_or_above": value >= cutoff,
            "above": value > cutoff,
        }[flag.comparison]
        if hit:
            expected_flags.append(flag.name)
    assert list(result.flags) == expected_flags


@pytest.mark.parametrize("instrument", INSTRUMENTS)
@FEW
@given(data=st.data())
def test_it_scores_answers_read_back_from_json_like_the_answers_themselves(
    instrument: str, data: st.DataObject
) -> None:
    pairs, _ = data.draw(valid_form(instrument))
    text = "{" + ", ".join(f"{json.dumps(str(k))}: {json.dumps(v)}" for k, v in pairs) + "}"
    encoded = data.draw(st.sampled_from([text, text.encode("utf-8")]))
    assert score(instrument, parse_answers(encoded)) == score(instrument, pairs)


def test_it_reverse_keys_wai_items_as_low_plus_high_minus_the_answer() -> None:
    # A check on the helper the properties rely on: all 1s on the WAI put every reverse-keyed
    # item at 7.
    d = DEFS["wai"]
    result = score("wai", {item: 1 for item in d.item_ids})
    reversed_count = len(d.reverse_items)
    assert reversed_count == 14
    assert result.total == reversed_count * 7 + (36 - reversed_count) * 1


# -- invalid answers -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CORRUPTIONS)
@PER_KIND
@given(data=st.data())
def test_it_refuses_answers_with_one_thing_wrong_naming_the_item(
    kind: str, data: st.DataObject
) -> None:
    instrument = data.draw(st.sampled_from(INSTRUMENTS), label="instrument")
    pairs, code, item = data.draw(corrupted_form(instrument, kind))
    with pytest.raises(ScoringError) as caught:
        score(instrument, pairs)
    exc = caught.value
    _check_error(exc)
    assert exc.code == code
    assert exc.item == item
    assert exc.item is not None and _names_item(str(exc), exc.item)
    if kind in VALUE_CODES or kind == "duplicate":
        assert f"{instrument} item {item}" in str(exc)
    assert len(exc.problems) == 1


@pytest.mark.parametrize("instrument", INSTRUMENTS)
@FEW
@given(data=st.data())
def test_it_refuses_answers_with_several_things_wrong_and_reports_each_problem(
    instrument: str, data: st.DataObject
) -> None:
    kinds = data.draw(st.lists(st.sampled_from(CORRUPTIONS), min_size=1, max_size=4))
    pairs, _ = data.draw(valid_form(instrument))
    pairs = list(pairs)
    found = [_corrupt(data.draw, DEFS[instrument], pairs, kind) for kind in kinds]
    assert found[0] is not None
    with pytest.raises(ScoringError) as caught:
        score(instrument, pairs)
    exc = caught.value
    _check_error(exc)
    # Nothing after the last corruption can hide it, so it is among the problems listed.
    if found[-1] is not None:
        code, item = found[-1]
        if code == "missing_item":
            (missing,) = [p for p in exc.problems if p.code == "missing_item"]
            assert _names_item(missing.message, item)
        else:
            # (A bad value on the second answer to an item is reported as the repeat.)
            assert item in {p.item for p in exc.problems}


@pytest.mark.parametrize("instrument", INSTRUMENTS)
@FEW
@given(
    answers=st.one_of(
        st.none(),
        st.integers(),
        st.floats(),
        st.text(max_size=10),
        st.binary(max_size=10),
        st.lists(
            st.one_of(st.integers(), st.text(max_size=3), st.tuples(st.integers())),
            min_size=1,
            max_size=3,
        ),
        st.dictionaries(
            st.one_of(st.text(max_size=3), st.integers(), st.booleans(), st.none()),
            st.one_of(st.integers(), st.floats(), st.text(max_size=3), st.none()),
            max_size=5,
        ),
    )
)
def test_it_refuses_answers_of_any_other_shape_with_a_scoring_error(
    instrument: str, answers: Any
) -> None:
    with pytest.raises(ScoringError) as caught:
        score(instrument, answers)
    _check_error(caught.value)


@FEW
@given(instrument=st.one_of(st.text(max_size=8), st.integers(), st.none()))
def test_it_refuses_an_unknown_instrument_with_a_scoring_error(instrument: Any) -> None:
    if instrument in DEFS:
        return
    with pytest.raises(ScoringError) as caught:
        score(instrument, {"1": 5})
    assert caught.value.code == "unknown_instrument"


@pytest.mark.parametrize("instrument", ["srs", "phq-9"])
def test_it_refuses_a_whole_number_too_large_for_a_float(instrument: str) -> None:
    answers: dict[str, Any] = {
        item: DEFS[instrument].scale.low for item in DEFS[instrument].item_ids
    }
    answers["1"] = 10**400
    with pytest.raises(ScoringError) as caught:
        score(instrument, answers)
    assert (caught.value.code, caught.value.item) == ("out_of_range", "1")


# -- reading JSON ----------------------------------------------------------------------------

JSON_TOKENS = st.sampled_from(
    [
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        " ",
        '"1"',
        '"2"',
        '"3"',
        '"4"',
        '"5"',
        '"x"',
        "1",
        "9.5",
        "10",
        "10.05",
        "-0",
        "1e400",
        "-1e400",
        "NaN",
        "Infinity",
        "-Infinity",
        "true",
        "null",
        '"\\ud800"',
        "\ufeff",
    ]
)
JSON_SOUP = st.lists(JSON_TOKENS, max_size=20).map("".join)
SRS_LIKE = st.builds(
    lambda pairs: "{" + ",".join(f"{k}: {v}" for k, v in pairs) + "}",
    st.lists(
        st.tuples(
            st.sampled_from(['"1"', '"2"', '"3"', '"4"', '"5"', '"01"', '" 1"', "1"]),
            st.sampled_from(
                ["9", "9.5", "10.05", "-1", "NaN", "Infinity", '"9"', "null", "[]", "{}", "true"]
            ),
        ),
        max_size=6,
    ),
)
ANY_TEXT = st.one_of(
    st.text(),
    st.binary(),
    JSON_SOUP,
    JSON_SOUP.map(lambda s: s.encode("utf-8")),
    SRS_LIKE,
    SRS_LIKE.map(lambda s: s.encode("utf-16")),
)


@settings(max_examples=200, deadline=None)
@given(text=ANY_TEXT)
def test_it_reads_any_text_as_pairs_or_refuses_it_with_a_scoring_error(text: str | bytes) -> None:
    try:
        pairs = parse_answers(text)
    except ScoringError as exc:
        _check_error(exc)
        assert exc.code in {"malformed_json", "not_an_object", "not_finite"}
        return
    assert isinstance(pairs, list)
    assert all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) for p in pairs)
    try:
        score("srs", pairs)
    except ScoringError as exc:
        _check_error(exc)


def test_it_keeps_every_pair_of_a_json_object_including_repeats() -> None:
    pairs = parse_answers('{"1": 9, "1": 8, "2": {"a": [1, {"b": 2}]}}')
    assert pairs == [("1", 9), ("1", 8), ("2", {"a": [1, {"b": 2}]})]


def test_it_refuses_a_number_with_thousands_of_digits() -> None:
    with pytest.raises(ScoringError):
        parse_answers('{"1": 1' + "0" * 5000 + "}")


def test_it_refuses_deeply_nested_answers() -> None:
    depth = 600
    with pytest.raises(ScoringError):
        parse_answers('{"1": ' + "[" * depth + "]" * depth + "}")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_it_names_the_item_holding_a_non_finite_json_constant(constant: str) -> None:
    pairs = parse_answers(f'{{"1": 9, "2": {constant}, "3": 9, "4": 9}}')
    with pytest.raises(ScoringError) as caught:
        score("srs", pairs)
    assert caught.value.code == "not_finite"
    assert caught.value.item == "2"
