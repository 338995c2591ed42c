"""Writing `alliance analyze` results as they come: JSON for machines, a table for people."""

from __future__ import annotations

import json
from typing import Any, TextIO

from alliance.monitoring import ScoredEpisode, Signal


class JsonReport:
    """{"clients": [{"client_id", "signals": [...]}, ...], "summary": {...}}, streamed."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.first = True
        out.write('{"clients": [')

    def client(self, episode: ScoredEpisode, signals: list[Signal]) -> None:
        entry = {"client_id": episode.client_id, "signals": [s.as_dict() for s in signals]}
        if episode.clinician_id:
            entry["clinician_id"] = episode.clinician_id
        self.out.write(("\n" if self.first else ",\n") + json.dumps(entry))
        self.first = False

    def finish(self, summary: dict[str, Any]) -> None:
        self.out.write('\n], "summary": ' + json.dumps(summary, indent=1) + "}\n")


class TableReport:
    """One block per client with signals, one line per signal, then the summary."""

    def __init__(self, out: TextIO, *, quiet_clients: bool = False) -> None:
        self.out = out
        self.quiet_clients = quiet_clients

    def client(self, episode: ScoredEpisode, signals: list[Signal]) -> None:
        if not signals:
            return
        who = f" ({episode.clinician_id})" if episode.clinician_id else ""
        self.out.write(f"{episode.client_id}{who}: {len(signals)} signals\n")
        for s in signals:
            self.out.write(
                f"  s{s.session_number:<3} {s.severity:<7} {s.kind:<28} {s.instrument:<8} "
                f"{s.explanation}\n"
            )

    def finish(self, summary: dict[str, Any]) -> None:
        w = self.out.write
        w("\nCaseload summary\n")
        counts = ("clients", "sessions", "administrations", "rows")
        w("  " + "  ".join(f"{name} {summary[name]:,}" for name in counts) + "\n")
        w(f"  SRS completion {_percent(summary['srs_completion'])} of sessions\n")
        if summary["skipped_problems"]:
            w(f"  skipped {summary['skipped_problems']} bad rows or forms\n")
        w("\n  signal                         count  clients  share  per 100 sessions\n")
        for kind, figures in summary["signals"].items():
            w(
                f"  {kind:<28} {figures['count']:>7,} {figures['clients']:>8,} "
                f"{_percent(figures['share_of_clients']):>6} {figures['per_100_sessions']:>10}\n"
            )
        w("\n  Alliance-outcome (mean SRS of sessions 1-3 vs PHQ-9 change):\n")
        w(f"    {_correlation(summary['alliance_outcome'])}\n")
        for clinician, figures in summary.get("by_clinician", {}).items():
            w(f"    {clinician}: {_correlation(figures['alliance_outcome'])}\n")
        reference = summary["reference"]
        for instrument, fit in reference["trajectories"].items():
            how = (
                f"expected trajectories from {fit['reference_episodes']} episodes"
                if fit["method"] == "expected_trajectory"
                else "rule-based fallback (too few reference episodes)"
            )
            w(f"  not on track ({instrument}): {how}\n")


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.1f}%"


def _correlation(result: dict[str, Any]) -> str:
    benchmark = result["benchmark"]
    if result["r"] is None:
        return f"n = {result['n']}: {result.get('note', 'not enough data')}"
    ci = result["ci"]
    text = f"r = {result['r']:.3f} [{ci[0]:.3f}, {ci[1]:.3f}], n = {result['n']}"
    if result["r_partial"] is not None:
        text += f"; partial r (intake PHQ-9) = {result['r_partial']:.3f}"
    return text + f"; benchmark r = {benchmark['r']} {benchmark['ci']}"
