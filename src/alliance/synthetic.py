"""Seeded synthetic caseloads with known truth, for tests, the demo and benchmarks.

Every planted event (rupture, withdrawal, self-harm answer, symptom course) is recorded in
`ClientTruth`, so the monitoring engine can be tested against what was put in. Totals are
generated first, in whole scoring units (tenths for the VAS lines), so a planted fall of 5.0
is exactly 5.0 once scored; the item answers are then found by splitting that total over the
items. Each client draws from its own spawned generator, so one client's series does not
depend on how many random numbers another client used.

This is the clean test bed; `synthetic_clinic.generate_clinic_caseload` is the realistic mode
(published SRS distributions, events planted in noise) with the same `Caseload` and truth.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, TextIO, TypedDict

import numpy as np

from alliance.measures import get_definition, score
from alliance.measures.loader import shipped_definitions
from alliance.monitoring.types import Respondent, ScoredAdministration, ScoredEpisode

from .synthetic_srs import (
    PlantedRupture,
    items,
    lines,
    rupture_srs,
    split,
    srs_deficit,
    stable_srs,
    withdrawal_srs,
)

Course = Literal["improver", "flat", "deteriorator", "relapse"]
Outcome = Literal["reliable_improvement", "reliable_deterioration", "neither"]
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


@dataclass(frozen=True)
class ClientTruth:
    client_id: str
    clinician_id: str
    course: Course
    symptom_instrument: SymptomInstrument
    ruptures: tuple[PlantedRupture, ...]
    withdrawal_from: int | None
    self_harm_sessions: tuple[int, ...]
    stable_alliance: bool  # no planted alliance event (a stable low rater is stable)
    # On `symptom_instrument`, by the shipped reliable-change figures: the last session
    # against the first, and the first session at which each reliable change was reached.
    outcome: Outcome = "neither"
    improved_session: int | None = None
    deteriorated_session: int | None = None
    # A relapse: after reliable improvement out of caseness, the session from which the
    # score is back in the clinical range and stays there to the end.
    relapse_session: int | None = None
    # A withdrawal's planted decline, in SRS points per session (negative), from
    # `withdrawal_from` to the end.
    withdrawal_slope: float | None = None
    # Rates the SRS low as a habit: the client's own level starts at or below the
    # alliance-concern cutoff (realistic mode only).
    low_rater: bool = False

    @property
    def alliance_events(self) -> tuple[tuple[str, int], ...]:
        """Each planted alliance event as (kind, session), kind "rupture" or "withdrawal"."""
        events = [("rupture", r.session_number) for r in self.ruptures]
        if self.withdrawal_from is not None:
            events.append(("withdrawal", self.withdrawal_from))
        return tuple(sorted(events, key=lambda event: event[1]))

    @property
    def planted_any(self) -> bool:
        """Anything the engine should flag: a rupture, a withdrawal or a self-harm answer."""
        return (
            bool(self.ruptures) or self.withdrawal_from is not None or bool(self.self_harm_sessions)
        )


@dataclass(frozen=True)
class Caseload:
    episodes: tuple[ScoredEpisode, ...]
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
) -> tuple[ScoredEpisode, ClientTruth]:
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
        srs, rupture = rupture_srs(rng, n)
        ruptures = (rupture,)
    elif alliance == "withdrawal":
        srs, withdrawal_from = withdrawal_srs(rng, n)
    else:
        srs, low_at = stable_srs(rng, n, strength)
    profile = rng.dirichlet([5.0] * 4)
    forms: list[Form] = [
        (s + 1, "srs", lines(srs_deficit(rng, total, profile, s in low_at)), "client")
        for s, total in enumerate(srs)
    ]

    self_harm_sessions: tuple[int, ...] = ()
    if instrument == "ors":
        weights = rng.dirichlet([4.0] * 4)
        primary = _course(rng, _SPECS["ors"], course, n, None)
        for s, total in enumerate(primary):
            forms.append((s + 1, "ors", lines(split(rng, 400 - total, 100, weights)), "client"))
    else:
        phq = _course(rng, _SPECS["phq-9"], course, n, None)
        gad = _course(rng, _SPECS["gad-7"], course, n, phq[0])
        primary = phq
        if self_harm:
            # Endorsed where depression is at least mild: item 9 rarely stands alone.
            room = [s for s, t in enumerate(phq) if t >= 5]
            picked = rng.permutation(room)[: int(rng.integers(1, 3))].tolist()
            self_harm_sessions = tuple(sorted(s + 1 for s in picked))
        phq_weights = np.append(rng.dirichlet([3.0] * 8), 0.0)  # item 9 is planted, not drawn
        gad_weights = rng.dirichlet([3.0] * 7)
        for s in range(n):
            item9 = int(rng.integers(1, 3)) if s + 1 in self_harm_sessions else 0
            answers = items([*split(rng, phq[s] - item9, 3, phq_weights)[:8], item9])
            if phq[s] > 0:  # item 10 is asked only when some problem was checked
                answers["10"] = min(3, max(0, round(phq[s] / 8 + rng.normal(0.0, 0.5))))
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
        **reliable_course(instrument, primary),
    )
    return ScoredEpisode.of(client_id, administrations, clinician_id), truth


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


class ReliableCourse(TypedDict):
    outcome: Outcome
    improved_session: int | None
    deteriorated_session: int | None


def reliable_course(instrument: str, units: Sequence[int]) -> ReliableCourse:
    """The outcome category and the first sessions of reliable improvement and deterioration
    of a series in whole scoring units (tenths for the ORS), by the shipped figures."""
    definition = shipped_definitions()[instrument]
    if definition.change is None or definition.change.reliable_change is None:
        raise ValueError(f"{instrument} has no fixed reliable-change figure")
    threshold = round(definition.change.reliable_change * (10 if instrument == "ors" else 1))
    sign = 1 if definition.higher_is_better else -1
    gains = [sign * (u - units[0]) for u in units]
    improved = next((s + 1 for s, g in enumerate(gains) if s and g >= threshold), None)
    worse = next((s + 1 for s, g in enumerate(gains) if s and -g >= threshold), None)
    last = gains[-1]
    outcome: Outcome = (
        "reliable_improvement"
        if last >= threshold
        else "reliable_deterioration"
        if -last >= threshold
        else "neither"
    )
    return {"outcome": outcome, "improved_session": improved, "deteriorated_session": worse}


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
        forms.append((session, name, items(values), respondent))
    return forms


def iter_long_rows(caseload: Caseload) -> Iterator[dict[str, str]]:
    """One row per item answer, clients contiguous and sessions in order."""
    for episode in caseload.episodes:
        who = episode.clinician_id or ""
        for a in episode.administrations:
            date = a.date.isoformat() if a.date else ""
            for item, value in a.score.answers.items():
                row = (episode.client_id, a.session_number, date, a.instrument, item, value, who)
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
