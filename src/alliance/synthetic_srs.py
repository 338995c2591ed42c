"""The synthetic SRS series: mean-reverting walks in whole tenths that bunch at the ceiling,
with planted ruptures and withdrawals, and the split of a total over a form's items. The
realistic mode's series (`clinic_*`) are noisier: a client's own level, rise and noise,
clipped at the ceiling, with events planted in that noise.

Generated against the shipped SRS cutoff (not a site's), so a seed gives the same caseload
everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from alliance.measures.loader import shipped_definitions

Rng = np.random.Generator
Bound = float | Sequence[float]

# Tenths: the shipped "at or below 36" alliance concern.
SRS_CUTOFF = round(shipped_definitions()["srs"].cutoffs["alliance_concern"] * 10)
STABLE_FLOOR = SRS_CUTOFF + 4  # tenths: stable clients stay clear of the cutoff after rounding


@dataclass(frozen=True)
class PlantedRupture:
    session_number: int
    drop: float
    repaired: bool
    repair_session: int | None
    exceeds_pre: bool


def walk(
    rng: Rng, prev: int | None, n: int, target: Bound, lb: Bound, ub: Bound, step: int, sd: float
) -> list[int]:
    """A mean-reverting walk in whole tenths: each step within +-step, each value in [lb, ub]
    (a number or one per session). Bounds that move by at most a step keep both limits true
    at once, which is how the hard constraints (no fall of 2 points, never at or below 36)
    are guaranteed rather than hoped for."""
    t, lo, hi = (v if isinstance(v, Sequence) else [v] * n for v in (target, lb, ub))
    out = []
    for i, e in enumerate(rng.normal(0.0, sd, n).tolist()):
        x = t[i] + e if prev is None else prev + 0.4 * (t[i] - prev) + e
        if prev is not None:
            x = min(max(x, prev - step), prev + step)
        prev = int(min(max(round(x), lo[i]), hi[i]))
        out.append(prev)
    return out


def stable_srs(rng: Rng, n: int, strength: float = 0.0) -> tuple[list[int], set[int]]:
    """High totals drifting up (the SRS ceiling effect), and the sessions (0-based) that get
    one line below 8. 40/40 only in a perfect rater's streak, so every run of perfect scores
    in a caseload is a planted one."""
    flavour = rng.random()
    perfect, low_line = flavour < 0.1, 0.1 <= flavour < 0.25
    # A low line needs a total of 37.8 or less to fit (2.1 short on one line), so those
    # clients sit a little lower.
    top = 380 if low_line else 390
    # Stronger alliances start higher on the line, within the same range.
    centre = (368 + top) / 2 + strength * (top - 368) / 4
    base = rng.uniform(392, 398) if perfect else min(max(centre + rng.normal(0, 3), 368), top)
    slope = rng.uniform(0.0, 12.0) / max(n - 1, 1)
    lb, ub = [float(STABLE_FLOOR)] * n, [399.0] * n
    if perfect:
        length = min(n, int(rng.integers(3, 6)))
        begin = int(rng.integers(0, n - length + 1))
        for s in range(begin + length):
            # The floor rises 1.4 per session into the streak so the walk can reach it.
            lb[s] = max(STABLE_FLOOR, 400 - 14 * max(begin - s, 0))
            ub[s] = 400 if s >= begin else 399
    series = walk(rng, None, n, [base + slope * s for s in range(n)], lb, ub, 14, 5.0)
    if not low_line:
        return series, set()
    room = [s for s, t in enumerate(series) if t <= 400 - 22]
    return series, set(rng.permutation(room)[: int(rng.integers(1, 3))].tolist())


def rupture_srs(rng: Rng, n: int) -> tuple[list[int], PlantedRupture]:
    at = int(rng.integers(5, n))  # session 5..n-1: four changes before it, one session after
    # Steady before (steps within 0.9) so the client's own SD is small; at most 39.0 so a
    # repair can exceed the pre-drop total.
    series = walk(rng, None, at - 1, rng.uniform(372, 386), 366, 390, 9, 3.5)
    pre = series[-1]
    low = pre - int(rng.integers(50, 81))
    series.append(low)
    repaired, exceeds, repair_session = bool(rng.random() < 0.6), False, None
    if repaired:
        lag = int(rng.integers(1, min(3, n - at) + 1))
        for j in range(1, lag):  # a climb back that stays below the pre-drop total
            series.append(
                max(series[-1], low + round((pre - low) * j / lag * rng.uniform(0.5, 0.9)))
            )
        exceeds = bool(rng.random() < 0.5)
        series.append(min(400, pre + int(rng.integers(3, 11))) if exceeds else pre)
        repair_session = at + lag
        series += walk(
            rng, series[-1], n - repair_session, series[-1] + 3, STABLE_FLOOR, 399, 9, 3.5
        )
    else:
        # Unrepaired: hovers near the new low, always at least 2.2 below the pre-drop total.
        target = low + rng.uniform(0, 10)
        series += walk(rng, low, n - at, target, max(low - 30, 150), pre - 22, 8, 3.0)
    rupture = PlantedRupture(at, round((pre - low) / 10, 1), repaired, repair_session, exceeds)
    return series, rupture


def withdrawal_srs(rng: Rng, n: int) -> tuple[list[int], int]:
    start = int(rng.integers(min(5, n - 1), n))  # at least two sessions in the low stretch
    before, rest = start - 1, n - start + 1
    # The ceiling falls 1.2 per session to 37.0 just before the stretch, and the step into it
    # is 0.6 to 1.8: even that first fall stays under 2 points, a slide rather than a rupture.
    ub = [min(399.0, 370 + 12 * (before - 1 - s)) for s in range(before)]
    pre = walk(rng, None, before, rng.uniform(372, 388), STABLE_FLOOR, ub, 12, 4.0)
    first = int(rng.integers(pre[-1] - 18, min(pre[-1] - 6, 358) + 1))
    target = [first - 3.5 * j for j in range(1, rest)]
    low = walk(rng, first, rest - 1, target, 325, first, 8, 2.5)
    return [*pre, first, *low], start
    return pre + low, start


# The realistic ("clinic") mode: published SRS distributions rather than a clean test bed.
# Totals bunch at the ceiling (mean about 37-38, a fifth or more of sessions at 40), a client's
# own session-to-session changes have an SD of about 1-1.5, ratings rise a little over an
# episode (Meier & Feeley 2022), and some clients rate low as a habit. Shares are of clients.
LOW_RATERS = 0.08
CEILING_RATERS = 0.18
REPAIRED = 0.6  # of planted ruptures
SECOND_RUPTURE = 0.2  # of repaired ruptures with room after them


@dataclass(frozen=True)
class Rater:
    """How one client fills the SRS, in tenths: the level at session 1 (above 400 for a
    client who marks the end of most lines; the ceiling clips it), the rise per session and
    the SD of the session-to-session noise."""

    level: float
    rise: float
    noise: float
    low: bool  # rates low as a habit: a level at or below the alliance-concern cutoff


def clinic_rater(rng: Rng, quantile: float) -> Rater:
    """`quantile` (0..1): where the client's alliance strength falls in the caseload, so a
    stronger alliance means a higher level."""
    rise = rng.normal(1.5, 0.8)
    if quantile < LOW_RATERS:
        level = 290 + 65 * quantile / LOW_RATERS + rng.normal(0.0, 5.0)
        return Rater(min(level, SRS_CUTOFF), rise, rng.uniform(9.0, 14.0), True)
    if quantile > 1 - CEILING_RATERS:
        above = (quantile - 1 + CEILING_RATERS) / CEILING_RATERS
        return Rater(400 + 20 * above + rng.normal(0.0, 3.0), rise, rng.uniform(7.0, 11.0), False)
    share = (quantile - LOW_RATERS) / (1 - LOW_RATERS - CEILING_RATERS)
    level = NormalDist(377.0, 12.0).inv_cdf(min(max(share, 1e-6), 1 - 1e-6))
    return Rater(min(max(level, SRS_CUTOFF + 1), 400), rise, rng.uniform(7.0, 12.0), False)


def clinic_srs(rng: Rng, rater: Rater, n: int) -> list[int]:
    """The rater's totals with nothing planted: level, rise and noise, clipped to 0..40."""
    noise = rng.normal(0.0, rater.noise, n).tolist()
    return [
        int(min(max(round(rater.level + rater.rise * s + e), 0), 400)) for s, e in enumerate(noise)
    ]


