"""Scoring one administration: `score(instrument_id, answers) -> Score`.

Pure and deterministic. Each definition is compiled once into a `_Key` of plain tuples and
dicts, so the per-form work is a handful of dict look-ups and integer sums. VAS values are
held as whole tenths (millimetres) while summing, so a total is exact to one decimal and a
cutoff comparison never trips on binary fractions (35.9 + 0.1 is 36.0 here, not
35.99999...).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .definition import Comparison, Definition
from .errors import ScoringError
from .loader import finite_float, generation, get_definition

Number = int | float


@dataclass(frozen=True, slots=True)
class Score:
    """The scored result of one administration."""

    instrument: str
    total: Number
    subscales: dict[str, Number]
    subscale_means: dict[str, float]
    band: str | None
    flags: tuple[str, ...]
    # Least favourable items, ties included (lowest for alliance and ORS, highest for symptom
    # measures); empty when every item sits at the favourable end.
    lowest_items: tuple[str, ...]
    # The answers as validated, item id -> value, supplementary items included.
    answers: dict[str, Number] = field(repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The public JSON shape (the CLI's output): exactly these seven keys."""
        return {
            "instrument": self.instrument,
            "total": self.total,
            "subscales": dict(self.subscales),
            "subscale_means": dict(self.subscale_means),
            "band": self.band,
            "flags": list(self.flags),
            "lowest_items": list(self.lowest_items),
        }

    def to_record(self) -> dict[str, Any]:
        """Everything, answers included, as JSON-ready data: what a store keeps."""
        return self.as_dict() | {"answers": dict(self.answers)}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Score:
        """A Score as it was stored by `to_record` (never re-scored: the stored score is the
        one shown at the time)."""
        return cls(
            instrument=record["instrument"],
            total=record["total"],
            subscales=dict(record["subscales"]),
            subscale_means=dict(record["subscale_means"]),
            band=record["band"],
            flags=tuple(record["flags"]),
            lowest_items=tuple(record["lowest_items"]),
            answers=dict(record["answers"]),
        )


@dataclass(frozen=True, slots=True)
class _Flag:
    name: str
    item: str | None
    comparison: Comparison
    cutoff: str


@dataclass(frozen=True, slots=True)
class _Key:
    """A definition reduced to what scoring needs, in integer units."""

    instrument: str
    item_ids: tuple[str, ...]
    item_set: frozenset[str]
    vas: bool
    unit: int  # units per scale point: 10 for a 0.1 VAS, 1 for labelled points
    low: int  # scale ends in units
    high: int
    allowed: frozenset[int]  # labelled points only
    allowed_text: str
    reverse: frozenset[str]
    supplementary: dict[str, frozenset[int]]
    subscales: tuple[tuple[str, tuple[str, ...]], ...]
    flags: tuple[_Flag, ...]
    cutoffs: dict[str, float]
    fixed_cutoffs: frozenset[str]  # cutoffs of urgent (safety) flags: never overridden
    bands: tuple[tuple[float, float, str], ...]
    higher_is_better: bool


def _key(instrument_id: str) -> _Key:
    # Compiled once per instrument and set of cutoffs in force (a site may change them).
    return _compiled(instrument_id, generation())


@cache
def _compiled(instrument_id: str, _generation: int) -> _Key:
    d: Definition = get_definition(instrument_id)
    scale = d.scale
    unit = 10**scale.decimals
    points = frozenset(p.value for p in scale.points)
    return _Key(
        instrument=d.id,
        item_ids=d.item_ids,
        item_set=frozenset(d.item_ids),
        vas=scale.kind == "vas",
        unit=unit,
        low=round(scale.low * unit),
        high=round(scale.high * unit),
        allowed=points,
        allowed_text=scale.describe(),
        reverse=frozenset(d.reverse_items),
        supplementary={s.id: frozenset(p.value for p in s.points) for s in d.supplementary},
        subscales=tuple((s.id, s.items) for s in d.subscales),
        flags=tuple(_Flag(f.name, f.item, f.comparison, f.cutoff) for f in d.flags),
        cutoffs=dict(d.cutoffs),
        fixed_cutoffs=frozenset(f.cutoff for f in d.flags if f.urgent),
        bands=tuple((b.min, b.max, b.label) for b in d.bands),
        higher_is_better=d.higher_is_better,
    )


