"""The SRS rules (`monitoring.alliance_rules`, `monitoring.ruptures`) over a chunk's clients at
once, from columns.

Each rule's test is computed for every SRS of the chunk in a few array operations, on the
same floats the rules compare (a total is exact to a tenth in units, so a fall rounded to a
tenth is the difference of units over ten). The signals themselves are made by the rules' own
functions, for the few forms that raise one, so their wording and evidence are the rules'.
Where a rule looks back over several ratings (a slide, a rupture), the arrays find the
clients and sessions where it could fire, and the rule's own steps decide there.
"""

from __future__ import annotations

import bisect
import math
import statistics
from dataclasses import dataclass

import numpy as np

from alliance.measures import Score
from alliance.monitoring import MonitoringConfig, ScoredAdministration, Signal
from alliance.monitoring.alliance_rules import (
    SRS,
    SRS_ITEM_NAMES,
    SRS_PERFECT,
    _concern,
    _decline,
    _drop,
    _item_low,
    _perfect_streak,
    _slide,
    _sustained,
    decline_threshold,
)
from alliance.monitoring.ruptures import _own_change_sd, _rupture, caseload_change_sd

from .column_fields import Bools, Ints
from .forms import Table


def known_total(session: int, instrument: str, total: float) -> ScoredAdministration:
    """A client's form known by its total alone, for the rules that read nothing else of it
    (a drop, a slide, a rupture, a change, not on track, divergence)."""
    known = _KNOWN.get((instrument, total))
    if known is None:
        if len(_KNOWN) > 100_000:  # totals repeat; a long file must not grow this without end
            _KNOWN.clear()
        known = _KNOWN[instrument, total] = Score(instrument, total, {}, {}, None, (), (), {})
    return ScoredAdministration(session, instrument, known)


_KNOWN: dict[tuple[str, float], Score] = {}


def positions(client: Ints) -> Ints:
    """Each form's place in its client's series (0 for the first)."""
    index = np.arange(len(client))
    first = np.ones(len(client), dtype=bool)
    first[1:] = client[1:] != client[:-1]
    return index - np.maximum.accumulate(np.where(first, index, 0))


def run_lengths(on: Bools, chained: Bools) -> Ints:
    """How many forms in a row `on` holds up to each form, a run going on only where
    `chained` (0 where `on` is false)."""
    index = np.arange(len(on))
    begins = on.copy()
    begins[1:] &= ~(chained[1:] & on[:-1])
    return np.where(on, index - np.maximum.accumulate(np.where(begins, index, 0)) + 1, 0)


@dataclass(slots=True)
class SrsColumns:
    """What the SRS rules found in a chunk, by form; `signals` makes one client's."""

    table: Table
    config: MonitoringConfig
    sessions: list[int]
    totals: list[float]
    bounds: list[int]  # client k's forms are bounds[k]:bounds[k + 1]
    events: list[int]  # forms where anything but a rupture may fire, in order
    concern: list[bool]
    drop: list[bool]
    low_run: list[int]
    perfect: set[int]
    slide_candidates: set[int]
    rupture_clients: set[int]

    def signals(self, client: int, pooled_sd: float | None) -> list[Signal]:
        """The client's alliance signals then ruptures, as `monitor_episode` lists them."""
        start, stop = self.bounds[client], self.bounds[client + 1]
        if start == stop:
            return []
        known = _Known(self, start, stop)
        found: list[Signal] = []
        low_warned = False
        config = self.config
        slid: tuple[int, list[ScoredAdministration] | None] = (-1, None)  # the last slide seen
        events, at = self.events, bisect.bisect_left(self.events, start)
        while at < len(events) and events[at] < stop:
            i = events[at]
            at += 1
            if self.concern[i]:
                found.append(_concern(self._scored(i), config))
            if self.drop[i]:
                found.append(_drop(known.form(i - 1), known.form(i), config))
            if not self.concern[i]:
                low_items = self._low_items(i)
                if low_items:
                    found.append(_item_low(self._scored(i), low_items, config))
            if i in self.perfect:
                found.append(_perfect_streak(known.form(i), config.perfect_streak_sessions))
            run = self.low_run[i]
            if run >= config.sustained_low_sessions:
                stretch = known.stretch(i - run + 1, i + 1)
                news = run == config.sustained_low_sessions and not low_warned
                found.append(_sustained(stretch, config, news=news))
                low_warned = True
            if i in self.slide_candidates:
                # `_slide` looks no further back than `decline_lookback` ratings.
                back = config.decline_lookback
                slide = _slide(known.stretch(max(start, i + 1 - back), i + 1), config)
                if i - 1 not in self.slide_candidates:
                    before = None
                elif slid[0] == i - 1:
                    before = slid[1]
                else:
                    before = _slide(known.stretch(max(start, i - back), i), config)
                if slide is not None and before is None:
                    found.append(_decline(slide, config))
                slid = (i, slide)
        if client in self.rupture_clients:
            found += _ruptures(self.totals[start:stop], known, config, pooled_sd)
        return found

    def _scored(self, i: int) -> ScoredAdministration:
        return ScoredAdministration(self.sessions[i], SRS, self.table.score(i), "client")

    def _low_items(self, i: int) -> list[str]:
        limit = self.config.srs_item_low
        row = self.table.units[i].tolist()
        unit = self.table.scale.unit
        return [item for item in SRS_ITEM_NAMES if row[int(item) - 1] / unit < limit]


