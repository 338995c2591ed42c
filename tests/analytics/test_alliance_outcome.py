"""The alliance-outcome statistics against an independent computation, one block per outcome
measure (PHQ-9, ORS, GAD-7), each change signed so that positive is improvement."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alliance.analytics.caseload import (
    BENCHMARK,
    ClientOutcome,
    MeasureChange,
    alliance_outcome,
    client_outcome,
)


def outcome(
    client: str, srs: float | None, intake: float, change: float | None, measure: str = "phq-9"
) -> ClientOutcome:
    return ClientOutcome(client, None, srs, {measure: MeasureChange(intake, change)})


def outcomes(n: int, seed: int = 3) -> list[ClientOutcome]:
    rng = np.random.default_rng(seed)
    intake = rng.integers(8, 24, n).astype(float)
    srs = np.clip(rng.normal(36, 2.5, n), 20, 40)
    change = 0.6 * (srs - 36) + 0.3 * (intake - 15) + rng.normal(0, 3, n)
    return [
        outcome(f"C{i}", float(s), float(k), float(c))
        for i, (s, k, c) in enumerate(zip(srs, intake, change, strict=True))
    ]


def test_it_matches_pearson_r_and_a_fisher_z_interval_computed_by_hand() -> None:
    data = outcomes(120)
    result = alliance_outcome(data)
    x = np.array([o.early_srs_mean for o in data])
    y = np.array([o.changes["phq-9"].change for o in data])
    r = float(np.corrcoef(x, y)[0, 1])
    half = 1.959963984540054 / math.sqrt(len(data) - 3)
    ci = [math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half)]
    assert result["n"] == 120
    assert result["r"] == pytest.approx(r, abs=1e-4)
    assert result["ci"] == pytest.approx(ci, abs=1e-4)
    assert result["benchmark"] == BENCHMARK == {
        "r": 0.278, "ci": [0.256, 0.299], "source": "Flückiger et al. 2018",
    }  # fmt: skip


def test_it_matches_the_first_order_partial_correlation_formula() -> None:
    data = outcomes(150, seed=11)
    result = alliance_outcome(data)
    x = np.array([o.early_srs_mean for o in data])
    y = np.array([o.changes["phq-9"].change for o in data])
    z = np.array([o.changes["phq-9"].intake for o in data])
    rxy, rxz, ryz = (np.corrcoef(a, b)[0, 1] for a, b in ((x, y), (x, z), (y, z)))
    partial = (rxy - rxz * ryz) / math.sqrt((1 - rxz**2) * (1 - ryz**2))
    assert result["r_partial"] == pytest.approx(partial, abs=1e-4)
    half = 1.959963984540054 / math.sqrt(150 - 4)  # one covariate
    low, high = result["r_partial_ci"]
    assert low == pytest.approx(math.tanh(math.atanh(partial) - half), abs=1e-4)
    assert high == pytest.approx(math.tanh(math.atanh(partial) + half), abs=1e-4)


def test_it_leaves_out_clients_without_early_srs_or_two_phq9_scores() -> None:
    data = [*outcomes(10), outcome("X", None, 12.0, 3.0), outcome("Y", 38.0, 12.0, None)]
    assert alliance_outcome(data)["n"] == 10


def test_it_reports_no_r_for_too_few_or_constant_data() -> None:
    assert alliance_outcome(outcomes(3))["r"] is None
    flat = [outcome(f"C{i}", 38.0, 15.0, float(i)) for i in range(10)]
    result = alliance_outcome(flat)
    assert result["r"] is None and "does not vary" in result["note"]


def test_it_finds_the_alliance_outcome_link_planted_in_a_generated_caseload() -> None:
    from alliance.synthetic import generate_caseload

    caseload = generate_caseload(800, seed=8)
    result = alliance_outcome([client_outcome(e) for e in caseload.episodes])
    assert result["n"] == 600  # the PHQ-9 clients (a quarter fill the ORS instead)
    assert result["ci"][0] > 0.05 and 0.15 < result["r"] < 0.45


def test_it_signs_each_change_so_that_positive_is_improvement() -> None:
    from alliance.measures import score
    from alliance.monitoring import ScoredAdministration, ScoredEpisode

    def form(session: int, instrument: str, value: float, items: int) -> ScoredAdministration:
        answers = {str(n): value for n in range(1, items + 1)}
        return ScoredAdministration(session, instrument, score(instrument, answers))

    # PHQ-9 18 -> 9 (lower is better), ORS 20 -> 32 (higher is better): both improvements.
    episode = ScoredEpisode.of("C1", [form(1, "phq-9", 2, 9), form(4, "phq-9", 1, 9),
                                      form(1, "ors", 5, 4), form(4, "ors", 8, 4)])  # fmt: skip
    changes = client_outcome(episode).changes
    assert changes["phq-9"] == MeasureChange(18.0, 9.0)
    assert changes["ors"] == MeasureChange(20.0, 12.0)
    assert "gad-7" not in changes


def test_it_keeps_each_outcome_measure_apart() -> None:
    phq9 = outcomes(60, seed=5)
    ors = [
        outcome(f"O{i}", o.early_srs_mean, 40 - c.intake, c.change, measure="ors")
        for i, o in enumerate(outcomes(50, seed=6))
        for c in [o.changes["phq-9"]]
    ]
    both = [*phq9, *ors]
    assert alliance_outcome(both, "phq-9") == alliance_outcome(phq9, "phq-9")
    assert alliance_outcome(both, "ors")["n"] == 50
    assert alliance_outcome(both, "ors")["r"] == pytest.approx(
        alliance_outcome(outcomes(50, seed=6))["r"], abs=1e-12
    )
    assert alliance_outcome(both, "gad-7")["n"] == 0


def test_it_reports_figures_at_full_precision() -> None:
    result = alliance_outcome(outcomes(120))
    x = np.array([o.early_srs_mean for o in outcomes(120)])
    y = np.array([o.changes["phq-9"].change for o in outcomes(120)])
    assert result["r"] == pytest.approx(float(np.corrcoef(x, y)[0, 1]), abs=1e-12)
    assert result["r"] != round(result["r"], 4)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("n", [4, 5, 12, 300])
def test_it_gives_what_scipy_stats_and_statsmodels_give(seed: int, n: int) -> None:
    """The figures are computed without scipy.stats and statsmodels (slow to import): held
    here to both, on data with and without a link."""
    from scipy import stats
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    data = outcomes(n, seed=seed)
    result = alliance_outcome(data)
    x = np.array([o.early_srs_mean for o in data])
    y = np.array([o.changes["phq-9"].change for o in data])
    z = np.array([o.changes["phq-9"].intake for o in data])
    pearson = stats.pearsonr(x, y)
    interval = pearson.confidence_interval(confidence_level=0.95)
    assert result["r"] == pytest.approx(float(pearson.statistic), abs=1e-12)
    assert result["p"] == pytest.approx(float(pearson.pvalue), rel=1e-9, abs=1e-15)
    assert result["ci"] == pytest.approx([float(interval.low), float(interval.high)], abs=1e-12)
    design = add_constant(z)
    residuals = OLS(x, design).fit().resid, OLS(y, design).fit().resid
    partial = float(stats.pearsonr(*residuals).statistic)
    assert result["r_partial"] == pytest.approx(partial, abs=1e-9)


def test_a_perfect_correlation_has_p_zero_and_a_point_interval() -> None:
    data = [outcome(f"C{i}", 30.0 + i, 10.0 + (i % 3), 2.0 * i) for i in range(8)]
    result = alliance_outcome(data)
    assert result["r"] == pytest.approx(1.0)
    assert result["p"] == pytest.approx(0.0, abs=1e-12)
    assert result["ci"] == pytest.approx([1.0, 1.0])