def score(
    instrument_id: str,
    answers: Mapping[Any, Any] | Iterable[tuple[Any, Any]],
    *,
    cutoffs: Mapping[str, float] | None = None,
) -> Score:
    """Score one completed form.

    `answers` maps item id ("1".."n"; whole-number ids are accepted too) to the value given,
    or is an iterable of (item id, value) pairs, which lets a repeated id be reported.
    `cutoffs` overrides this instrument's named cutoffs (e.g. {"alliance_concern": 35.9}).
    Raises `ScoringError` for anything that cannot be scored as given: no item is guessed,
    and a missing item is refused because none of these instruments has a prorating rule.
    """
    if not isinstance(instrument_id, str):
        raise ScoringError(
            "unknown_instrument", f"instrument id must be text, got {type(instrument_id).__name__}"
        )
    key = _key(instrument_id)
    limits = _cutoffs(key, cutoffs)
    units = _validate(key, answers)

    # In item order (answers may come in any order), reverse-keyed where the key says so.
    if key.reverse:
        keyed = {
            item: (key.low + key.high - units[item]) if item in key.reverse else units[item]
            for item in key.item_ids
        }
    else:
        keyed = {item: units[item] for item in key.item_ids}
    total = _as_number(sum(keyed.values()), key.unit)
    subscales: dict[str, Number] = {}
    means: dict[str, float] = {}
    for name, items in key.subscales:
        subtotal = sum(keyed[item] for item in items)
        subscales[name] = _as_number(subtotal, key.unit)
        means[name] = round(subtotal / key.unit / len(items), 2)

    flags = []
    for flag in key.flags:
        value = total if flag.item is None else _as_number(units[flag.item], key.unit)
        if _compare(value, flag.comparison, limits[flag.cutoff]):
            flags.append(flag.name)

    return Score(
        instrument=key.instrument,
        total=total,
        subscales=subscales,
        subscale_means=means,
        band=_band(key, total),
        flags=tuple(flags),
        lowest_items=_least_favourable(key, keyed),
        answers=dict(units)
        if key.unit == 1
        else {item: _as_number(v, key.unit) for item, v in units.items()},
    )