def clinic_ruptures(rng: Rng, series: list[int]) -> tuple[list[int], tuple[PlantedRupture, ...]]:
    """One rupture from session 4 on (a fifth of the repaired ones followed by a second, two
    or more sessions after the repair), each a fall of 3.5 to 8 points from the session
    before; needs six sessions."""
    series, planted, earliest = list(series), [], 4
    while earliest <= len(series) - 1:
        rupture = _rupture_at(rng, series, int(rng.integers(earliest, len(series))))
        planted.append(rupture)
        if rupture.repair_session is None or rng.random() >= SECOND_RUPTURE:
            break
        earliest = rupture.repair_session + 2
    return series, tuple(planted)


def _rupture_at(rng: Rng, series: list[int], at: int) -> PlantedRupture:
    """Plant a rupture at session `at` (1-based) in `series`, in place."""
    n, pre = len(series), series[at - 2]
    low = max(pre - int(rng.integers(35, 81)), 0)
    series[at - 1] = low
    drop = round((pre - low) / 10, 1)
    if rng.random() >= REPAIRED:
        # Unrepaired: the client settles at a new, lower level, always a point below `pre`.
        residual = (pre - low) * rng.uniform(0.45, 0.9)
        for s in range(at, n):
            series[s] = int(min(max(round(series[s] - residual), 0), pre - 10))
        return PlantedRupture(at, drop, False, None, False)
    lag = int(rng.integers(1, min(3, n - at) + 1))
    for j in range(1, lag):  # a climb back that stays below the pre-rupture total
        climb = low + round((pre - low) * j / lag * rng.uniform(0.5, 0.9))
        series[at - 1 + j] = min(max(series[at - 2 + j], climb), pre - 1)
    repair = at + lag
    # Some alliances come out of a repair stronger than before (Safran et al. 2011).
    lift = int(rng.integers(3, 16)) if rng.random() < 0.4 else 0
    series[repair - 1] = min(pre + lift, 400)
    for s in range(repair, n):
        series[s] = min(series[s] + lift, 400)
    return PlantedRupture(at, drop, True, repair, series[repair - 1] > pre)


