"""Signal quality of the monitoring engine on a realistic caseload with known truth.

Generates a clinic-like caseload (`generate_clinic_caseload`: SRS totals at the ceiling,
ruptures, slow withdrawals, relapses and deteriorations planted in realistic noise), runs the
engine on every client against a cross-fitted reference (expected trajectories and pooled SRS
SD fitted on one half of the clients, used to monitor the other half, and the other way
round, so no client is judged by a model fitted with its own data), and prints each figure
beside its target with PASS or MISS. Quality figures, not timings: nothing here is asserted.

Reuse: `measure(caseload, config)` returns the figures as a dict; `figures(caseload,
signals)` computes them from signals obtained any other way; `verdicts(figures)` pairs them
with the targets.
Run: python bench/bench_signals.py [--clients 500] [--sessions 12] [--seed 2026]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from alliance.measures import get_definition
from alliance.monitoring import MonitoringConfig, ScoredEpisode, Signal, monitor_episode
from alliance.monitoring.trajectory import reference_from_episodes
from alliance.synthetic import Caseload, ClientTruth
from alliance.synthetic_clinic import generate_clinic_caseload

# Warnings a site is mandated to raise whatever the noise: not counted as false alarms.
MANDATED = ("alliance_concern", "self_harm_risk")
NOT_ON_TRACK_BY = (3, 4, 6)

# (figure, comparison, target, label)
TARGETS: tuple[tuple[str, str, float, str], ...] = (
    ("stable_warnings_per_100", "<=", 10.0, "stable clients: warnings per 100 sessions"),
    ("stable_with_rupture", "<=", 0.10, "stable clients with any possible_rupture"),
    ("ruptures_found", ">=", 0.80, "planted ruptures found at their session"),
    ("withdrawal_median_lag", "<=", 3.0, "withdrawals: median sessions to first warning"),
    ("deteriorators_not_on_track_by_4", ">=", 0.75, "deteriorators not_on_track by session 4"),
    ("improvers_ever_not_on_track", "<=", 0.05, "improvers ever flagged not_on_track"),
)


def cross_fitted_signals(
    caseload: Caseload,
    config: MonitoringConfig | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, list[Signal]]:
    """Every client's signals, each monitored against a reference fitted on the other half.
    `timings`, if given, gets the seconds spent fitting and monitoring."""
    config = config or MonitoringConfig()
    episodes = caseload.episodes
    halves = (episodes[0::2], episodes[1::2])
    signals: dict[str, list[Signal]] = {}
    spent = {"fit": 0.0, "monitor": 0.0}
    for fitted_on, monitored in ((halves[0], halves[1]), (halves[1], halves[0])):
        began = time.perf_counter()
        reference = reference_from_episodes(fitted_on, config)
        fitted = time.perf_counter()
        spent["fit"] += fitted - began
        for episode in monitored:
            signals[episode.client_id] = monitor_episode(
                episode,
                config,
                trajectories=reference.trajectories,
                pooled_srs_sd=reference.pooled_srs_sd,
            )
        spent["monitor"] += time.perf_counter() - fitted
    if timings is not None:
        timings.update(spent)
    return signals


def measure(caseload: Caseload, config: MonitoringConfig | None = None) -> dict[str, Any]:
    """All the figures for `caseload` under `config`, with the cross-fitted reference."""
    return figures(caseload, cross_fitted_signals(caseload, config))


def realism(episodes: Sequence[ScoredEpisode]) -> dict[str, float]:
    """How the caseload's SRS looks: mean, share at 40, share at or below the cutoff, and the
    median over clients of the SD of their own session-to-session changes."""
    cutoff = get_definition("srs").cutoffs["alliance_concern"]
    totals, sds = [], []
    for episode in episodes:
        series = [a.total for a in episode.series("srs")]
        totals += series
        changes = [round(b - a, 1) for a, b in pairwise(series)]
        if len(changes) >= 2:
            sds.append(statistics.stdev(changes))
    return {
        "srs_mean": statistics.fmean(totals),
        "srs_share_at_40": sum(t >= 40.0 for t in totals) / len(totals),
        "srs_share_at_or_below_cutoff": sum(t <= cutoff for t in totals) / len(totals),
        "srs_cutoff": cutoff,
        "srs_median_change_sd": statistics.median(sds),
    }


def figures(caseload: Caseload, signals: dict[str, list[Signal]]) -> dict[str, Any]:
    """The quality figures from each client's signals (keyed by client id)."""
    pairs = [(e, caseload.truth[e.client_id], signals[e.client_id]) for e in caseload.episodes]
    out: dict[str, Any] = {"clients": len(pairs), **realism(caseload.episodes)}
    out.update(_stable(pairs))
    out.update(_ruptures(pairs))
    out.update(_withdrawals(pairs))
    out.update(_symptoms(pairs))
    return out