class _Known:
    """One client's SRS as forms known by their totals, made as the rules ask for them."""

    def __init__(self, columns: SrsColumns, start: int, stop: int) -> None:
        self.columns, self.start, self.stop = columns, start, stop
        self.made: dict[int, ScoredAdministration] = {}

    def form(self, i: int) -> ScoredAdministration:
        made = self.made.get(i)
        if made is None:
            made = self.made[i] = known_total(self.columns.sessions[i], SRS,
                                              self.columns.totals[i])  # fmt: skip
        return made

    def stretch(self, start: int, stop: int) -> list[ScoredAdministration]:
        return [self.form(i) for i in range(start, stop)]

    def series(self) -> list[ScoredAdministration]:
        return self.stretch(self.start, self.stop)


def srs_columns(table: Table, bounds: list[int], config: MonitoringConfig) -> SrsColumns:
    """The rules' tests for every SRS of a chunk (`bounds`: each client's forms)."""
    units, unit = table.points, table.scale.unit
    place = positions(table.client)
    later = place > 0
    previous = np.roll(units, 1)
    concern = table.total <= config.srs_concern_cutoff
    drop = later & ((previous - units) / unit >= config.srs_drop_points)
    lines = table.units[:, :4] / unit
    low_item = ~concern & np.any(lines < config.srs_item_low, axis=1)
    adjacent = later & (table.session == np.roll(table.session, 1) + 1)
    perfect = run_lengths(table.total >= SRS_PERFECT, adjacent) == config.perfect_streak_sessions
    low_run = run_lengths(concern, later)
    slides = _slide_candidates(units, table.session, unit, place, config)
    events = concern | drop | low_item | perfect | (low_run >= config.sustained_low_sessions)
    return SrsColumns(
        table=table,
        config=config,
        sessions=table.session.tolist(),
        totals=table.total.tolist(),
        bounds=bounds,
        events=np.flatnonzero(events | slides).tolist(),
        concern=concern.tolist(),
        drop=drop.tolist(),
        low_run=low_run.tolist(),
        perfect=set(np.flatnonzero(perfect).tolist()),
        slide_candidates=set(np.flatnonzero(slides).tolist()),
        rupture_clients=_rupture_clients(table, units, unit, later, config),
    )


