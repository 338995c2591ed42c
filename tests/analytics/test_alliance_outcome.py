"""The alliance-outcome statistics against an independent computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alliance.analytics.caseload import BENCHMARK, ClientOutcome, alliance_outcome


def outcomes(n: int, seed: int = 3, clinician: str | None = None) -> list[ClientOutcome]:
    rng = np.random.default_rng(seed)
    intake = rng.integers(8, 24, n).astype(float)
    srs = np.clip(rng.normal(36, 2.5, n), 20, 40)
    change = 0.6 * (srs - 36) + 0.3 * (intake - 15) + rng.normal(0, 3, n)
    return [
        ClientOutcome(f"C{i}", clinician, float(s), float(k), float(c))
        for i, (s, k, c) in enumerate(zip(srs, intake, change, strict=True))
    ]


def test_it_matches_pearson_r_and_a_fisher_z_interval_computed_by_hand() -> None:
    data = outcomes(120)
    result = alliance_outcome(data)
    x = np.array([o.early_srs_mean for o in data])
    y = np.array([o.phq9_change for o in data])
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
    y = np.array([o.phq9_change for o in data])
    z = np.array([o.phq9_intake for o in data])
    rxy, rxz, ryz = (np.corrcoef(a, b)[0, 1] for a, b in ((x, y), (x, z), (y, z)))
    partial = (rxy - rxz * ryz) / math.sqrt((1 - rxz**2) * (1 - ryz**2))
    assert result["r_partial"] == pytest.approx(partial, abs=1e-4)
    half = 1.959963984540054 / math.sqrt(150 - 4)  # one covariate
    low, high = result["r_partial_ci"]
    assert low == pytest.approx(math.tanh(math.atanh(partial) - half), abs=1e-4)
    assert high == pytest.approx(math.tanh(math.atanh(partial) + half), abs=1e-4)


def test_it_leaves_out_clients_without_early_srs_or_two_phq9_scores() -> None:
    data = [*outcomes(10), ClientOutcome("X", None, None, 12.0, 3.0),
            ClientOutcome("Y", None, 38.0, 12.0, None)]  # fmt: skip
    assert alliance_outcome(data)["n"] == 10


def test_it_reports_no_r_for_too_few_or_constant_data() -> None:
    assert alliance_outcome(outcomes(3))["r"] is None
    flat = [ClientOutcome(f"C{i}", None, 38.0, 15.0, float(i)) for i in range(10)]
    result = alliance_outcome(flat)
    assert result["r"] is None and "does not vary" in result["note"]


def test_it_finds_the_alliance_outcome_link_planted_in_a_generated_caseload() -> None:
    from alliance.analytics.caseload import client_outcome
    from alliance.synthetic import generate_caseload

    caseload = generate_caseload(800, seed=8)
    result = alliance_outcome([client_outcome(e) for e in caseload.episodes])
    assert result["n"] == 600  # the PHQ-9 clients (a quarter fill the ORS instead)
    assert result["ci"][0] > 0.05 and 0.15 < result["r"] < 0.45