def clinic_withdrawal(rng: Rng, series: list[int], rater: Rater) -> tuple[list[int], int, float]:
    """A slow decline of 0.4 to 0.8 points a session from a start session (3 to n-3, so at
    least four sessions of it) to the end, below the client's own level over the sessions
    before it; never a fall of 2 points in one session (a slide, not a rupture). Returns the
    series, the start session and the planted slope in points per session (negative)."""
    n = len(series)
    start = int(rng.integers(3, n - 2))
    slope = rng.uniform(4.0, 8.0)
    before = series[max(start - 4, 0) : start - 1]
    own = sum(before) / len(before)
    out = series[: start - 1]
    for k, e in enumerate(rng.normal(0.0, 0.6 * rater.noise, n - start + 1).tolist(), 1):
        # The decline is the promise: at every session at least 60% of the planted fall
        # has happened (unless that would take a fall of 2 points).
        value = min(round(own - slope * k + e), math.floor(own - 0.6 * slope * k))
        out.append(int(min(max(value, out[-1] - 19, 0), 400)))
    return out, start, -round(slope / 10, 2)


def srs_deficit(rng: Rng, total: int, profile: np.ndarray, low_line: bool) -> list[int]:
    """Tenths short of 10 on each line; with `low_line` one line (usually Goals and Topics,
    the classic drift) gets at least 2.1 of them, so it reads below 8."""
    deficit = 400 - total
    weights = profile * rng.gamma(6.0, 1.0, 4)
    if not low_line:
        return split(rng, deficit, 100, weights / weights.sum())
    line = 1 if rng.random() < 0.5 else int(rng.integers(4))
    own = int(rng.integers(21, min(deficit, 32) + 1))
    others = np.delete(weights, line)
    rest = split(rng, deficit - own, 100, others / others.sum())
    rest.insert(line, own)
    return rest


def lines(deficit: list[int]) -> dict[str, float]:
    return items([(100 - d) / 10 for d in deficit])


def items(values: Sequence[float]) -> dict[str, float]:
    return {str(k + 1): v for k, v in enumerate(values)}


def split(rng: Rng, total: int, cap: int, weights: np.ndarray) -> list[int]:
    """`total` units over items (each 0..cap) in proportion to `weights`, summing exactly."""
    values: list[int] = rng.multinomial(total, weights).tolist()
    while max(values) > cap and (excess := sum(max(0, v - cap) for v in values)) > 0:
        values = [min(v, cap) for v in values]
        open_ = [k for k, v in enumerate(values) if v < cap and weights[k] > 0]
        for k in rng.choice(open_, size=excess).tolist():  # may overshoot; the loop re-checks
            values[k] += 1
    return values
