"""Caseload statistics: signal counts and rates, SRS completion, alliance-outcome correlation,
and how well not_on_track warned.

Accumulated one client at a time (`CaseloadSummary.add`), so a caseload of any size is
summarised with a few numbers per client. Figures carry full precision: rounding is for
display.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np

from alliance.monitoring import SIGNAL_KINDS, MonitoringConfig, ScoredEpisode, Signal
from alliance.monitoring.config import higher_is_better
from alliance.monitoring.outcomes import InstrumentOutcome

from .early_warning import EarlyWarning, Mark, judged_outcome, marks_of

# Flückiger, Del Re, Wampold & Horvath 2018, Psychotherapy 55:316-340 (295 studies).
BENCHMARK = {"r": 0.278, "ci": [0.256, 0.299], "source": "Flückiger et al. 2018"}
EARLY_SESSIONS = 3
# The outcome measures the alliance is set beside, each change sign-aligned so that a
# positive change is an improvement whichever way the instrument runs.
OUTCOME_MEASURES = ("phq-9", "ors", "gad-7")


@dataclass(frozen=True, slots=True)
class MeasureChange:
    intake: float  # the first score
    change: float | None  # first to last, positive = improvement; None with one score


@dataclass(frozen=True, slots=True)
class ClientOutcome:
    client_id: str
    clinician_id: str | None
    early_srs_mean: float | None  # mean SRS total over the client's first three sessions
    changes: Mapping[str, MeasureChange] = field(default_factory=dict)


def improvement(instrument: str, first: float, last: float) -> float:
    """Change from first to last score, positive when the client is better."""
    return last - first if higher_is_better(instrument) else first - last


def client_outcome(episode: ScoredEpisode) -> ClientOutcome:
    sessions = episode.session_numbers()[:EARLY_SESSIONS]
    early = [a.total for a in episode.series("srs") if a.session_number in sessions]
    ends = {}
    for instrument in OUTCOME_MEASURES:
        series = episode.series(instrument)
        if series:
            ends[instrument] = (len(series), series[0].total, series[-1].total)
    return outcome_of(episode.client_id, episode.clinician_id, early, ends)


def outcome_of(
    client_id: str,
    clinician_id: str | None,
    early: Sequence[float],
    ends: Mapping[str, tuple[int, float, float]],
) -> ClientOutcome:
    """`early`: the SRS totals of the first EARLY_SESSIONS sessions, in session order;
    `ends`: per outcome measure given, (number of scores, first total, last total)."""
    changes = {}
    for instrument in OUTCOME_MEASURES:
        if instrument in ends:
            count, first, last = ends[instrument]
            moved = improvement(instrument, first, last) if count >= 2 else None
            changes[instrument] = MeasureChange(first, moved)
    return ClientOutcome(
        client_id=client_id,
        clinician_id=clinician_id,
        early_srs_mean=sum(early) / len(early) if early else None,
        changes=changes,
    )


def alliance_outcome(
    outcomes: Sequence[ClientOutcome], instrument: str = "phq-9"
) -> dict[str, Any]:
    """Pearson r of early SRS with the change on `instrument` (positive = improvement), 95% CI
    (Fisher z), and the partial r controlling for the intake score, beside the meta-analytic
    benchmark."""
    rows = []
    for o in outcomes:
        measured = o.changes.get(instrument)
        if o.early_srs_mean is not None and measured is not None and measured.change is not None:
            rows.append((o.early_srs_mean, measured.change, measured.intake))
    result: dict[str, Any] = {
        "n": len(rows), "r": None, "ci": None, "p": None,
        "r_partial": None, "r_partial_ci": None, "benchmark": BENCHMARK,
    }  # fmt: skip
    name = instrument.upper()
    if len(rows) < 4:
        result["note"] = f"fewer than 4 clients with early SRS and two {name} scores"
        return result
    data = np.asarray(rows, dtype=float)
    srs, change, intake = data[:, 0], data[:, 1], data[:, 2]
    if np.ptp(srs) == 0 or np.ptp(change) == 0:
        result["note"] = f"early SRS or {name} change does not vary: r is undefined"
        return result
    r = _pearson_r(srs, change)
    result.update(r=r, p=_two_sided_p(r, len(rows)), ci=_fisher_ci(r, len(rows), covariates=0))
    partial = _partial_r(srs, change, intake)
    if partial is not None:
        r_partial, n = partial
        result["r_partial"] = r_partial
        result["r_partial_ci"] = _fisher_ci(r_partial, n, covariates=1)
    return result


def alliance_outcomes(outcomes: Sequence[ClientOutcome]) -> dict[str, dict[str, Any]]:
    """One block per outcome measure."""
    return {instrument: alliance_outcome(outcomes, instrument) for instrument in OUTCOME_MEASURES}


# The statistics below are written with numpy and scipy.special rather than scipy.stats and
# statsmodels: those two take most of a second to import, longer than `alliance analyze`
# takes to read a file of a million rows with a saved reference. The tests hold them to
# scipy.stats.pearsonr and statsmodels' OLS.


def _pearson_r(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson r of two arrays that both vary (callers check), clipped to [-1, 1] against
    rounding."""
    xm, ym = x - x.mean(), y - y.mean()
    r = float(np.dot(xm, ym) / (np.linalg.norm(xm) * np.linalg.norm(ym)))
    return min(1.0, max(-1.0, r))


