"""Writing `alliance analyze` results as they come: JSON for machines, a table for people.

The JSON carries every figure at full precision; the table rounds for reading.
"""

from __future__ import annotations

import json
import math
from typing import Any, TextIO

from alliance.monitoring import MonitoringConfig, ScoredEpisode, Signal, session_priorities
from alliance.monitoring.outcomes import episode_outcome

from .analyze import Analysis
from .client_figures import ClientCourse

Client = ScoredEpisode | ClientCourse  # as `analyze_file` hands a client over


def client_entry(
    episode: Client, signals: list[Signal], config: MonitoringConfig
) -> dict[str, Any]:
    """One client in the JSON: signals, one priority card per session, the episode outcome."""
    entry: dict[str, Any] = {"client_id": episode.client_id}
    if episode.clinician_id:
        entry["clinician_id"] = episode.clinician_id
    entry["signals"] = [s.as_dict() for s in signals]
    entry["sessions"] = [card.as_dict() for card in session_priorities(signals)]
    outcome = (
        episode.outcome(config)
        if isinstance(episode, ClientCourse)
        else episode_outcome(episode, config)
    )
    entry["outcome"] = outcome.as_dict()
    return entry


def dumps(value: Any, indent: int | None = None) -> str:
    """JSON that any parser reads: a figure that is not finite is written as null."""
    try:
        return json.dumps(value, indent=indent, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(value), indent=indent)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


class JsonReport:
    """{"clients": [...], "problems": [...], "notes": [...], "summary": {...}}, streamed
    client by client; nothing is written until the first client (or the end), so a file
    that cannot be read at all leaves stdout empty."""

    def __init__(self, out: TextIO, config: MonitoringConfig | None = None) -> None:
        self.out = out
        self.config = config or MonitoringConfig()
        self.started = False

    def render(self, episode: Client, signals: list[Signal]) -> str:
        """The client's entry as JSON text (in any process: it only reads)."""
        return dumps(client_entry(episode, signals, self.config))

    def write(self, text: str) -> None:
        self.out.write(('{"clients": [\n' if not self.started else ",\n") + text)
        self.started = True

    def client(self, episode: Client, signals: list[Signal]) -> None:
        self.write(self.render(episode, signals))

    def finish(self, analysis: Analysis) -> None:
        w = self.out.write
        w('{"clients": [' if not self.started else "")
        w('\n],\n"problems": ' + _lines([p.as_dict() for p in analysis.problems]))
        w(',\n"notes": ' + _lines([n.as_dict() for n in analysis.notes]))
        w(',\n"summary": ' + dumps(analysis.summary, indent=1) + "}\n")


def _lines(records: list[dict[str, Any]]) -> str:
    return "[" + ",".join("\n" + dumps(r) for r in records) + ("\n]" if records else "]")


class TableReport:
    """One block per client with signals, one line per signal, then the summary."""

    def __init__(self, out: TextIO, *, quiet_clients: bool = False) -> None:
        self.out = out
        self.quiet_clients = quiet_clients

    def render(self, episode: Client, signals: list[Signal]) -> str:
        """The client's block ("" for none), in any process: it only reads."""
        if not signals or self.quiet_clients:
            return ""
        who = f" ({episode.clinician_id})" if episode.clinician_id else ""
        lines = [f"{episode.client_id}{who}: {len(signals)} signals\n"]
        lines += [
            f"  s{s.session_number:<3} {s.severity:<7} {s.kind:<28} {s.instrument:<8} "
            f"{s.explanation}\n"
            for s in signals
        ]
        return "".join(lines)

    def write(self, text: str) -> None:
        self.out.write(text)

    def client(self, episode: Client, signals: list[Signal]) -> None:
        self.write(self.render(episode, signals))

    def finish(self, analysis: Analysis) -> None:
        summary = analysis.summary
        w = self.out.write
        w("\nCaseload summary\n")
        counts = ("clients", "sessions", "administrations", "rows")
        w("  " + "  ".join(f"{name} {summary[name]:,}" for name in counts) + "\n")
        w(f"  SRS completion {_percent(summary['srs_completion'])} of sessions\n")
        if analysis.problems:
            w(f"  left out: {len(analysis.problems)} bad rows or forms (listed on stderr)\n")
        if analysis.notes:
            w(f"  notes: {len(analysis.notes)} (listed on stderr)\n")
        w("\n  signal                         count  clients  share  per 100 sessions\n")
        for kind, figures in summary["signals"].items():
            per_100 = figures["per_100_sessions"]
            w(
                f"  {kind:<28} {figures['count']:>7,} {figures['clients']:>8,} "
                f"{_percent(figures['share_of_clients']):>6} "
                f"{'-' if per_100 is None else f'{per_100:.2f}':>10}\n"
            )
        w("\n  Alliance-outcome (mean SRS of sessions 1-3 vs change, positive = better):\n")
        for instrument, result in summary["alliance_outcome"].items():
            w(f"    {instrument.upper():<6} {_correlation(result, instrument)}\n")
        for clinician, figures in summary.get("by_clinician", {}).items():
            for instrument, result in figures["alliance_outcome"].items():
                if result["r"] is not None:
                    w(f"    {clinician} {instrument.upper()}: {_correlation(result, instrument)}\n")
        _early_warning(w, summary["not_on_track_accuracy"])
        reference = summary["reference"]
        halves = reference.get("halves", [reference])
        for number, half in enumerate(halves, start=1):
            label = f"half {number}'s reference" if len(halves) > 1 else "saved reference"
            for instrument, fit in half["trajectories"].items():
                how = (
                    f"expected trajectories from {fit['reference_episodes']} episodes"
                    if fit["method"] == "expected_trajectory"
                    else "rule-based fallback (too few reference episodes)"
                )
                w(f"  not on track ({instrument}), {label}: {how}\n")
        if len(halves) > 1:
            w("  (each client is monitored against the other half's reference)\n")


def _early_warning(w: Any, figures: dict[str, Any]) -> None:
    worse, better = figures["deteriorators"], figures["improvers"]
    measures = " or ".join(name.upper() for name in figures["outcome_measures"])
    w(f"\n  not_on_track, by how episodes ended (reliable change on {measures}):\n")
    by = ", ".join(
        f"by session {session} {_percent(share['share'])} ({share['count']})"
        for session, share in worse["flagged_by_session"].items()
    )
    ever = better["ever_flagged"]
    ever_text = f": ever flagged {_percent(ever['share'])} ({ever['count']})"
    w(f"    {worse['n']} eventual reliable deteriorators{f': flagged {by}' * bool(worse['n'])}\n")
    w(f"    {better['n']} eventual reliable improvers{ever_text * bool(better['n'])}\n")


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.1f}%"


def _correlation(result: dict[str, Any], instrument: str) -> str:
    benchmark = result["benchmark"]
    if result["r"] is None:
        return f"n = {result['n']}: {result.get('note', 'not enough data')}"
    ci = result["ci"]
    text = f"r = {result['r']:.3f} [{ci[0]:.3f}, {ci[1]:.3f}], n = {result['n']}"
    if result["r_partial"] is not None:
        text += f"; partial r (intake {instrument.upper()}) = {result['r_partial']:.3f}"
    return text + f"; benchmark r = {benchmark['r']} {benchmark['ci']}"