def _slide_candidates(
    units: Ints, sessions: Ints, unit: int, place: Ints, config: MonitoringConfig
) -> Bools:
    """Where a slide may end today (`alliance_rules._slide` decides): some start within
    `decline_lookback` ratings, at least `decline_window` back, that is the highest of the
    stretch from it to today, today the lowest, a fall from it reaching the threshold, no
    single step that large, and a trend that does not rise. `_slide`'s tests, in units (the
    trend's sign from whole numbers: a tie counts, as rounding might tip it)."""
    window, lookback = config.decline_window, config.decline_lookback
    threshold = decline_threshold(config)
    n = len(units)
    pad = np.zeros(lookback, dtype=np.int64)
    padded, when = np.concatenate([pad, units]), np.concatenate([pad, sessions])
    highest, lowest, steepest = units.copy(), units.copy(), np.full(n, np.iinfo(np.int64).min)
    sum_x, sum_y, sum_xy = sessions.copy(), units.copy(), sessions * units
    later = units
    found = np.zeros(n, dtype=bool)
    for k in range(1, lookback):
        start = padded[lookback - k : lookback - k + n]  # the rating k back
        x = when[lookback - k : lookback - k + n]
        steepest = np.maximum(steepest, start - later)
        highest, lowest, later = np.maximum(highest, start), np.minimum(lowest, start), start
        sum_x, sum_y, sum_xy = sum_x + x, sum_y + start, sum_xy + x * start
        if k >= window - 1:
            found |= (
                (place >= k)
                & (start >= highest)
                & (units <= lowest)
                & ((start - units) / unit >= threshold)
                & (steepest / unit < threshold)
                & ((k + 1) * sum_xy - sum_x * sum_y <= 0)
            )
    return found


def _rupture_clients(
    table: Table, units: Ints, unit: int, later: Bools, config: MonitoringConfig
) -> set[int]:
    """Clients with an SRS at least `rupture_min_drop` below their highest rating before it:
    no rupture can be called anywhere else (its reference, the level or the previous
    rating, is never above that highest)."""
    span = int(units.max(initial=0)) + 1
    lifted = units + table.client * span  # each client's ratings above every earlier client's
    highest = np.maximum.accumulate(lifted) - table.client * span
    before = np.roll(highest, 1)
    fell = later & ((before - units) / unit >= config.rupture_min_drop)
    return set(np.unique(table.client[fell]).tolist())


def _pstdev(history: list[float], level: float, enough: float, below_before: bool) -> float:
    """`statistics.pstdev(history, mu=level)` (exact, and slow), or its float estimate where
    that decides the same: clearly `enough` or more (then no rupture), or clearly less while
    a low stretch goes on (a rupture, but not a new one: no signal shows the figure)."""
    estimate = math.sqrt(sum([(x - level) ** 2 for x in history]) / len(history))
    if estimate >= enough * (1 + 1e-9) or (below_before and estimate <= enough * (1 - 1e-9)):
        return estimate
    return statistics.pstdev(history, mu=level)


def _ruptures(
    totals: list[float], known: _Known, config: MonitoringConfig, pooled_sd: float | None
) -> list[Signal]:
    """`ruptures.rupture_signals`, step for step, with the client's level kept in a sorted
    list and their own SD worked out only where the fall reaches the minimum (below it no
    SD makes a rupture)."""
    change_sd = caseload_change_sd(config, pooled_sd)
    level_sd = change_sd / math.sqrt(2)
    level_method = config.rupture_method == "level"
    ruptured: set[int] = set()
    signals: list[Signal] = []
    below_before = False
    history = [totals[0]]  # earlier ratings but ruptures, in order
    ordered = [totals[0]]  # the same, sorted
    for index in range(1, len(totals)):
        total = totals[index]
        own: float | None = None
        if level_method:
            n = len(ordered)
            middle = n // 2
            reference = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
            caseload_sd = level_sd
        else:
            reference = totals[index - 1]
            caseload_sd = change_sd
        drop = round(reference - total, 1)
        below = False
        # Both are needed for `below` (the SD is never under the caseload's): a fall short
        # of either needs no SD of the client's own.
        if drop >= config.rupture_min_drop and drop > config.rupture_sd * caseload_sd:
            if level_method:
                if len(history) >= config.rupture_min_sessions:
                    own = _pstdev(history, reference, drop / config.rupture_sd, below_before)
            else:
                own = _own_change_sd(known.stretch(known.start, known.start + index), ruptured,
                                     config)  # fmt: skip
            sd, basis = (max(own, caseload_sd), "stricter of own and caseload") if own is not None \
                else (caseload_sd, "caseload")  # fmt: skip
            below = drop > config.rupture_sd * sd
            if below and not below_before:
                ruptured.add(index)
                signals.append(_rupture(known.series(), index, reference, drop, sd, basis, config))
        if index not in ruptured:
            history.append(total)
            bisect.insort(ordered, total)
        below_before = below
    return signals
