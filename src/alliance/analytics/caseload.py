"""Caseload statistics: signal counts and rates, SRS completion, alliance-outcome correlation.

Accumulated one client at a time (`CaseloadSummary.add`), so a caseload of any size is
summarised with a few numbers per client.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from alliance.monitoring import SIGNAL_KINDS, ScoredEpisode, Signal

# Flückiger, Del Re, Wampold & Horvath 2018, Psychotherapy 55:316-340 (295 studies).
BENCHMARK = {"r": 0.278, "ci": [0.256, 0.299], "source": "Flückiger et al. 2018"}
EARLY_SESSIONS = 3


@dataclass(frozen=True, slots=True)
class ClientOutcome:
    client_id: str
    clinician_id: str | None
    early_srs_mean: float | None  # mean SRS total over the client's first three sessions
    phq9_intake: float | None
    phq9_change: float | None  # first minus last score: positive is improvement


def client_outcome(episode: ScoredEpisode) -> ClientOutcome:
    sessions = episode.session_numbers()[:EARLY_SESSIONS]
    early = [a.total for a in episode.series("srs") if a.session_number in sessions]
    phq9 = episode.series("phq-9")
    return ClientOutcome(
        client_id=episode.client_id,
        clinician_id=episode.clinician_id,
        early_srs_mean=sum(early) / len(early) if early else None,
        phq9_intake=phq9[0].total if phq9 else None,
        phq9_change=phq9[0].total - phq9[-1].total if len(phq9) >= 2 else None,
    )


def alliance_outcome(outcomes: Sequence[ClientOutcome]) -> dict[str, Any]:
    """Pearson r of early SRS with PHQ-9 change, 95% CI (Fisher z), and the partial r
    controlling for intake PHQ-9, beside the meta-analytic benchmark."""
    rows = [
        (o.early_srs_mean, o.phq9_change, o.phq9_intake)
        for o in outcomes
        if o.early_srs_mean is not None and o.phq9_change is not None
    ]
    result: dict[str, Any] = {
        "r": None, "n": len(rows), "ci": None, "p": None,
        "r_partial": None, "r_partial_ci": None, "benchmark": BENCHMARK,
    }  # fmt: skip
    if len(rows) < 4:
        result["note"] = "fewer than 4 clients with early SRS and two PHQ-9 scores"
        return result
    data = np.asarray(rows, dtype=float)
    srs, change, intake = data[:, 0], data[:, 1], data[:, 2]
    if np.ptp(srs) == 0 or np.ptp(change) == 0:
        result["note"] = "early SRS or PHQ-9 change does not vary: r is undefined"
        return result
    from scipy import stats

    pearson = stats.pearsonr(srs, change)
    interval = pearson.confidence_interval(confidence_level=0.95)  # Fisher z
    result.update(
        r=_round(pearson.statistic), p=_round(pearson.pvalue, 6),
        ci=[_round(interval.low), _round(interval.high)],
    )  # fmt: skip
    partial = _partial_r(srs, change, intake)
    if partial is not None:
        r_partial, n = partial
        result["r_partial"] = _round(r_partial)
        result["r_partial_ci"] = _fisher_ci(r_partial, n, covariates=1)
    return result


def _partial_r(x: np.ndarray, y: np.ndarray, covariate: np.ndarray) -> tuple[float, int] | None:
    """r of x and y after removing what the covariate predicts of each (OLS residuals)."""
    import statsmodels.api as sm
    from scipy import stats

    if np.ptp(covariate) == 0:
        return None
    design = sm.add_constant(covariate)
    rx = sm.OLS(x, design).fit().resid
    ry = sm.OLS(y, design).fit().resid
    if np.ptp(rx) < 1e-12 or np.ptp(ry) < 1e-12:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = float(stats.pearsonr(rx, ry).statistic)
    return r, len(x)


def _fisher_ci(r: float, n: int, covariates: int) -> list[float] | None:
    from scipy import stats

    freedom = n - 3 - covariates
    if freedom <= 0 or abs(r) >= 1:
        return None
    z = math.atanh(r)
    half = float(stats.norm.ppf(0.975)) / math.sqrt(freedom)
    return [_round(math.tanh(z - half)), _round(math.tanh(z + half))]


def _round(value: float, digits: int = 4) -> float:
    return round(float(value), digits)


class CaseloadSummary:
    """Counts and rates over the clients added so far."""

    def __init__(self) -> None:
        self.clients = 0
        self.sessions = 0
        self.sessions_with_srs = 0
        self.administrations = 0
        self.signals: Counter[str] = Counter()
        self.clients_with: Counter[str] = Counter()
        self.outcomes: list[ClientOutcome] = []

    def add(self, episode: ScoredEpisode, signals: Sequence[Signal]) -> None:
        self.clients += 1
        sessions = set(episode.session_numbers())
        self.sessions += len(sessions)
        self.sessions_with_srs += len({a.session_number for a in episode.series("srs")})
        self.administrations += len(episode.administrations)
        kinds = [s.kind for s in signals]
        self.signals.update(kinds)
        self.clients_with.update(set(kinds))
        self.outcomes.append(client_outcome(episode))

    def as_dict(self) -> dict[str, Any]:
        per_kind = {
            kind: {
                "count": self.signals[kind],
                "clients": self.clients_with[kind],
                "share_of_clients": _share(self.clients_with[kind], self.clients),
                "per_100_sessions": _share(100 * self.signals[kind], self.sessions, 2),
            }
            for kind in SIGNAL_KINDS
        }
        clinicians = sorted({o.clinician_id for o in self.outcomes if o.clinician_id})
        summary: dict[str, Any] = {
            "clients": self.clients,
            "sessions": self.sessions,
            "administrations": self.administrations,
            "srs_completion": _share(self.sessions_with_srs, self.sessions),
            "signals": per_kind,
            "alliance_outcome": alliance_outcome(self.outcomes),
        }
        if clinicians:
            summary["by_clinician"] = {
                clinician: {
                    "clients": sum(o.clinician_id == clinician for o in self.outcomes),
                    "alliance_outcome": alliance_outcome(
                        [o for o in self.outcomes if o.clinician_id == clinician]
                    ),
                }
                for clinician in clinicians
            }
        return summary


def _share(part: float, whole: float, digits: int = 4) -> float | None:
    return round(part / whole, digits) if whole else None
