"""A chunk's rows gathered into scored forms, per instrument in columns.

Only what the row reader would read without a word is taken here: a client with a row that
is not plain (`columns`), an item the instrument does not have, a value off its scale, an
item answered twice or out of order within a form, a form with an item missing, two dates
for one session, or dates that go backwards, is handed to the row reader (`Forms.slow`),
which reports each problem and note in its own words. Everything else is scored in whole
scoring units (tenths on a VAS), as `alliance.measures.score` does, so each total is the
very float the row path's `ScoredAdministration.total` is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from alliance.measures import Score, definitions, get_definition
from alliance.measures.definition import Comparison
from alliance.measures.loader import generation
from alliance.measures.scoring import _compare

from .column_fields import Ints
from .columns import Chunk, instrument_names

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Scale:
    """What scoring needs of one instrument, in whole units (tenths on a VAS)."""

    name: str
    item_ids: tuple[str, ...]  # the scored items, then the supplementary ones
    scored: int  # how many of `item_ids` are scored
    unit: int
    allowed: tuple[tuple[int, ...] | None, ...]  # per item: the points; None on a VAS line
    low: int
    high: int
    reverse: tuple[bool, ...]
    column: tuple[int, ...]  # item number -> its place in `item_ids`, -1 for none


@cache
def scale_of(name: str) -> Scale:
    d = get_definition(name)
    unit = 10**d.scale.decimals
    points = tuple(p.value for p in d.scale.points) if d.scale.kind == "points" else None
    extra = tuple(s.id for s in d.supplementary)
    ids = (*d.item_ids, *extra)
    numbers = [int(i) if i.isdigit() and i == str(int(i)) else -1 for i in ids]
    column = [-1] * (max([*numbers, 0]) + 1)
    for place, number in enumerate(numbers):
        if number > 0:
            column[number] = place
    return Scale(
        name=name,
        item_ids=ids,
        scored=len(d.item_ids),
        unit=unit,
        allowed=(*[points] * len(d.item_ids),
                 *[tuple(p.value for p in s.points) for s in d.supplementary]),
        low=round(d.scale.low * unit),
        high=round(d.scale.high * unit),
        reverse=tuple(i in d.reverse_items for i in d.item_ids),
        column=tuple(column),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Reading:
    """What a Score says beyond the answers: subscales, flags and bands, in units, with the
    cutoffs in force."""

    subscales: tuple[tuple[str, tuple[int, ...]], ...]  # name, the places of its items
    # name, item place, comparison, cutoff
    flags: tuple[tuple[str, int | None, Comparison, float], ...]
    bands: tuple[tuple[float, float, str], ...]
    higher_is_better: bool
    reversed_items: bool


@cache
def _reading(name: str, _generation: int) -> _Reading:
    d = definitions()[name]
    place = {item: k for k, item in enumerate(d.item_ids)}
    return _Reading(
        subscales=tuple((s.id, tuple(place[i] for i in s.items)) for s in d.subscales),
        flags=tuple((f.name, None if f.item is None else place[f.item], f.comparison,
                     d.cutoffs[f.cutoff]) for f in d.flags),
        bands=tuple((b.min, b.max, b.label) for b in d.bands),
        higher_is_better=d.higher_is_better,
        reversed_items=bool(d.reverse_items),
    )  # fmt: skip


def score_units(scale: Scale, units: list[int]) -> Score:
    """`alliance.measures.score` of a form already checked, its answers in units by place
    (-1: a supplementary item not given), step for step as scoring does."""
    reading = _reading(scale.name, generation())
    low, high, unit = scale.low, scale.high, scale.unit
    keyed = units[: scale.scored]
    if reading.reversed_items:
        keyed = [low + high - u if r else u for u, r in zip(keyed, scale.reverse, strict=True)]
    total = _as_number(sum(keyed), unit)
    subscales: dict[str, int | float] = {}
    means: dict[str, float] = {}
    for name, places in reading.subscales:
        subtotal = sum([keyed[k] for k in places])
        subscales[name] = _as_number(subtotal, unit)
        means[name] = round(subtotal / unit / len(places), 2)
    flags = tuple(
        name for name, place, comparison, cutoff in reading.flags
        if _compare(total if place is None else _as_number(units[place], unit), comparison, cutoff)
    )  # fmt: skip
    worst = min(keyed) if reading.higher_is_better else max(keyed)
    best_end = high if reading.higher_is_better else low
    ids = scale.item_ids
    lowest = () if worst == best_end else tuple(ids[k] for k, v in enumerate(keyed) if v == worst)
    given = zip(ids, units, strict=True)
    if unit == 1:
        answers: dict[str, int | float] = {item: u for item, u in given if u >= 0}
    else:
        digits = len(str(unit)) - 1
        answers = {item: round(u / unit, digits) for item, u in given if u >= 0}
    return Score(
        instrument=scale.name,
        total=total,
        subscales=subscales,
        subscale_means=means,
        band=next((label for lo, hi, label in reading.bands if lo <= total <= hi), None),
        flags=flags,
        lowest_items=lowest,
        answers=answers,
    )


def _as_number(units: int, unit: int) -> int | float:
    return units if unit == 1 else round(units / unit, len(str(unit)) - 1)


@dataclass(slots=True)
class Table:
    """One instrument's forms of the chunk's fast clients, by client then session."""

    scale: Scale
    client: Ints
    session: Ints
    units: npt.NDArray[np.int64]  # forms x items, -1 where a supplementary item is absent
    points: Ints  # the total in units
    total: Floats  # as ScoredAdministration.total

    def score(self, form: int) -> Score:
        """The form's Score as `alliance.measures.score` gives it, built from the units the
        arrays checked (for the few forms a signal shows in full)."""
        return score_units(self.scale, self.units[form].tolist())


@dataclass(slots=True)
class Forms:
    """A chunk's clients: which the row reader takes (`slow`), and the fast ones' forms."""

    chunk: Chunk
    slow: npt.NDArray[np.bool_]  # per client
    tables: dict[str, Table]


def gather_forms(chunk: Chunk) -> Forms:
    names = instrument_names()
    clients = len(chunk.clients)
    owner = np.repeat(np.arange(clients), np.diff(chunk.bounds))
    slow = np.zeros(clients, dtype=bool)
    slow[owner[~chunk.plain]] = True
    read: dict[str, _Read] = {}
    for code in np.unique(chunk.instrument[chunk.plain]).tolist():
        rows = np.flatnonzero((chunk.instrument == code) & ~slow[owner])
        read[names[code]] = _instrument(chunk, scale_of(names[code]), rows, owner, slow)
    _check_dates(list(read.values()), slow)
    tables = {}
    for name, found in read.items():
        scale = scale_of(name)
        kept = ~slow[owner[found.rows]]
        rows, form_of, place = found.rows[kept], found.form_of[kept], found.place[kept]
        new = np.ones(len(rows), dtype=bool)
        new[1:] = form_of[1:] != form_of[:-1]
        form_of = np.cumsum(new) - 1
        matrix = np.full((int(new.sum()), len(scale.item_ids)), -1, dtype=np.int64)
        matrix[form_of, place] = found.units[kept]
        first = rows[new]
        scored = matrix[:, : scale.scored]
        reverse = np.asarray(scale.reverse, dtype=bool)
        keyed = np.where(reverse, scale.low + scale.high - scored, scored)
        units_total = keyed.sum(axis=1)
        total = units_total / scale.unit if scale.unit != 1 else units_total.astype(np.float64)
        tables[name] = Table(scale, owner[first], chunk.session[first], matrix, units_total,
                             total)  # fmt: skip
    return Forms(chunk, slow, tables)


@dataclass(slots=True)
class _Read:
    """One instrument's rows of a chunk, by form (client, then session order)."""

    rows: Ints
    form_of: Ints
    place: Ints
    units: Ints
    # Per form: its client and session, and the earliest and latest date on its rows (0 and
    # NO_DATE when none has one).
    client: Ints
    session: Ints
    earliest: Ints
    latest: Ints


