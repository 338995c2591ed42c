"""`alliance analyze`: a long-format caseload file in, signals per client and a summary out.

Two passes, each one client at a time. The first reads only as many clients as the
expected-trajectory fit uses (config.trajectory_max_episodes, the first ones in the file)
to build the caseload's reference; the second monitors every client against it. With a
saved reference the first pass is skipped. Memory is that of one client plus a few
numbers per client for the summary, whatever the length of the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alliance.monitoring import MonitoringConfig, ScoredEpisode, Signal, monitor_episode
from alliance.monitoring.config import SYMPTOM_INSTRUMENTS
from alliance.monitoring.trajectory import Reference, reference_from_episodes

from .caseload import CaseloadSummary
from .long_format import InputError, open_rows, read_clients

OnClient = Callable[[ScoredEpisode, list[Signal]], None]
OnProblem = Callable[[InputError], None]
Progress = Callable[[int, int], None]  # rows read, clients done


def build_reference(path: Path, config: MonitoringConfig) -> Reference:
    """Fit expected trajectories and the pooled SRS SD from the first clients of a file."""
    wanted = config.trajectory_max_episodes
    episodes: list[ScoredEpisode] = []
    usable = dict.fromkeys(SYMPTOM_INSTRUMENTS, 0)
    # Bad rows are left for the main pass to report (or stop on); the reference just
    # does without them.
    blocks = read_clients(open_rows(path), on_problem=lambda _problem: None)
    for clients, block in enumerate(blocks, start=1):
        episodes.append(block.episode)
        for instrument in usable:
            usable[instrument] += len(block.episode.series(instrument)) >= 3
        if clients >= 2 * wanted or all(n >= wanted for n in usable.values()):
            break
    return reference_from_episodes(episodes, config)


def analyze_file(
    path: Path,
    *,
    config: MonitoringConfig | None = None,
    reference: Reference | None = None,
    skip_invalid: bool = False,
    on_client: OnClient | None = None,
    on_problem: OnProblem | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Monitor every client in `path`; return the caseload summary.

    Without `skip_invalid` the first bad row raises `InputError`; with it, each bad row
    or form goes to `on_problem` and is left out.
    """
    config = config or MonitoringConfig()
    if reference is None:
        reference = build_reference(path, config)
    problems = 0

    def report(problem: InputError) -> None:
        nonlocal problems
        problems += 1
        if on_problem is not None:
            on_problem(problem)

    summary = CaseloadSummary()
    rows = 0
    for block in read_clients(open_rows(path), on_problem=report if skip_invalid else None):
        signals = monitor_episode(
            block.episode,
            config,
            trajectories=reference.trajectories,
            pooled_srs_sd=reference.pooled_srs_sd,
        )
        if block.alerts:
            signals = sorted(
                [*signals, *block.alerts], key=lambda s: (s.session_number, s.severity != "urgent")
            )
        summary.add(block.episode, signals)
        rows += block.rows
        if on_client is not None:
            on_client(block.episode, signals)
        if progress is not None:
            progress(rows, summary.clients)
    result = summary.as_dict()
    result["rows"] = rows
    result["skipped_problems"] = problems
    result["reference"] = reference.describe()
    return result