def _cutoffs(key: _Key, overrides: Mapping[str, float] | None) -> dict[str, float]:
    if overrides is None:
        return key.cutoffs
    if not isinstance(overrides, Mapping):
        raise ScoringError(
            "bad_threshold",
            f"cutoffs must map a cutoff name to a number, got {type(overrides).__name__}",
        )
    merged = dict(key.cutoffs)
    for name, value in overrides.items():
        if name not in key.cutoffs:
            known = ", ".join(key.cutoffs) or "none"
            raise ScoringError(
                "bad_threshold",
                f"{key.instrument} has no cutoff named {name!r}; its cutoffs: {known}",
            )
        if name in key.fixed_cutoffs:
            raise ScoringError(
                "bad_threshold",
                f"cutoff {name!r} is fixed: it marks a safety signal, which no site setting "
                "may make less sensitive",
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ScoringError(
                "bad_threshold",
                f"cutoff {name!r} must be a number, got {type(value).__name__} {value!r}",
            )
        limit = finite_float(value)
        if limit is None:
            raise ScoringError("bad_threshold", f"cutoff {name!r} must be a finite number")
        merged[name] = limit
    return merged


def _validate(key: _Key, answers: Mapping[Any, Any] | Iterable[tuple[Any, Any]]) -> dict[str, int]:
    """Answers as whole units per item id, or a ScoringError listing every problem."""
    if isinstance(answers, Mapping):
        pairs: Iterable[Any] = answers.items()
    elif isinstance(answers, str | bytes) or not isinstance(answers, Iterable):
        raise ScoringError(
            "not_an_object",
            f"answers must be an object of item id to value, got {type(answers).__name__}",
        )
    else:
        pairs = answers
    units: dict[str, int] = {}
    seen: set[str] = set()
    problems: list[ScoringError] = []
    item_set, unit, low, high, vas, allowed = (
        key.item_set,
        key.unit,
        key.low,
        key.high,
        key.vas,
        key.allowed,
    )
    for pair in pairs:
        if not (type(pair) is tuple and len(pair) == 2):
            raise ScoringError("not_an_object", "answers must be (item id, value) pairs")
        raw_item, value = pair
        # The common case, checked inline: a known text id, first seen, with a number on
        # the scale. NaN fails the range test; anything unusual takes the careful path,
        # which names the problem.
        if (
            type(raw_item) is str
            and raw_item in item_set
            and raw_item not in seen
            and (type(value) is float or type(value) is int)
        ):
            scaled = value * unit
            if low <= scaled <= high:
                whole = round(scaled)
                if abs(scaled - whole) <= 1e-6 if vas else scaled == whole and whole in allowed:
                    units[raw_item] = whole
                    seen.add(raw_item)
                    continue
        item = _item_id(raw_item)
        if item is None or (item not in key.item_set and item not in key.supplementary):
            problems.append(_unknown_item(key, raw_item))
            continue
        if item in seen:
            problems.append(
                ScoringError(
                    "duplicate_item", f"{key.instrument} item {item} is answered twice", item=item
                )
            )
            continue
        seen.add(item)
        try:
            units[item] = _value_units(key, item, value)
        except ScoringError as problem:
            problems.append(problem)
    missing = [item for item in key.item_ids if item not in seen]
    if missing:
        problems.append(
            ScoringError(
                "missing_item",
                f"{key.instrument}: item{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} not answered; every item is needed "
                "(there is no published rule for scoring an incomplete form)",
                item=missing[0],
            )
        )
    if problems:
        first = problems[0]
        raise ScoringError(
            first.code, first.message, item=first.item,
            problems=tuple(p.as_problem() for p in problems),
        )  # fmt: skip
    return units


def _item_id(raw: object) -> str | None:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    return None


def _unknown_item(key: _Key, raw: object) -> ScoringError:
    return ScoringError(
        "unknown_item",
        f"{key.instrument} has no item {raw!r}; its items are "
        f"{key.item_ids[0]}..{key.item_ids[-1]}",
        item=str(raw),
    )


def _value_units(key: _Key, item: str, value: object) -> int:
    """One answer in whole units (tenths on a VAS), checked against the item's scale."""
    where = f"{key.instrument} item {item}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScoringError(
            "wrong_type",
            f"{where}: the answer must be a number, got {type(value).__name__} {value!r}",
            item=item,
        )
    # Whole numbers are always finite (and may be too large for a float to hold).
    if isinstance(value, float) and not math.isfinite(value):
        raise ScoringError("not_finite", f"{where}: {value} is not a finite number", item=item)
    if item in key.supplementary:
        allowed = key.supplementary[item]
        if value != int(value) or int(value) not in allowed:
            raise ScoringError(
                "out_of_range",
                f"{where}: {value!r} is not an allowed answer ({sorted(allowed)})",
                item=item,
            )
        return int(value)
    scaled = value * key.unit
    if not key.low <= scaled <= key.high:
        raise ScoringError(
            "out_of_range",
            f"{where}: {value!r} is outside the scale ({key.allowed_text})",
            item=item,
        )
    whole = round(scaled)
    # A VAS value in binary floating point is only near its tenth (0.3 * 10 is
    # 3.0000000000000004); a labelled point must be exactly one of the points.
    off = abs(scaled - whole) > 1e-6 if key.vas else scaled != whole or whole not in key.allowed
    if off:
        step = "a whole number of tenths" if key.vas else "one of the answer points"
        raise ScoringError(
            "off_scale",
            f"{where}: {value!r} is not on the scale; it must be {step} ({key.allowed_text})",
            item=item,
        )
    return whole


def _as_number(units: int, unit: int) -> Number:
    # unit is a power of ten: 10 -> one decimal.
    return units if unit == 1 else round(units / unit, _DECIMALS[unit])


_DECIMALS = {10**n: n for n in range(1, 7)}


def _compare(value: Number, comparison: Comparison, cutoff: float) -> bool:
    if comparison == "at_or_below":
        return value <= cutoff
    if comparison == "below":
        return value < cutoff
    if comparison == "at_or_above":
        return value >= cutoff
    return value > cutoff


def _band(key: _Key, total: Number) -> str | None:
    for low, high, label in key.bands:
        if low <= total <= high:
            return label
    return None


def _least_favourable(key: _Key, keyed: dict[str, int]) -> tuple[str, ...]:
    worst = min(keyed.values()) if key.higher_is_better else max(keyed.values())
    best_end = key.high if key.higher_is_better else key.low
    if worst == best_end:
        return ()
    return tuple(item for item, value in keyed.items() if value == worst)