NO_DATE = 99_999_999


def _instrument(
    chunk: Chunk, scale: Scale, rows: Ints, owner: Ints, slow: npt.NDArray[np.bool_]
) -> _Read:
    """One instrument's rows: each one's form, item place and value in units; marks `slow`
    each client the row reader must read."""
    column = np.asarray(scale.column, dtype=np.int64)
    item = chunk.item[rows]
    place = np.where((item >= 0) & (item < len(column)), column[np.clip(item, 0, len(column) - 1)],
                     -1)  # fmt: skip
    units, ok = _units(scale, chunk.mantissa[rows], chunk.decimals[rows], place)
    ok &= place >= 0
    slow[owner[rows[~ok]]] = True
    # Forms in client, then session order; within a form the rows keep their file order
    # (a file sorted by client and session needs no sorting).
    span = int(chunk.session.max(initial=0)) + 1
    key = owner[rows] * span + chunk.session[rows]
    if len(key) > 1 and np.any(key[1:] < key[:-1]):
        order = np.argsort(key, kind="stable")
        rows, place, units, key = rows[order], place[order], units[order], key[order]
    new = np.ones(len(rows), dtype=bool)
    new[1:] = key[1:] != key[:-1]
    form_of = np.cumsum(new) - 1
    # Items in ascending order, each once (the order `score` keeps them in, as the row path
    # passes them); every scored item present.
    rising = new.copy()
    rising[1:] |= place[1:] > place[:-1]
    starts = np.flatnonzero(new)
    scored = np.add.reduceat(place < scale.scored, starts) if len(rows) else np.zeros(0, int)
    whole = scored == scale.scored
    client = owner[rows]
    slow[client[~rising | ~whole[form_of]]] = True
    date = chunk.date[rows]
    if len(rows):
        earliest = np.minimum.reduceat(np.where(date > 0, date, NO_DATE), starts)
        latest = np.maximum.reduceat(date, starts)
    else:
        earliest = latest = np.zeros(0, dtype=np.int64)
    return _Read(rows, form_of, place, units, client[starts], chunk.session[rows][starts],
                 earliest, latest)  # fmt: skip


