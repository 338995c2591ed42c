"""The synthetic caseload generator: deterministic, valid forms, and truth that holds.

Every planted event is checked from the scored episodes themselves, since the monitoring
engine's tests will trust `ClientTruth` as the answer key.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from itertools import pairwise

import pytest

from alliance.measures import score
from alliance.monitoring.types import ScoredEpisode
from alliance.synthetic import (
    FIELDS,
    Caseload,
    ClientTruth,
    generate_caseload,
    iter_long_rows,
    write_long_csv,
)

N = 400


@pytest.fixture(scope="module")
def caseload() -> Caseload:
    return generate_caseload(N, seed=7)


def pairs(caseload: Caseload) -> list[tuple[ScoredEpisode, ClientTruth]]:
    return [(e, caseload.truth[e.client_id]) for e in caseload.episodes]


def srs(episode: ScoredEpisode) -> list[int]:
    """SRS totals in whole tenths, so comparisons never trip on binary fractions."""
    return [round(a.total * 10) for a in episode.series("srs")]


def totals(episode: ScoredEpisode, instrument: str) -> list[float]:
    return [a.total for a in episode.series(instrument)]


def test_it_is_deterministic_for_a_seed() -> None:
    first, again = generate_caseload(40, seed=5), generate_caseload(40, seed=5)
    assert list(iter_long_rows(first)) == list(iter_long_rows(again))
    assert first.truth == again.truth
    other = generate_caseload(40, seed=6)
    assert list(iter_long_rows(other)) != list(iter_long_rows(first))


def test_it_scores_every_administration_validly(caseload: Caseload) -> None:
    therapist = 0
    for episode, truth in pairs(caseload):
        assert episode.clinician_id == truth.clinician_id
        n = len(episode.series("srs"))
        assert episode.session_numbers() == list(range(1, n + 1))
        for a in episode:
            assert score(a.instrument, a.score.answers) == a.score
            assert a.date is not None
        dates = [a.date for a in episode.series("srs")]
        assert all((b - a).days == 7 for a, b in pairwise(dates))  # type: ignore[operator]
        main = truth.symptom_instrument
        assert len(episode.series(main)) == n
        if main == "phq-9":
            assert len(episode.series("gad-7")) == n and not episode.series("ors")
            for a in episode.series("phq-9"):
                assert ("10" in a.score.answers) == (a.total > 0)
        else:
            assert not episode.series("phq-9") and not episode.series("gad-7")
        assert [a.session_number for a in episode.series("wai-sr")] == [s for s in (3, 8) if s <= n]
        wai_t = episode.series("wai-sr-t", respondent="therapist")
        assert [a.session_number for a in wai_t] in ([], [3])
        therapist += bool(wai_t)
    assert 0.4 * N < therapist < 0.6 * N


def test_it_keeps_stable_clients_above_the_cutoff_and_steady(caseload: Caseload) -> None:
    stable = [(e, t) for e, t in pairs(caseload) if t.stable_alliance]
    perfect_runs = low_line = 0
    for episode, truth in stable:
        assert not truth.ruptures and truth.withdrawal_from is None
        series = srs(episode)
        assert min(series) > 360
        assert all(abs(b - a) <= 15 for a, b in pairwise(series))
        runs = "".join("P" if t == 400 else "." for t in series)
        perfect_runs += "PPP" in runs
        low_line += any(min(a.score.answers.values()) < 8 for a in episode.series("srs"))
    assert 0.04 < perfect_runs / len(stable) < 0.2
    assert low_line > 0.1 * len(stable)
    everything = [t for e, _ in stable for t in srs(e)]
    assert sum(365 <= t <= 400 for t in everything) > 0.9 * len(everything)
    # The ceiling effect: ratings drift upwards over an episode, on average.
    rises = [srs(e)[-1] - srs(e)[0] for e, _ in stable]
    assert statistics.mean(rises) > 0


def test_it_plants_ruptures_as_recorded(caseload: Caseload) -> None:
    kinds: Counter[tuple[bool, bool]] = Counter()
    for episode, truth in pairs(caseload):
        series = srs(episode)
        for rupture in truth.ruptures:
            at = rupture.session_number
            assert at >= 5
            pre, low = series[at - 2], series[at - 1]
            assert pre - low >= 50 and round(rupture.drop * 10) == pre - low
            steady = series[at - 5 : at - 1]
            assert all(abs(b - a) <= 10 for a, b in pairwise(steady))
            later = series[at:]
            if rupture.repaired:
                assert rupture.repair_session is not None
                assert 1 <= rupture.repair_session - at <= 3
                first = next(at + 1 + i for i, t in enumerate(later) if t >= pre)
                assert first == rupture.repair_session
                assert rupture.exceeds_pre == (series[first - 1] > pre)
            else:
                assert rupture.repair_session is None and not rupture.exceeds_pre
                assert all(t <= pre - 20 for t in later)
            kinds[rupture.repaired, rupture.exceeds_pre] += 1
        assert len(truth.ruptures) <= 2
    assert set(kinds) == {(True, True), (True, False), (False, False)}


def test_it_plants_withdrawals_as_recorded(caseload: Caseload) -> None:
    steps = []
    for episode, truth in pairs(caseload):
        if truth.withdrawal_from is None:
            continue
        assert not truth.ruptures and not truth.stable_alliance
        start, series = truth.withdrawal_from, srs(episode)
        assert start >= 4 and len(series) - start + 1 >= 2
        assert series[start - 2] > 360
        stretch = series[start - 1 :]
        assert max(stretch) <= 360
        assert series[start - 2] - series[start - 1] < 20
        changes = [b - a for a, b in pairwise(stretch)]
        assert all(c > -20 for c in changes)
        steps += changes
    assert statistics.mean(steps) < 0  # a gentle decline, on average


def test_it_plants_self_harm_only_where_recorded(caseload: Caseload) -> None:
    for episode, truth in pairs(caseload):
        if truth.symptom_instrument == "ors":
            assert truth.self_harm_sessions == ()
            continue
        endorsed = {a.session_number: a.score.answers["9"] for a in episode.series("phq-9")}
        flagged = tuple(s for s, v in endorsed.items() if v >= 1)
        assert flagged == truth.self_harm_sessions
        assert len(flagged) in (0, 1, 2)
        assert all(endorsed[s] in (1, 2) for s in flagged)
        assert all(
            "self_harm_risk" in a.score.flags
            for a in episode.series("phq-9")
            if a.session_number in flagged
        )
    assert sum(bool(truth.self_harm_sessions) for _, truth in pairs(caseload)) >= 2


COURSE_RULES = {
    # instrument: intake range, least improvement, least worsening, flat band (+ = better)
    "phq-9": ((10, 22), -8, 7, 3),
    "gad-7": ((8, 18), -6, 5, 2),
    "ors": ((12, 24), 8, -6, 3),
}


def test_it_gives_each_course_its_shape(caseload: Caseload) -> None:
    early_share = []
    for episode, truth in pairs(caseload):
        names = ("ors",) if truth.symptom_instrument == "ors" else ("phq-9", "gad-7")
        for name in names:
            (low, high), improve, worsen, band = COURSE_RULES[name]
            series = totals(episode, name)
            intake, last = series[0], series[-1]
            assert low <= intake <= high
            change = round(last - intake, 1)  # ORS totals are tenths: 28.2 - 20.2 != 8.0
            if truth.course == "improver":
                assert change <= improve if improve < 0 else change >= improve
                middle = series[len(series) // 2]
                early_share.append((middle - intake) / change)
            elif truth.course == "deteriorator":
                assert change >= worsen if worsen > 0 else change <= worsen
            else:
                assert all(abs(v - intake) <= band + 1e-9 for v in series)
    # Log-shaped: more than half of the improvement has come by mid-episode, on average.
    assert statistics.mean(early_share) > 0.6


def test_it_deals_roles_in_the_shares_asked(caseload: Caseload) -> None:
    truths = list(caseload.truth.values())
    assert len(truths) == N == len({t.client_id for t in truths})
    assert truths[0].client_id == "C0001" and {t.clinician_id for t in truths} == {"T01", "T02"}
    assert sum(bool(t.ruptures) for t in truths) == pytest.approx(0.2 * N, abs=2)
    assert sum(t.withdrawal_from is not None for t in truths) == pytest.approx(0.1 * N, abs=2)
    assert sum(t.stable_alliance for t in truths) == pytest.approx(0.7 * N, abs=2)
    ors = sum(t.symptom_instrument == "ors" for t in truths)
    assert ors == pytest.approx(0.25 * N, abs=2)
    assert sum(bool(t.self_harm_sessions) for t in truths) == pytest.approx(0.05 * (N - ors), abs=2)
    courses: Counter[str] = Counter(t.course for t in truths)
    for course, share in (("improver", 0.55), ("flat", 0.30), ("deteriorator", 0.15)):
        assert courses[course] == pytest.approx(share * N, abs=3)
    for t in truths:
        assert t.planted_any == (
            bool(t.ruptures) or t.withdrawal_from is not None or bool(t.self_harm_sessions)
        )
    assert sum(t.planted_any for t in truths) >= 0.3 * N


def test_it_pitches_the_wai_sr_by_the_alliance(caseload: Caseload) -> None:
    wai, alliance, uneven = [], [], 0
    for episode, _ in pairs(caseload):
        by_session = {a.session_number: a.total for a in episode.series("srs")}
        for a in episode.series("wai-sr"):
            wai.append(a.total)
            alliance.append(by_session[a.session_number])
            means = sorted(a.score.subscale_means.values())
            uneven += means[1] - means[0] >= 0.75
    assert statistics.correlation(wai, alliance) > 0.4
    assert statistics.mean(wai) > 48  # mostly "very often" to "always"
    assert 0.05 * len(wai) < uneven < 0.5 * len(wai)


def test_it_writes_a_long_csv_that_reads_back(caseload: Caseload) -> None:
    out = io.StringIO()
    written = write_long_csv(caseload, out)
    answered = sum(len(a.score.answers) for e in caseload.episodes for a in e)
    assert written == answered
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == written and tuple(rows[0]) == FIELDS
    expected = [
        (e.client_id, a.session_number, a.date, a.instrument, a.respondent, item, value)
        for e in caseload.episodes
        for a in e
        for item, value in a.score.answers.items()
    ]
    for row, wanted in zip(rows, expected, strict=True):  # loop checked: rows counted above
        client, session, date, instrument, respondent, item, value = wanted
        assert (row["client_id"], int(row["session"]), row["instrument"]) == (
            client,
            session,
            instrument,
        )
        assert row["date"] == date.isoformat()  # type: ignore[union-attr]
        assert (row["item"], row["respondent"]) == (item, respondent)
        assert float(row["value"]) == value
        assert row["clinician_id"] == caseload.truth[client].clinician_id
    # Clients contiguous, sessions in order within each.
    order = [(r["client_id"], int(r["session"])) for r in rows]
    clients = [c for i, (c, _) in enumerate(order) if i == 0 or order[i - 1][0] != c]
    assert len(clients) == len(set(clients)) == N
    assert all(a[1] <= b[1] for a, b in pairwise(order) if a[0] == b[0])


def test_it_plants_what_is_asked_in_short_or_small_caseloads() -> None:
    assert generate_caseload(0).episodes == ()
    short = generate_caseload(30, seed=2, sessions=(3, 4), rupture_share=0.5, withdrawal_share=0.5)
    planted = pairs(short)
    for episode, truth in planted:
        n = len(srs(episode))
        if truth.ruptures:
            assert n >= 6 and truth.ruptures[0].session_number < n
        if truth.withdrawal_from is not None:
            assert n >= 5 and max(srs(episode)[truth.withdrawal_from - 1 :]) <= 360
    assert len(planted) == 30
    calm = generate_caseload(20, seed=3, rupture_share=0, withdrawal_share=0, self_harm_share=0)
    assert not any(t.planted_any for t in calm.truth.values())


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_clients": -1},
        {"clinicians": 0},
        {"sessions": (5, 4)},
        {"sessions": (0, 4)},
        {"rupture_share": 1.5},
        {"rupture_share": 0.6, "withdrawal_share": 0.6},
    ],
)
def test_it_refuses_impossible_arguments(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {"n_clients": 10, **kwargs}
    with pytest.raises(ValueError):
        generate_caseload(**args)  # type: ignore[arg-type]