Pair = tuple[ScoredEpisode, ClientTruth, list[Signal]]


def _share(hits: int, of: int) -> float | None:
    return hits / of if of else None


def _counted(signals: list[Signal]) -> list[Signal]:
    return [s for s in signals if s.severity == "warning" and s.kind not in MANDATED]


def _stable(pairs: list[Pair]) -> dict[str, Any]:
    stable = [(e, found) for e, t, found in pairs if t.stable_alliance]
    sessions = sum(len(e.session_numbers()) for e, _ in stable)
    kinds: Counter[str] = Counter(s.kind for _, found in stable for s in _counted(found))
    # Stable alliance and a symptom course with nothing to report (improving or flat): here
    # every counted warning is a false alarm.
    quiet = [(e, found) for e, t, found in pairs
             if t.stable_alliance and t.course in ("improver", "flat")]  # fmt: skip
    quiet_sessions = sum(len(e.session_numbers()) for e, _ in quiet)
    quiet_warnings = sum(len(_counted(found)) for _, found in quiet)
    mandated: Counter[str] = Counter(
        s.kind for _, found in stable for s in found
        if s.severity in ("warning", "urgent") and s.kind in MANDATED
    )  # fmt: skip
    per_100 = 100 / sessions if sessions else 0.0
    ruptured = sum(any(s.kind == "possible_rupture" for s in found) for _, found in stable)
    return {
        "stable_clients": len(stable),
        "stable_sessions": sessions,
        "stable_warnings_per_100": sum(kinds.values()) * per_100,
        "stable_warnings_by_kind": {k: v * per_100 for k, v in kinds.most_common()},
        "stable_mandated_by_kind": {k: v * per_100 for k, v in mandated.most_common()},
        "stable_with_rupture": _share(ruptured, len(stable)),
        "quiet_clients": len(quiet),
        "quiet_warnings_per_100": 100 * quiet_warnings / quiet_sessions if quiet_sessions else 0.0,
    }


def _ruptures(pairs: list[Pair]) -> dict[str, Any]:
    planted = found = repaired = said_repaired = unrepaired = said_unrepaired = 0
    for _, truth, signals in pairs:
        at = {s.session_number: s for s in signals if s.kind == "possible_rupture"}
        for rupture in truth.ruptures:
            planted += 1
            signal = at.get(rupture.session_number)
            found += signal is not None
            said = bool(signal is not None and signal.evidence.get("repaired"))
            if rupture.repaired:
                repaired += 1
                said_repaired += said
            else:
                unrepaired += 1
                said_unrepaired += signal is not None and not said
    return {
        "ruptures_planted": planted,
        "ruptures_found": _share(found, planted),
        "ruptures_repaired": repaired,
        "repaired_said_repaired": _share(said_repaired, repaired),
        "unrepaired_said_unrepaired": _share(said_unrepaired, unrepaired),
    }


def _withdrawals(pairs: list[Pair]) -> dict[str, Any]:
    lags: list[float] = []
    kinds: Counter[str] = Counter()
    for _, truth, signals in pairs:
        start = truth.withdrawal_from
        if start is None:
            continue
        first = next(
            (s for s in signals if s.severity == "warning" and s.session_number >= start), None
        )
        lags.append(float("inf") if first is None else first.session_number - start)
        if first is not None:
            kinds[first.kind] += 1
    found = [lag for lag in lags if lag != float("inf")]
    # Over all withdrawals, a missed one counting as never: a median over the found alone
    # would look good for an engine that finds few.
    median_all = statistics.median(lags) if lags else None
    return {
        "withdrawals": len(lags),
        "withdrawal_median_lag": None if median_all == float("inf") else median_all,
        "withdrawal_median_lag_found": statistics.median(found) if found else None,
        "withdrawals_found": _share(len(found), len(lags)),
        "withdrawal_first_warning_kinds": dict(kinds.most_common()),
    }


def _symptoms(pairs: list[Pair]) -> dict[str, Any]:
    def flagged(signals: list[Signal], by: int | None = None) -> bool:
        return any(
            s.kind == "not_on_track" and (by is None or s.session_number <= by) for s in signals
        )

    worse = [found for _, t, found in pairs if t.outcome == "reliable_deterioration"]
    better = [found for _, t, found in pairs if t.course == "improver"]
    out: dict[str, Any] = {"deteriorators": len(worse), "improvers": len(better)}
    for by in NOT_ON_TRACK_BY:
        out[f"deteriorators_not_on_track_by_{by}"] = _share(
            sum(flagged(f, by) for f in worse), len(worse)
        )
    out["improvers_ever_not_on_track"] = _share(sum(flagged(f) for f in better), len(better))
    relapses = [(t.relapse_session, found) for _, t, found in pairs if t.relapse_session]
    out["relapses"] = len(relapses)
    out["relapses_warned"] = _share(
        sum(
            any(
                s.severity == "warning" and s.kind not in MANDATED and s.session_number >= at
                for s in found
            )
            for at, found in relapses
        ),
        len(relapses),
    )
    return out


