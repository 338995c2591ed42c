"""Seeded synthetic caseloads with known truth, for tests, the demo and benchmarks.

Every planted event (rupture, withdrawal, self-harm answer, symptom course) is recorded in
`ClientTruth`, so the monitoring engine can be tested against what was put in. Totals are
generated first, in whole scoring units (tenths for the VAS lines), so a planted fall of 5.0
is exactly 5.0 once scored; the item answers are then found by splitting that total over the
items. Each client draws from its own spawned generator, so one client's series does not
depend on how many random numbers another client used.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, TextIO

import numpy as np

from alliance.measures import get_definition, score
from alliance.monitoring.types import Administration, Episode, Respondent

Course = Literal["improver", "flat", "deteriorator"]
SymptomInstrument = Literal["phq-9", "ors"]
Rng = np.random.Generator

FIELDS = (
    "client_id",
    "session",
    "date",
    "instrument",
    "item",
    "value",
    "clinician_id",
    "respondent",
)
Form = tuple[int, str, dict[str, float], Respondent]  # session, instrument, answers, respondent
WAI_SESSIONS = (3, 8)
ALLIANCE_OUTCOME_WEIGHT = 1.5  # gives r of about .23-.27 between early SRS and PHQ-9 change
SRS_CUTOFF = 360  # tenths: the default "at or below 36" alliance concern
STABLE_FLOOR = 364  # tenths: stable clients stay clear of the cutoff even after rounding


@dataclass(frozen=True)
class PlantedRupture:
    session: int
    drop: float
    repaired: bool
    repair_session: int | None
    exceeds_pre: bool


@dataclass(frozen=True)
class ClientTruth:
    client_id: str
    clinician_id: str
    course: Course
    symptom_instrument: SymptomInstrument
    ruptures: tuple[PlantedRupture, ...]
    withdrawal_from: int | None
    self_harm_sessions: tuple[int, ...]
    stable_alliance: bool

    @property
    def planted_any(self) -> bool:
        """Anything the engine should flag: a rupture, a withdrawal or a self-harm answer."""
        return (
            bool(self.ruptures) or self.withdrawal_from is not None or bool(self.self_harm_sessions)
        )


@dataclass(frozen=True)
class Caseload:
    episodes: tuple[Episode, ...]
    truth: dict[str, ClientTruth]


@dataclass(frozen=True)
class _Spec:
    """A symptom measure's course parameters, in whole scoring units."""

    hi: int  # highest total generated (PHQ-9 24: item 9 stays 0 outside planted sessions)
    intake: tuple[int, int]
    sign: int  # +1 when a higher score is better
    min_improve: int
    min_worsen: int
    max_change: int
    band: int  # how far a flat course may stray from intake
    sd: float


_SPECS = {
    "phq-9": _Spec(24, (10, 22), -1, 8, 7, 16, 3, 1.2),
    "gad-7": _Spec(21, (8, 18), -1, 6, 5, 13, 2, 1.0),
    "ors": _Spec(400, (120, 240), +1, 80, 60, 180, 30, 12.0),
}


