"""The realistic synthetic caseload: published SRS distributions, truth that holds, and the
default mode left exactly as it was.

The signal benchmark (bench/bench_signals.py) judges the engine against this truth, so every
planted event is checked from the scored episodes themselves.
"""

from __future__ import annotations

import hashlib
import io
import statistics
from collections import Counter
from itertools import pairwise

import pytest

from alliance.measures import score
from alliance.monitoring.types import ScoredEpisode
from alliance.synthetic import (
    Caseload,
    ClientTruth,
    generate_caseload,
    iter_long_rows,
    write_long_csv,
)
from alliance.synthetic_clinic import generate_clinic_caseload

N = 400
# Caseness and reliable change in whole units (ORS in tenths), + = better.
RULES = {"phq-9": (10, 6, -1), "gad-7": (8, 4, -1), "ors": (250, 50, 1)}


@pytest.fixture(scope="module")
def caseload() -> Caseload:
    return generate_clinic_caseload(N, seed=11)


def pairs(caseload: Caseload) -> list[tuple[ScoredEpisode, ClientTruth]]:
    return [(e, caseload.truth[e.client_id]) for e in caseload.episodes]


def srs(episode: ScoredEpisode) -> list[int]:
    """SRS totals in whole tenths, so comparisons never trip on binary fractions."""
    return [round(a.total * 10) for a in episode.series("srs")]


def units(episode: ScoredEpisode, instrument: str) -> list[int]:
    scale = 10 if instrument == "ors" else 1
    return [round(a.total * scale) for a in episode.series(instrument)]


def is_case(instrument: str, value: int) -> bool:
    caseness, _, sign = RULES[instrument]
    return value < caseness if sign > 0 else value >= caseness


@pytest.mark.parametrize("seed", [3, 2026])
def test_it_reproduces_published_srs_distributions(seed: int) -> None:
    generated = generate_clinic_caseload(500, seed=seed)
    episodes = generated.episodes
    totals = [t for e in episodes for t in srs(e)]
    change_sds = [statistics.stdev([b - a for a, b in pairwise(srs(e))]) / 10 for e in episodes]
    assert 37.0 <= statistics.mean(totals) / 10 <= 38.5
    assert sum(t == 400 for t in totals) / len(totals) >= 0.18
    assert 0.12 <= sum(t <= 360 for t in totals) / len(totals) <= 0.22
    assert 0.8 <= statistics.median(change_sds) <= 1.6
    # Ratings rise a little over an episode, on average, where nothing was planted.
    stable = [srs(e) for e, t in pairs(generated) if t.stable_alliance]
    rises = [s[-1] - s[0] for s in stable]
    assert statistics.mean(rises) > 0


def test_it_links_the_early_alliance_to_outcome_as_published(caseload: Caseload) -> None:
    # Fluckiger et al. 2018: r = .28 between alliance and outcome.
    early, change = [], []
    for episode, truth in pairs(caseload):
        if truth.symptom_instrument == "phq-9":
            early.append(statistics.mean(srs(episode)[:3]))
            phq = units(episode, "phq-9")
            change.append(phq[0] - phq[-1])
    assert len(early) > 250
    assert 0.1 < statistics.correlation(early, change) < 0.45


def test_it_is_deterministic_for_a_seed() -> None:
    first, again = generate_clinic_caseload(60, seed=5), generate_clinic_caseload(60, seed=5)
    assert list(iter_long_rows(first)) == list(iter_long_rows(again))
    assert first.truth == again.truth
    other = generate_clinic_caseload(60, seed=6)
    assert list(iter_long_rows(other)) != list(iter_long_rows(first))


def test_it_scores_every_administration_validly(caseload: Caseload) -> None:
    everyone = pairs(caseload)
    for episode, truth in everyone:
        assert episode.clinician_id == truth.clinician_id
        assert episode.session_numbers() == list(range(1, 13))
        for a in episode:
            assert score(a.instrument, a.score.answers) == a.score
        assert len(episode.series(truth.symptom_instrument)) == 12
        if truth.symptom_instrument == "phq-9":
            assert len(episode.series("gad-7")) == 12 and not episode.series("ors")
        else:
            assert not episode.series("phq-9") and not episode.series("gad-7")
    assert len(everyone) == N