def verdicts(figures: dict[str, Any]) -> list[tuple[str, float | None, str, bool]]:
    """(label, value, target text, passed) for each target; a missing value misses."""
    rows = []
    for name, comparison, target, label in TARGETS:
        value = figures.get(name)
        passed = value is not None and (value <= target if comparison == "<=" else value >= target)
        rows.append((label, value, f"{comparison} {_fmt(name, target)}", passed))
    return rows


def _fmt(name: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    is_share = not (name.endswith(("per_100", "lag")) or name.startswith("srs_"))
    return f"{value:.1%}" if is_share else f"{value:.2f}"


def report(figures: dict[str, Any]) -> list[str]:
    f = figures
    lines = [
        f"realism ({f['clients']} clients): SRS mean {f['srs_mean']:.2f}; "
        f"at 40 {f['srs_share_at_40']:.1%}; at or below {f['srs_cutoff']:g} "
        f"{f['srs_share_at_or_below_cutoff']:.1%}; median within-client SD of "
        f"session-to-session changes {f['srs_median_change_sd']:.2f}",
        f"stable clients: {f['stable_clients']} ({f['stable_sessions']} sessions); warnings "
        f"per 100 sessions (not counting {', '.join(MANDATED)}): "
        f"{f['stable_warnings_per_100']:.2f}",
    ]
    lines += [f"  {kind:<30} {v:6.2f}" for kind, v in f["stable_warnings_by_kind"].items()]
    mandated = ", ".join(f"{k} {v:.2f}" for k, v in f["stable_mandated_by_kind"].items())
    lines.append(f"  mandated, per 100 sessions (not counted): {mandated or 'none'}")
    lines.append(
        f"  of them with an improving or flat symptom course ({f['quiet_clients']} clients, "
        f"where every counted warning is a false alarm): {f['quiet_warnings_per_100']:.2f}"
    )
    lines += [
        f"stable clients with any possible_rupture: {_fmt('', f['stable_with_rupture'])}",
        f"planted ruptures: {f['ruptures_planted']}; found at their session "
        f"{_fmt('', f['ruptures_found'])}; repaired ones ({f['ruptures_repaired']}) with "
        f"evidence repaired {_fmt('', f['repaired_said_repaired'])}; unrepaired ones found "
        f"and said unrepaired {_fmt('', f['unrepaired_said_unrepaired'])}",
        f"withdrawals: {f['withdrawals']}; found {_fmt('', f['withdrawals_found'])}; median "
        f"sessions from start to first warning {_fmt('lag', f['withdrawal_median_lag'])} "
        f"(missed ones as never), {_fmt('lag', f['withdrawal_median_lag_found'])} over those "
        f"found; first warning by kind {f['withdrawal_first_warning_kinds'] or 'none'}",
        f"deteriorators (reliable deterioration by the end): {f['deteriorators']}; "
        + "; ".join(
            f"not_on_track by session {by} {_fmt('', f[f'deteriorators_not_on_track_by_{by}'])}"
            for by in NOT_ON_TRACK_BY
        ),
        f"improvers: {f['improvers']}; ever flagged not_on_track "
        f"{_fmt('', f['improvers_ever_not_on_track'])}",
        f"relapses: {f['relapses']}; a warning at or after the relapse session "
        f"{_fmt('', f['relapses_warned'])}",
        "",
        f"{'figure':<48} {'value':>8} {'target':>9}",
    ]
    for (name, *_), (label, value, target, passed) in zip(TARGETS, verdicts(f), strict=True):
        verdict = "PASS" if passed else "MISS"
        lines.append(f"{label:<48} {_fmt(name, value):>8} {target:>9}  {verdict}")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--sessions", type=int, default=12)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    caseload = generate_clinic_caseload(args.clients, seed=args.seed, sessions=args.sessions)
    generated = time.perf_counter()
    timings: dict[str, float] = {}
    signals = cross_fitted_signals(caseload, timings=timings)
    print(f"caseload: {args.clients} clients x {args.sessions} sessions, seed {args.seed}")
    for line in report(figures(caseload, signals)):
        print(line)
    print(
        f"run time: {time.perf_counter() - began:.2f} s (generate {generated - began:.2f} s, "
        f"fit references {timings['fit']:.2f} s, monitor {timings['monitor']:.2f} s)"
    )


if __name__ == "__main__":
    main()