def generate_caseload(
    n_clients: int,
    *,
    seed: int = 0,
    clinicians: int = 2,
    sessions: tuple[int, int] = (8, 16),
    start: dt.date = dt.date(2026, 1, 5),
    rupture_share: float = 0.2,
    withdrawal_share: float = 0.1,
    self_harm_share: float = 0.05,
    ors_share: float = 0.25,
) -> Caseload:
    """A deterministic caseload of `n_clients` episodes and the truth planted in each."""
    shares = (rupture_share, withdrawal_share, self_harm_share, ors_share)
    if n_clients < 0 or clinicians < 1 or not 1 <= sessions[0] <= sessions[1]:
        raise ValueError("need n_clients >= 0, clinicians >= 1 and 1 <= sessions[0] <= sessions[1]")
    if any(not 0.0 <= s <= 1.0 for s in shares) or rupture_share + withdrawal_share > 1.0:
        raise ValueError("shares must lie in [0, 1] and rupture + withdrawal must not exceed 1")
    master = np.random.default_rng(seed)
    # Roles are dealt by exact counts rather than coin flips, so a share is met even in a
    # small caseload and the tests can hold it tightly.
    order = master.permutation(n_clients).tolist()
    n_rupture = round(rupture_share * n_clients)
    n_withdrawal = round(withdrawal_share * n_clients)
    alliance = ["stable"] * n_clients
    for i in order[:n_rupture]:
        alliance[i] = "rupture"
    for i in order[n_rupture : n_rupture + n_withdrawal]:
        alliance[i] = "withdrawal"
    ors = set(master.permutation(n_clients)[: round(ors_share * n_clients)].tolist())
    phq = [i for i in range(n_clients) if i not in ors]
    self_harm = set(master.permutation(phq)[: round(self_harm_share * len(phq))].tolist())
    mix: tuple[tuple[Course, float], ...] = (("improver", 0.55), ("flat", 0.3))
    deck = [course for course, share in mix for _ in range(round(share * n_clients))]
    deck = (deck + ["deteriorator"] * n_clients)[:n_clients]  # the rest, about 15%
    # The alliance predicts outcome (Flückiger et al. 2018: r = .28): each client has a
    # latent alliance strength that raises their early SRS and, partly, their chance of
    # improving. Courses are dealt by rank of strength plus noise, so the counts stay exact.
    strength = master.normal(0.0, 1.0, n_clients)
    propensity = ALLIANCE_OUTCOME_WEIGHT * strength + master.normal(0.0, 1.0, n_clients)
    ranked = np.argsort(-propensity, kind="stable").tolist()
    courses: list[Course] = ["flat"] * n_clients
    for rank, i in enumerate(ranked):
        courses[i] = deck[rank]

    episodes, truth = [], {}
    for i, rng in enumerate(master.spawn(n_clients)):
        instrument: SymptomInstrument = "ors" if i in ors else "phq-9"
        episode, client = _client(
            rng, i, clinicians, sessions, start, alliance[i], courses[i], instrument,
            i in self_harm, float(strength[i]),
        )  # fmt: skip
        episodes.append(episode)
        truth[client.client_id] = client
    return Caseload(tuple(episodes), truth)


def _client(
    rng: Rng,
    index: int,
    clinicians: int,
    sessions: tuple[int, int],
    start: dt.date,
    alliance: str,
    course: Course,
    instrument: SymptomInstrument,
    self_harm: bool,
    strength: float,
) -> tuple[Episode, ClientTruth]:
    client_id, clinician_id = f"C{index + 1:04d}", f"T{int(rng.integers(clinicians)) + 1:02d}"
    n = int(rng.integers(sessions[0], sessions[1] + 1))
    # A rupture needs four sessions before it and one after; a withdrawal two low sessions.
    n = max(n, {"rupture": 6, "withdrawal": 5}.get(alliance, 1))
    first = start + dt.timedelta(days=int(rng.integers(0, 28)))
    dates = [first + dt.timedelta(weeks=s) for s in range(n)]
    ruptures: tuple[PlantedRupture, ...] = ()
    withdrawal_from: int | None = None
    low_at: set[int] = set()
    if alliance == "rupture":
        srs, rupture = _rupture_srs(rng, n)
        ruptures = (rupture,)
    elif alliance == "withdrawal":
        srs, withdrawal_from = _withdrawal_srs(rng, n)
    else:
        srs, low_at = _stable_srs(rng, n, strength)
    profile = rng.dirichlet([5.0] * 4)
    forms: list[Form] = [
        (s + 1, "srs", _lines(_srs_deficit(rng, total, profile, s in low_at)), "client")
        for s, total in enumerate(srs)
    ]

    self_harm_sessions: tuple[int, ...] = ()
    if instrument == "ors":
        weights = rng.dirichlet([4.0] * 4)
        for s, total in enumerate(_course(rng, _SPECS["ors"], course, n, None)):
            forms.append((s + 1, "ors", _lines(_split(rng, 400 - total, 100, weights)), "client"))
    else:
        phq = _course(rng, _SPECS["phq-9"], course, n, None)
        gad = _course(rng, _SPECS["gad-7"], course, n, phq[0])
        if self_harm:
            # Endorsed where depression is at least mild: item 9 rarely stands alone.
            room = [s for s, t in enumerate(phq) if t >= 5]
            picked = rng.permutation(room)[: int(rng.integers(1, 3))].tolist()
            self_harm_sessions = tuple(sorted(s + 1 for s in picked))
        phq_weights = np.append(rng.dirichlet([3.0] * 8), 0.0)  # item 9 is planted, not drawn
        gad_weights = rng.dirichlet([3.0] * 7)
        for s in range(n):
            item9 = int(rng.integers(1, 3)) if s + 1 in self_harm_sessions else 0
            answers = _items([*_split(rng, phq[s] - item9, 3, phq_weights)[:8], item9])
            if phq[s] > 0:  # item 10 is asked only when some problem was checked
                answers["10"] = min(3, max(0, round(phq[s] / 8 + rng.normal(0.0, 0.5))))
            forms.append((s + 1, "phq-9", answers, "client"))
            forms.append((s + 1, "gad-7", _items(_split(rng, gad[s], 3, gad_weights)), "client"))

    forms += _wai_forms(rng, srs)
    administrations = [
        Administration(session, name, score(name, answers), respondent, dates[session - 1])
        for session, name, answers, respondent in forms
    ]
    truth = ClientTruth(
        client_id,
        clinician_id,
        course,
        instrument,
        ruptures,
        withdrawal_from,
        self_harm_sessions,
        stable_alliance=alliance == "stable",
    )
    return Episode.of(client_id, administrations, clinician_id), truth