def test_it_keeps_stable_alliances_free_of_planted_events(caseload: Caseload) -> None:
    stable = [(e, t) for e, t in pairs(caseload) if t.stable_alliance]
    for _, truth in stable:
        assert truth.alliance_events == () and truth.withdrawal_slope is None
    everyone = pairs(caseload)
    for _, truth in everyone:
        assert truth.stable_alliance == (truth.alliance_events == ())
    assert len(everyone) == N
    # Stable low raters exist: a low habit is not an event.
    low = [e for e, t in stable if t.low_rater]
    assert len(low) >= 10
    assert all(statistics.mean(srs(e)) <= 375 for e in low)
    # ...and so do clients who mark 40 most sessions.
    assert sum(sum(t == 400 for t in srs(e)) >= 6 for e, _ in stable) >= 0.1 * len(stable)


def test_it_plants_ruptures_as_recorded(caseload: Caseload) -> None:
    kinds: Counter[tuple[bool, bool]] = Counter()
    for episode, truth in pairs(caseload):
        series = srs(episode)
        for rupture in truth.ruptures:
            at = rupture.session_number
            assert 4 <= at <= len(series) - 1
            pre, low = series[at - 2], series[at - 1]
            assert 35 <= pre - low <= 80 and round(rupture.drop * 10) == pre - low
            later = series[at:]
            if rupture.repaired:
                assert rupture.repair_session is not None
                assert 1 <= rupture.repair_session - at <= 3
                first = next(at + 1 + i for i, t in enumerate(later) if t >= pre)
                assert first == rupture.repair_session
                assert rupture.exceeds_pre == (series[first - 1] > pre)
            else:
                assert rupture.repair_session is None and not rupture.exceeds_pre
                assert all(t <= pre - 10 for t in later)
            kinds[rupture.repaired, rupture.exceeds_pre] += 1
        sessions = [r.session_number for r in truth.ruptures]
        assert len(sessions) <= 2 and sessions == sorted(sessions)
        if len(truth.ruptures) == 2:
            repair = truth.ruptures[0].repair_session
            assert repair is not None and sessions[1] >= repair + 2
    assert set(kinds) == {(True, True), (True, False), (False, False)}
    assert sum(bool(t.ruptures) for t in caseload.truth.values()) == pytest.approx(0.2 * N, abs=2)


def test_it_plants_slow_withdrawals_as_recorded(caseload: Caseload) -> None:
    checked = 0
    for episode, truth in pairs(caseload):
        if truth.withdrawal_from is None:
            continue
        assert not truth.ruptures and truth.withdrawal_slope is not None
        start, slope, series = truth.withdrawal_from, truth.withdrawal_slope, srs(episode)
        assert 3 <= start <= len(series) - 3
        assert -0.8 <= slope <= -0.4
        before = series[max(start - 4, 0) : start - 1]
        own = sum(before) / len(before)
        stretch = series[start - 2 :]
        assert all(a - b < 20 for a, b in pairwise(stretch))  # a slide, never a rupture
        assert series[-1] <= own + 10 * 0.6 * slope * (len(series) - start + 1)
        fitted = statistics.linear_regression(range(len(stretch)), stretch).slope / 10
        assert fitted < -0.15
        checked += 1
    assert checked == pytest.approx(0.1 * N, abs=2)


def test_it_plants_symptom_courses_with_their_outcome(caseload: Caseload) -> None:
    courses: Counter[str] = Counter()
    for episode, truth in pairs(caseload):
        courses[truth.course] += 1
        main = truth.symptom_instrument
        names = ("ors",) if main == "ors" else ("phq-9", "gad-7")
        for name in names:  # loop checked: one or two instrument names, never none
            _, reliable, sign = RULES[name]
            gains = [sign * (u - units(episode, name)[0]) for u in units(episode, name)]
            if truth.course == "improver":
                assert gains[-1] >= reliable
            elif truth.course == "deteriorator":
                assert gains[-1] <= -reliable
            elif truth.course == "flat":
                assert all(abs(g) < reliable for g in gains)
        _, reliable, sign = RULES[main]
        series = units(episode, main)
        gains = [sign * (u - series[0]) for u in series]
        expected = (
            "reliable_improvement"
            if gains[-1] >= reliable
            else "reliable_deterioration"
            if gains[-1] <= -reliable
            else "neither"
        )
        assert truth.outcome == expected
        improved = next((s + 1 for s, g in enumerate(gains) if g >= reliable), None)
        assert truth.improved_session == improved
        worse = next((s + 1 for s, g in enumerate(gains) if g <= -reliable), None)
        assert truth.deteriorated_session == worse
        if truth.course == "deteriorator":
            assert truth.outcome == "reliable_deterioration"
        if truth.course == "improver":
            assert truth.outcome == "reliable_improvement"
        assert (truth.relapse_session is not None) == (truth.course == "relapse")
    for course, share in (("improver", 0.5), ("relapse", 0.1), ("flat", 0.3)):
        assert courses[course] == pytest.approx(share * N, abs=2)
    assert courses["deteriorator"] == pytest.approx(0.1 * N, abs=3)