def _units(
    scale: Scale, mantissa: Ints, decimals: Ints, place: Ints
) -> tuple[Ints, npt.NDArray[np.bool_]]:
    """Values in whole units, and which are on the item's scale as `score` would take them."""
    digits = 0 if scale.unit == 1 else len(str(scale.unit)) - 1
    extra = np.maximum(decimals - digits, 0)
    divisor = 10 ** np.minimum(extra, 18)
    exact = mantissa % divisor == 0
    units = np.where(decimals <= digits, mantissa * 10 ** np.maximum(digits - decimals, 0),
                     mantissa // divisor)  # fmt: skip
    ok = exact & (decimals <= digits + 6)
    if scale.allowed[0] is None:
        in_scale = (units >= scale.low) & (units <= scale.high)
        ok &= np.where(place < scale.scored, in_scale, _allowed(scale, units, place))
    else:
        ok &= _allowed(scale, units, place)
    return units, ok


def _allowed(scale: Scale, units: Ints, place: Ints) -> npt.NDArray[np.bool_]:
    """Whether each value is one of its item's points (by a look-up table per set of points)."""
    ok = np.zeros(len(units), dtype=bool)
    by_points: dict[tuple[int, ...], list[int]] = {}
    for at, points in enumerate(scale.allowed):
        if points is not None:
            by_points.setdefault(points, []).append(at)
    for points, places in by_points.items():
        table = np.zeros(max(points) + 2, dtype=bool)
        table[list(points)] = True
        fits = table[np.clip(units, 0, len(table) - 1)] & (units >= 0)
        ok |= fits & np.isin(place, places)
    return ok


def _check_dates(read: list[_Read], slow: npt.NDArray[np.bool_]) -> None:
    """Marks `slow` a client with two dates for one session, or dates going backwards while
    the sessions go forwards (both are notes the row reader words)."""
    if not read:
        return
    client = np.concatenate([r.client for r in read])
    session = np.concatenate([r.session for r in read])
    earliest = np.concatenate([r.earliest for r in read])
    latest = np.concatenate([r.latest for r in read])
    dated = (latest > 0) & ~slow[client]
    slow[client[dated & (earliest != latest)]] = True  # two dates within one form
    client, session, date = client[dated], session[dated], latest[dated]
    order = np.lexsort((date, session, client))
    client, session, date = client[order], session[order], date[order]
    same_client = client[1:] == client[:-1]
    same_session = same_client & (session[1:] == session[:-1])
    slow[client[1:][same_session & (date[1:] != date[:-1])]] = True
    slow[client[1:][same_client & ~same_session & (date[1:] < date[:-1])]] = True