Bound = float | Sequence[float]


def _walk(
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


def _stable_srs(rng: Rng, n: int, strength: float = 0.0) -> tuple[list[int], set[int]]:
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
    series = _walk(rng, None, n, [base + slope * s for s in range(n)], lb, ub, 14, 5.0)
    if not low_line:
        return series, set()
    room = [s for s, t in enumerate(series) if t <= 400 - 22]
    return series, set(rng.permutation(room)[: int(rng.integers(1, 3))].tolist())


def _rupture_srs(rng: Rng, n: int) -> tuple[list[int], PlantedRupture]:
    at = int(rng.integers(5, n))  # session 5..n-1: four changes before it, one session after
    # Steady before (steps within 0.9) so the client's own SD is small; at most 39.0 so a
    # repair can exceed the pre-drop total.
    series = _walk(rng, None, at - 1, rng.uniform(372, 386), 366, 390, 9, 3.5)
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
        series += _walk(
            rng, series[-1], n - repair_session, series[-1] + 3, STABLE_FLOOR, 399, 9, 3.5
        )
    else:
        # Unrepaired: hovers near the new low, always at least 2.2 below the pre-drop total.
        target = low + rng.uniform(0, 10)
        series += _walk(rng, low, n - at, target, max(low - 30, 150), pre - 22, 8, 3.0)
    rupture = PlantedRupture(at, round((pre - low) / 10, 1), repaired, repair_session, exceeds)
    return series, rupture


def _withdrawal_srs(rng: Rng, n: int) -> tuple[list[int], int]:
    start = int(rng.integers(min(5, n - 1), n))  # at least two sessions in the low stretch
    before, rest = start - 1, n - start + 1
    # The ceiling falls 1.2 per session to 37.0 just before the stretch, and the step into it
    # is 0.6 to 1.8: even that first fall stays under 2 points, a slide rather than a rupture.
    ub = [min(399.0, 370 + 12 * (before - 1 - s)) for s in range(before)]
    pre = _walk(rng, None, before, rng.uniform(372, 388), STABLE_FLOOR, ub, 12, 4.0)
    first = int(rng.integers(pre[-1] - 18, min(pre[-1] - 6, 358) + 1))
    target = [first - 3.5 * j for j in range(1, rest)]
    low = _walk(rng, first, rest - 1, target, 325, first, 8, 2.5)
    return [*pre, first, *low], start
    return pre + low, start


def _srs_deficit(rng: Rng, total: int, profile: np.ndarray, low_line: bool) -> list[int]:
    """Tenths short of 10 on each line; with `low_line` one line (usually Goals and Topics,
    the classic drift) gets at least 2.1 of them, so it reads below 8."""
    deficit = 400 - total
    weights = profile * rng.gamma(6.0, 1.0, 4)
    if not low_line:
        return _split(rng, deficit, 100, weights / weights.sum())
    line = 1 if rng.random() < 0.5 else int(rng.integers(4))
    own = int(rng.integers(21, min(deficit, 32) + 1))
    others = np.delete(weights, line)
    rest = _split(rng, deficit - own, 100, others / others.sum())
    rest.insert(line, own)
    return rest


def _lines(deficit: list[int]) -> dict[str, float]:
    return _items([(100 - d) / 10 for d in deficit])


def _items(values: Sequence[float]) -> dict[str, float]:
    return {str(k + 1): v for k, v in enumerate(values)}


def _split(rng: Rng, total: int, cap: int, weights: np.ndarray) -> list[int]:
    """`total` units over items (each 0..cap) in proportion to `weights`, summing exactly."""
    values: list[int] = rng.multinomial(total, weights).tolist()
    while max(values) > cap and (excess := sum(max(0, v - cap) for v in values)) > 0:
        values = [min(v, cap) for v in values]
        open_ = [k for k, v in enumerate(values) if v < cap and weights[k] > 0]
        for k in rng.choice(open_, size=excess).tolist():  # may overshoot; the loop re-checks
            values[k] += 1
    return values


def _course(rng: Rng, spec: _Spec, course: Course, n: int, anchor: int | None) -> list[int]:
    """A symptom series in whole units: log-shaped improvement (most change comes early),
    roughly linear deterioration, or a flat line, each with noise and a guaranteed end point."""
    lo_in, hi_in = spec.intake
    if course == "deteriorator" and spec.sign < 0:  # room to rise by min_worsen under the cap
        hi_in = min(hi_in, spec.hi - spec.min_worsen - 1)
    if anchor is None:
        intake = int(rng.integers(lo_in, hi_in + 1))
    else:  # GAD-7 follows the PHQ-9 intake, rescaled, with some independence
        scaled = lo_in + (anchor - 10) * (spec.intake[1] - lo_in) / 12 + rng.normal(0.0, 1.5)
        intake = min(max(round(scaled), lo_in), hi_in)
    up_room, down_room = spec.hi - intake, intake
    if course == "improver":
        size = _change(rng, spec.min_improve, up_room if spec.sign > 0 else down_room, spec)
        delta, shape = spec.sign * size, [math.log(s + 1) / math.log(max(n, 2)) for s in range(n)]
    elif course == "deteriorator":
        size = _change(rng, spec.min_worsen, down_room if spec.sign > 0 else up_room, spec)
        delta, shape = -spec.sign * size, [s / max(n - 1, 1) for s in range(n)]
    else:
        delta, shape = 0, [0.0] * n
    noise = rng.normal(0.0, spec.sd, n).tolist()
    noise[0] = 0.0
    values = [
        min(max(round(intake + delta * f + e), 0), spec.hi)
        for f, e in zip(shape, noise, strict=True)
    ]
    if course == "flat":
        values = [min(max(v, intake - spec.band), intake + spec.band) for v in values]
    elif n > 1:  # the end point is the promise: noise never undoes the planted change
        bound = (
            intake + (spec.min_improve if course == "improver" else -spec.min_worsen) * spec.sign
        )
        values[-1] = max(values[-1], bound) if (delta > 0) else min(values[-1], bound)
    return values


def _change(rng: Rng, least: int, room: int, spec: _Spec) -> int:
    # One unit beyond the minimum so the guarantee does not rest on the end-point clamp alone.
    return int(rng.integers(least + 1, max(least + 1, min(room, spec.max_change)) + 1))


def _wai_forms(rng: Rng, srs: list[int]) -> list[Form]:
    """WAI-SR at sessions 3 and 8 and the therapist's at 3 for about half, pitched by that
    session's SRS (r with SRS is about .6 in the literature), with one subscale sometimes
    lower than the others."""
    subscales = get_definition("wai-sr").subscales
    weak = int(rng.integers(3)) if rng.random() < 0.3 else None
    dip = rng.uniform(0.6, 1.2)
    forms: list[Form] = []
    raters: list[tuple[str, Respondent, int]] = [("wai-sr", "client", s) for s in WAI_SESSIONS]
    if rng.random() < 0.5:
        raters.append(("wai-sr-t", "therapist", 3))
    for name, respondent, session in raters:
        if session > len(srs):
            continue
        level = 4.7 + (srs[session - 1] / 10 - 38.0) * 0.15
        if respondent == "therapist":  # therapists tend to rate the alliance a little lower
            level -= 0.3
        values = [0] * 12
        for k, sub in enumerate(subscales):
            mean = min(max(level, 1.3), 4.9) - (dip if k == weak else 0.0)
            for item in sub.items:
                values[int(item) - 1] = min(5, max(1, round(mean + rng.normal(0.0, 0.45))))
        forms.append((session, name, _items(values), respondent))
    return forms


def iter_long_rows(caseload: Caseload) -> Iterator[dict[str, str]]:
    """One row per item answer, clients contiguous and sessions in order."""
    for episode in caseload.episodes:
        who = episode.clinician_id or ""
        for a in episode.administrations:
            date = a.date.isoformat() if a.date else ""
            for item, value in a.score.answers.items():
                row = (episode.client_id, a.session, date, a.instrument, item, value, who)
                yield dict(zip(FIELDS, map(str, (*row, a.respondent)), strict=True))


def write_long_csv(caseload: Caseload, out: TextIO) -> int:
    """Write the long format (header first); returns the number of data rows written."""
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    rows = 0
    for row in iter_long_rows(caseload):
        writer.writerow(row)
        rows += 1
    return rows