def _two_sided_p(r: float, n: int) -> float:
    """The p-value of r against no correlation: under the null, r follows a beta
    distribution on (-1, 1) with both shapes n/2 - 1 (as scipy.stats.pearsonr computes it)."""
    from scipy.special import betainc

    shape = n / 2 - 1
    return min(1.0, float(2 * betainc(shape, shape, (1 - abs(r)) / 2)))


def _partial_r(x: np.ndarray, y: np.ndarray, covariate: np.ndarray) -> tuple[float, int] | None:
    """r of x and y after removing what the covariate predicts of each (OLS residuals)."""
    if np.ptp(covariate) == 0:
        return None
    design = np.column_stack([np.ones_like(covariate), covariate])
    rx = x - design @ np.linalg.lstsq(design, x, rcond=None)[0]
    ry = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    if np.ptp(rx) < 1e-12 or np.ptp(ry) < 1e-12:
        return None
    return _pearson_r(rx, ry), len(x)


def _fisher_ci(r: float, n: int, covariates: int) -> list[float] | None:
    """95% interval by Fisher's z; for r of exactly -1 or 1 (no interval) the point."""
    freedom = n - 3 - covariates
    if freedom <= 0:
        return None
    if abs(r) >= 1:
        return [r, r] if covariates == 0 else None
    half = NormalDist().inv_cdf(0.975) / math.sqrt(freedom)
    z = math.atanh(r)
    return [math.tanh(z - half), math.tanh(z + half)]


@dataclass(frozen=True, slots=True)
class ClientCounts:
    """What the summary keeps of one client."""

    sessions: int
    sessions_with_srs: int
    administrations: int
    outcome: ClientOutcome
    judged: InstrumentOutcome | None  # the outcome not_on_track is judged against


class CaseloadSummary:
    """Counts and rates over the clients added so far."""

    def __init__(self, config: MonitoringConfig | None = None) -> None:
        self.clients = 0
        self.sessions = 0
        self.sessions_with_srs = 0
        self.administrations = 0
        self.signals: Counter[str] = Counter()
        self.clients_with: Counter[str] = Counter()
        self.outcomes: list[ClientOutcome] = []
        self.early_warning = EarlyWarning(config or MonitoringConfig())

    def add(self, episode: ScoredEpisode, signals: Sequence[Signal]) -> None:
        self.add_counts(
            ClientCounts(
                sessions=len(set(episode.session_numbers())),
                sessions_with_srs=len({a.session_number for a in episode.series("srs")}),
                administrations=len(episode.administrations),
                outcome=client_outcome(episode),
                judged=judged_outcome(episode, self.early_warning.config),
            ),
            signals,
        )

    def add_counts(self, counts: ClientCounts, signals: Sequence[Signal]) -> None:
        """One client, from figures worked out elsewhere (`add` works them out)."""
        self.add_marks(counts, marks_of(signals))

    def add_marks(self, counts: ClientCounts, marks: Sequence[Mark]) -> None:
        """One client by their figures and the kind and session of each signal."""
        self.clients += 1
        self.sessions += counts.sessions
        self.sessions_with_srs += counts.sessions_with_srs
        self.administrations += counts.administrations
        kinds = [kind for kind, _session in marks]
        self.signals.update(kinds)
        self.clients_with.update(set(kinds))
        self.outcomes.append(counts.outcome)
        self.early_warning.add_outcome(counts.judged, marks)

    def as_dict(self) -> dict[str, Any]:
        per_kind = {
            kind: {
                "count": self.signals[kind],
                "clients": self.clients_with[kind],
                "share_of_clients": _share(self.clients_with[kind], self.clients),
                "per_100_sessions": _share(100 * self.signals[kind], self.sessions),
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
            "alliance_outcome": alliance_outcomes(self.outcomes),
            "not_on_track_accuracy": self.early_warning.as_dict(),
        }
        if clinicians:
            summary["by_clinician"] = {
                clinician: {
                    "clients": sum(o.clinician_id == clinician for o in self.outcomes),
                    "alliance_outcome": alliance_outcomes(
                        [o for o in self.outcomes if o.clinician_id == clinician]
                    ),
                }
                for clinician in clinicians
            }
        return summary


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None
