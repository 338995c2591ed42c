"""A realistic synthetic caseload: what a clinic's data looks like, with known truth.

`generate_caseload` plants clean events in clean series, so a rule can be tested exactly.
This mode reproduces published distributions instead, to judge how the engine would fare in
a clinic: SRS totals bunch at the ceiling (mean about 37-38 of 40, a fifth or more of sessions
at 40, a client's own session-to-session SD about 1-1.5, rising a little over sessions), about
15-20% of sessions sit at or below 36 (some clients rate low as a habit), and symptom scores
are noisy. Planted in that noise, and recorded in `ClientTruth`: ruptures (a sharp fall of
3.5-8 points from the session before, repaired within 1-3 sessions or not), slow withdrawals
(0.4-0.8 points a session from a known start), relapses (reliable improvement out of
caseness, then back in it) and deteriorations, beside improvers and flat courses.

Totals are generated in whole scoring units (tenths for the VAS lines) and the item answers
found by splitting them, as in the default mode; each client draws from its own spawned
generator, so a seed gives the same caseload everywhere.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from alliance.measures import score
from alliance.measures.loader import shipped_definitions
from alliance.monitoring.types import ScoredAdministration, ScoredEpisode

from .synthetic import (
    Caseload,
    ClientTruth,
    Course,
    Form,
    SymptomInstrument,
    _wai_forms,
    reliable_course,
)
from .synthetic_srs import (
    PlantedRupture,
    clinic_rater,
    clinic_ruptures,
    clinic_srs,
    clinic_withdrawal,
    items,
    lines,
    split,
    srs_deficit,
)

Rng = np.random.Generator
MIN_SESSIONS = 6  # room for a withdrawal of four sessions after two of the client's own level
# Courses by share of clients, dealt in this order by alliance strength (plus noise): the
# strongest alliances most often improve, the weakest most often deteriorate.
COURSE_SHARES: tuple[tuple[Course, float], ...] = (
    ("improver", 0.5),
    ("relapse", 0.1),
    ("flat", 0.3),
    ("deteriorator", 0.1),
)
ALLIANCE_OUTCOME_WEIGHT = 0.4  # early SRS vs PHQ-9 change: r of about .25-.30


@dataclass(frozen=True)
class _Measure:
    """A symptom measure in whole units, with the shipped change figures."""

    name: str
    hi: int  # highest total generated (PHQ-9 24: item 9 stays 0 outside planted sessions)
    intake: tuple[int, int]
    sd: float  # session-to-session noise
    max_change: int
    scale: int = 1  # units per point

    @property
    def sign(self) -> int:
        return 1 if shipped_definitions()[self.name].higher_is_better else -1

    @property
    def reliable(self) -> int:
        change = shipped_definitions()[self.name].change
        assert change is not None and change.reliable_change is not None
        return round(change.reliable_change * self.scale)

    @property
    def caseness(self) -> int:
        cutoff = shipped_definitions()[self.name].caseness
        assert cutoff is not None
        return round(cutoff * self.scale)

    def is_case(self, value: int) -> bool:
        # PHQ-9 and GAD-7: at or above the cutoff; ORS: below it.
        return value < self.caseness if self.sign > 0 else value >= self.caseness


_MEASURES = {
    "phq-9": _Measure("phq-9", 24, (10, 22), 1.8, 16),
    "gad-7": _Measure("gad-7", 21, (8, 18), 1.4, 13),
    "ors": _Measure("ors", 400, (120, 240), 22.0, 180, scale=10),
}


def generate_clinic_caseload(
    n_clients: int,
    *,
    seed: int = 0,
    clinicians: int = 2,
    sessions: int = 12,
    start: dt.date = dt.date(2026, 1, 5),
    rupture_share: float = 0.2,
    withdrawal_share: float = 0.1,
    self_harm_share: float = 0.05,
    ors_share: float = 0.25,
) -> Caseload:
    """A deterministic, realistic caseload of `n_clients` episodes of `sessions` sessions."""
    shares = (rupture_share, withdrawal_share, self_harm_share, ors_share)
    if n_clients < 0 or clinicians < 1 or sessions < MIN_SESSIONS:
        raise ValueError(f"need n_clients >= 0, clinicians >= 1 and sessions >= {MIN_SESSIONS}")
    if any(not 0.0 <= s <= 1.0 for s in shares) or rupture_share + withdrawal_share > 1.0:
        raise ValueError("shares must lie in [0, 1] and rupture + withdrawal must not exceed 1")
    master = np.random.default_rng(seed)
    order = master.permutation(n_clients).tolist()
    n_rupture, n_withdrawal = round(rupture_share * n_clients), round(withdrawal_share * n_clients)
    alliance = ["stable"] * n_clients
    for i in order[:n_rupture]:
        alliance[i] = "rupture"
    for i in order[n_rupture : n_rupture + n_withdrawal]:
        alliance[i] = "withdrawal"
    ors = set(master.permutation(n_clients)[: round(ors_share * n_clients)].tolist())
    phq = [i for i in range(n_clients) if i not in ors]
    self_harm = set(master.permutation(phq)[: round(self_harm_share * len(phq))].tolist())
    deck = [course for course, share in COURSE_SHARES[:-1] for _ in range(round(share * n_clients))]
    deck = (deck + [COURSE_SHARES[-1][0]] * n_clients)[:n_clients]
    # Alliance predicts outcome (Fluckiger et al. 2018, r = .28): the same latent strength
    # places the client's SRS level and, with noise, their rank for a course.
    strength = master.normal(0.0, 1.0, n_clients)
    propensity = ALLIANCE_OUTCOME_WEIGHT * strength + master.normal(0.0, 1.0, n_clients)
    courses: list[Course] = ["flat"] * n_clients
    for rank, i in enumerate(np.argsort(-propensity, kind="stable").tolist()):
        courses[i] = deck[rank]
    # Rater types by rank of strength, so their shares are met exactly.
    quantiles = [0.0] * n_clients
    for rank, i in enumerate(np.argsort(strength, kind="stable").tolist()):
        quantiles[i] = (rank + 0.5) / n_clients

    episodes, truth = [], {}
    for i, rng in enumerate(master.spawn(n_clients)):
        instrument: SymptomInstrument = "ors" if i in ors else "phq-9"
        episode, client = _client(
            rng, i, clinicians, sessions, start, alliance[i], courses[i], instrument,
            i in self_harm, quantiles[i],
        )  # fmt: skip
        episodes.append(episode)
        truth[client.client_id] = client
    return Caseload(tuple(episodes), truth)


def _client(
    rng: Rng,
    index: int,
    clinicians: int,
    n: int,
    start: dt.date,
    alliance: str,
    course: Course,
    instrument: SymptomInstrument,
    self_harm: bool,
    quantile: float,
) -> tuple[ScoredEpisode, ClientTruth]:
    client_id, clinician_id = f"C{index + 1:04d}", f"T{int(rng.integers(clinicians)) + 1:02d}"
    first = start + dt.timedelta(days=int(rng.integers(0, 28)))
    dates = [first + dt.timedelta(weeks=s) for s in range(n)]
    rater = clinic_rater(rng, quantile)
    srs = clinic_srs(rng, rater, n)
    ruptures: tuple[PlantedRupture, ...] = ()
    withdrawal_from: int | None = None
    slope: float | None = None
    if alliance == "rupture":
        srs, ruptures = clinic_ruptures(rng, srs)
    elif alliance == "withdrawal":
        srs, withdrawal_from, slope = clinic_withdrawal(rng, srs, rater)
    profile = rng.dirichlet([5.0] * 4)
    forms: list[Form] = [
        (s + 1, "srs", lines(srs_deficit(rng, total, profile, False)), "client")
        for s, total in enumerate(srs)
    ]

    # A relapse's timing, shared by PHQ-9 and GAD-7: the best session (reliably improved and
    # out of caseness) and the session from which the score is back in caseness.
    best = int(rng.integers(3, n - 1))
    relapse = int(rng.integers(best + 1, min(best + 4, n - 1) + 1))
    timing = (best, relapse) if course == "relapse" else None
    self_harm_sessions: tuple[int, ...] = ()
    if instrument == "ors":
        primary = _course(rng, _MEASURES["ors"], course, n, None, timing)
        weights = rng.dirichlet([4.0] * 4)
        for s, total in enumerate(primary):
            forms.append((s + 1, "ors", lines(split(rng, 400 - total, 100, weights)), "client"))
    else:
        primary = _course(rng, _MEASURES["phq-9"], course, n, None, timing)
        gad = _course(rng, _MEASURES["gad-7"], course, n, primary[0], timing)
        if self_harm:  # endorsed where depression is at least mild
            room = [s for s, t in enumerate(primary) if t >= 5]
            picked = rng.permutation(room)[: int(rng.integers(1, 3))].tolist()
            self_harm_sessions = tuple(sorted(s + 1 for s in picked))
        phq_weights = np.append(rng.dirichlet([3.0] * 8), 0.0)  # item 9 is planted, not drawn
        gad_weights = rng.dirichlet([3.0] * 7)
        for s in range(n):
            item9 = int(rng.integers(1, 3)) if s + 1 in self_harm_sessions else 0
            answers = items([*split(rng, primary[s] - item9, 3, phq_weights)[:8], item9])
            if primary[s] > 0:  # item 10 is asked only when some problem was checked
                answers["10"] = min(3, max(0, round(primary[s] / 8 + rng.normal(0.0, 0.5))))
            forms.append((s + 1, "phq-9", answers, "client"))
            forms.append((s + 1, "gad-7", items(split(rng, gad[s], 3, gad_weights)), "client"))

    forms += _wai_forms(rng, srs)
    administrations = [
        ScoredAdministration(session, name, score(name, answers), respondent, dates[session - 1])
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
        relapse_session=relapse if timing else None,
        withdrawal_slope=slope,
        low_rater=rater.low,
        **reliable_course(instrument, primary),
    )
    return ScoredEpisode.of(client_id, administrations, clinician_id), truth


def _course(
    rng: Rng,
    m: _Measure,
    course: Course,
    n: int,
    anchor: int | None,
    timing: tuple[int, int] | None,
) -> list[int]:
    """A symptom series in whole units, built as gains (+ = better) on the intake score.

    Improvers: most change early, at a pace of their own; deteriorators: a steady or early
    worsening; flat: a drift that never reaches reliable change; relapse: improvement to a
    best session, out of caseness, then back into caseness from the relapse session on.
    Each ends where its course promises, whatever the noise."""
    lo, hi = m.intake
    worse_room = m.hi - m.reliable - 1 if m.sign < 0 else hi
    hi = min(hi, worse_room) if course == "deteriorator" else hi
    if anchor is None:
        intake = int(rng.integers(lo, hi + 1))
    else:  # GAD-7 follows the PHQ-9 intake, rescaled, with some independence
        scaled = lo + (anchor - 10) * (m.intake[1] - lo) / 12 + rng.normal(0.0, 1.5)
        intake = min(max(round(scaled), lo), hi)
    better, worse = (m.hi - intake, intake) if m.sign > 0 else (intake, m.hi - intake)
    noise = rng.normal(0.0, m.sd, n).tolist()
    noise[0] = 0.0
    last = max(n - 1, 1)
    if course == "improver":
        size = _size(rng, m.reliable + 1, better, m)
        pace = rng.uniform(0.7, 1.4)
        gains = [size * (math.log(s + 1) / math.log(n)) ** pace + e for s, e in enumerate(noise)]
        gains[-1] = max(gains[-1], m.reliable)
    elif course == "deteriorator":
        size = _size(rng, m.reliable + 1, worse, m)
        pace = rng.uniform(0.5, 1.2)
        gains = [-size * (s / last) ** pace + e for s, e in enumerate(noise)]
        gains[-1] = min(gains[-1], -m.reliable)
    elif course == "flat":
        drift = rng.uniform(-0.6, 0.6) * (m.reliable - 1)
        gains = [min(max(drift * s / last + e, 1 - m.reliable), m.reliable - 1)
                 for s, e in enumerate(noise)]  # fmt: skip
    else:
        assert timing is not None
        return _relapse(rng, m, intake, noise, timing)
    return [_value(m, intake, g) for g in gains]


def _relapse(
    rng: Rng, m: _Measure, intake: int, noise: list[float], timing: tuple[int, int]
) -> list[int]:
    best, relapse = timing
    # Out of caseness by a margin at the best session, and reliably improved.
    out_of_case = m.caseness - 1 - intake if m.sign < 0 else m.caseness - intake
    need = max(m.reliable + 1, m.sign * out_of_case + int(rng.integers(0, 2 * m.scale + 1)))
    room = intake if m.sign < 0 else m.hi - intake
    size = min(max(need, int(rng.integers(need, need + 4 * m.scale + 1))), room)
    back_in = m.caseness - intake if m.sign < 0 else m.caseness - 1 - intake
    # The level the relapse returns to: in caseness, somewhere between the cutoff and intake.
    settle = m.sign * back_in * rng.uniform(0.0, 0.7)
    values, previous = [], 0.0
    for s, e in enumerate(noise):
        if s + 1 < best:  # improving, never losing ground on the way (no early relapse)
            gain = max(size * math.log(s + 1) / math.log(best) + e, previous)
        elif s + 1 == best:
            gain = float(size)
        elif s + 1 < relapse:  # slipping back, still out of caseness
            share = (s + 1 - best) / (relapse - best)
            gain = size + (settle - size) * share * 0.6 + e
        else:
            gain = settle + e
        value = _value(m, intake, min(gain, size))
        if s + 1 > best:
            value = _into(m, value, case=s + 1 >= relapse)
        values.append(value)
        previous = gain
    return values


def _into(m: _Measure, value: int, *, case: bool) -> int:
    """`value` moved just far enough to be in caseness (`case`) or out of it."""
    if m.is_case(value) == case:
        return value
    inside = m.caseness if m.sign < 0 else m.caseness - 1
    outside = m.caseness - 1 if m.sign < 0 else m.caseness
    return inside if case else outside


def _value(m: _Measure, intake: int, gain: float) -> int:
    return int(min(max(round(intake + m.sign * gain), 0), m.hi))


def _size(rng: Rng, least: int, room: int, m: _Measure) -> int:
    return int(rng.integers(least, max(least, min(room, m.max_change)) + 1))