def test_it_plants_relapses_after_reliable_improvement(caseload: Caseload) -> None:
    checked = 0
    for episode, truth in pairs(caseload):
        if truth.relapse_session is None:
            continue
        at = truth.relapse_session
        names = ("ors",) if truth.symptom_instrument == "ors" else ("phq-9", "gad-7")
        for name in names:  # loop checked: one or two instrument names, never none
            series = units(episode, name)
            assert 4 <= at <= len(series) - 1
            _, reliable, sign = RULES[name]
            improved = [s + 1 for s, u in enumerate(series) if sign * (u - series[0]) >= reliable]
            # Reliably improved and out of caseness before the relapse...
            assert improved and improved[0] < at
            assert any(not is_case(name, series[s - 1]) for s in improved if s < at)
            assert not is_case(name, series[at - 2])
            # ...then back in caseness from the relapse session to the end.
            assert all(is_case(name, u) for u in series[at - 1 :])
        assert truth.improved_session is not None and truth.improved_session < at
        checked += 1
    assert checked >= 30


def test_it_records_every_planted_event_inside_the_episode(caseload: Caseload) -> None:
    everyone = pairs(caseload)
    for episode, truth in everyone:
        n = len(episode.session_numbers())
        sessions = [s for _, s in truth.alliance_events] + list(truth.self_harm_sessions)
        for r in truth.ruptures:
            sessions += [r.repair_session] if r.repair_session is not None else []
        for extra in (truth.relapse_session, truth.improved_session, truth.deteriorated_session):
            sessions += [extra] if extra is not None else []
        assert all(1 <= s <= n for s in sessions), truth
        if truth.symptom_instrument == "phq-9":
            endorsed = tuple(
                a.session_number for a in episode.series("phq-9") if a.score.answers["9"] >= 1
            )
            assert endorsed == truth.self_harm_sessions
        else:
            assert truth.self_harm_sessions == ()
    assert len(everyone) == N


def test_it_refuses_impossible_arguments() -> None:
    for kwargs in ({"sessions": 5}, {"clinicians": 0}, {"rupture_share": 0.7,
                   "withdrawal_share": 0.7}, {"ors_share": 1.5}):  # fmt: skip
        with pytest.raises(ValueError):
            generate_clinic_caseload(10, **kwargs)
    assert generate_clinic_caseload(0).episodes == ()


# Pinned from the default mode before the realistic mode was added: the default caseload
# must not change by a byte (tests, the demo and benchmarks rely on it).
DEFAULT_TOTALS = "99d28f64ce30c52c75e2b7afaacf01e4a232e364757fbc7afc5ed84303dc368a"
DEFAULT_CSV = "f8f8f3786feebd8538d0819d1ffbf7419e6845c57eb68d050f13b3e3ee9bc949"


def test_it_leaves_the_default_mode_unchanged() -> None:
    default = generate_caseload(50, seed=1)
    digest = hashlib.sha256()
    for e in default.episodes:
        for a in e:
            line = f"{e.client_id},{a.session_number},{a.instrument},{a.respondent},{a.total!r}\n"
            digest.update(line.encode())
    assert digest.hexdigest() == DEFAULT_TOTALS
    out = io.StringIO()
    write_long_csv(default, out)
    assert hashlib.sha256(out.getvalue().encode()).hexdigest() == DEFAULT_CSV


def test_the_default_mode_records_its_outcomes_too() -> None:
    outcome = {"improver": "reliable_improvement", "flat": "neither",
               "deteriorator": "reliable_deterioration"}  # fmt: skip
    truths = list(generate_caseload(200, seed=9).truth.values())
    for truth in truths:
        assert truth.outcome == outcome[truth.course]
        assert truth.relapse_session is None and truth.withdrawal_slope is None
        assert truth.stable_alliance == (truth.alliance_events == ())
    assert len(truths) == 200
