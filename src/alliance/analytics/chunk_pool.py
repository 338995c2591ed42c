"""The second pass of `alliance analyze` in columns, chunk by chunk, on every core.

Monitoring a chunk's clients is most of a run's time and needs nothing but the chunk, the
reference and the settings, so forked workers take the chunks while this process writes the
report: the clients come back in file order, and the caseload summary and the report see
exactly what one process would have given them. At most a few chunks are in flight, so
memory stays bounded however long the file. Clients the row reader must read (`slow`) are
left to this process: their problems and notes are reported in file order, as the row path
reports them.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from alliance.monitoring import MonitoringConfig, ScoredEpisode, Signal

from .caseload import ClientCounts
from .client_figures import ChunkFigures, ClientCourse
from .client_signals import ChunkSignals
from .cross_fit import AnyReference, reference_for
from .early_warning import Mark, marks_of
from .file_rows import Fields
from .forms import Table


class Renderer(Protocol):
    """A report that turns a client into text anywhere (`render`, in a worker) and writes it
    here (`write`): the text is most of a report's work."""

    def render(self, client: ScoredEpisode | ClientCourse, signals: list[Signal]) -> str: ...

    def write(self, text: str) -> None: ...


@dataclass(slots=True)
class Gathered:
    """What the first pass keeps of a chunk for the second."""

    clients: list[str]
    clinicians: list[str | None]
    rows: list[int]  # per client
    slow: dict[int, list[tuple[int, Fields]]]  # client -> its rows as text, for the row reader
    tables: dict[str, Table]


# A chunk travels pickled, as the first pass spilled it: a worker unpickles it itself.
Chunk = bytes

# Chunks handed out ahead of the one being reported: enough to keep every worker busy.
AHEAD_PER_WORKER = 2


@dataclass(slots=True)
class Monitored:
    """A fast client, monitored: what the summary takes, and the report's text where there is
    a renderer, else the client and signals for the caller."""

    counts: ClientCounts
    marks: list[Mark]
    text: str | None
    course: ClientCourse | None
    signals: list[Signal] | None


def monitor_chunk(
    chunk: Chunk,
    reference: AnyReference,
    config: MonitoringConfig,
    renderer: Renderer | None = None,
) -> tuple[Gathered, list[Monitored | None]]:
    """The chunk (its tables left out) and each of its clients monitored, in order; None for
    a client the row reader reads."""
    part: Gathered = pickle.loads(chunk)
    clients, clinicians, tables = part.clients, part.clinicians, part.tables
    models = [reference_for(reference, client_id) for client_id in clients]
    signals = ChunkSignals(tables, len(clients), models, config)
    figures = ChunkFigures(tables, len(clients))
    found: list[Monitored | None] = []
    for k, client_id in enumerate(clients):
        if k in part.slow:
            found.append(None)
            continue
        counts, course = figures.counts(k, client_id, clinicians[k], config)
        found_signals = signals.signals(k, client_id)
        marks = marks_of(found_signals)
        if renderer is None:
            found.append(Monitored(counts, marks, None, course, found_signals))
        else:
            found.append(
                Monitored(counts, marks, renderer.render(course, found_signals), None, None)
            )
    part.tables = {}  # done with: not sent back
    return part, found


# What the forked workers monitor with: set before the pool forks, so never pickled.
_shared: tuple[AnyReference, MonitoringConfig, Renderer | None] | None = None


def _work(chunk: Chunk) -> Any:
    assert _shared is not None
    return monitor_chunk(chunk, *_shared)


def workers() -> int:
    """Processes to monitor with besides this one: none on one core, or where forking is not
    safe (the numerical libraries may not survive it off Linux)."""
    if not sys.platform.startswith("linux"):
        return 0
    cores = len(os.sched_getaffinity(0))
    return cores if cores >= 2 else 0


def monitored_chunks(
    chunks: Iterator[Chunk],
    reference: AnyReference,
    config: MonitoringConfig,
    renderer: Renderer | None = None,
) -> Iterator[tuple[Gathered, list[Monitored | None]]]:
    """`monitor_chunk` of each chunk, in order: in forked workers where there are cores to
    spare, else here."""
    global _shared
    count = workers()
    pool = None
    if count:
        _shared = (reference, config, renderer)
        try:
            pool = multiprocessing.get_context("fork").Pool(count)
        except OSError:  # no process to spare: all here
            pass
        finally:
            _shared = None
    if pool is None:
        for chunk in chunks:
            yield monitor_chunk(chunk, reference, config, renderer)
        return
    with pool:
        pending: deque[Any] = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(_work, (chunk,)))
            if len(pending) > AHEAD_PER_WORKER * count:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
