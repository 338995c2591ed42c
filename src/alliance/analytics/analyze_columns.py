"""`alliance analyze` in columns: the same analysis as the row path, the work per row in arrays.

Two passes, as the row path's, but the file is read once. The first reads it a chunk of
whole clients at a time (`columns`), scores each chunk's forms per instrument in arrays
(`forms`), feeds the reference sampler, and keeps what it gathered in an anonymous temporary
file (gone when the run ends, whatever happens); the second takes the chunks back, one at a
time, and monitors each client against the other half's reference (`client_signals`). So
memory holds one chunk (a few MiB of text and its arrays), the sample, and a few numbers per
client for the summary, however long the file.

A client whose rows the arrays cannot vouch for (anything the row reader would report, or a
row in a form they do not read) is read by the row reader, from its rows as text, and
monitored as the row path monitors: its problems and notes come in the same words and the
same order. A file whose shape needs the csv module's judgement raises `NotColumnar` before
anything is reported, and the caller reads it with the row path.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import numpy as np

from alliance.monitoring import MonitoringConfig, ScoredEpisode, Signal, monitor_episode
from alliance.monitoring.config import SYMPTOM_INSTRUMENTS
from alliance.monitoring.priority import pressing_order

from .caseload import CaseloadSummary
from .chunk_pool import Chunk, Gathered, Monitored, Renderer, monitored_chunks
from .client_figures import ChunkFigures, ClientCourse
from .columns import Layout, read_chunks, read_layout
from .cross_fit import AnyReference, CrossFittedReference, ReferenceSampler, reference_for
from .file_rows import Fields, InputError, Note
from .fitters import Fitters
from .forms import gather_forms
from .long_format import ClientBlock, read_clients

OnClient = Callable[[ScoredEpisode | ClientCourse, list[Signal]], None]
Handlers = tuple[Callable[[InputError], None], Callable[[Note], None]]


def gather(path: Path, layout: Layout) -> Iterator[Gathered]:
    for chunk in read_chunks(path, layout):
        forms = gather_forms(chunk)
        slow = {k: chunk.text_rows(k, layout) for k in np.flatnonzero(forms.slow).tolist()}
        yield Gathered(chunk.clients, chunk.clinicians, np.diff(chunk.bounds).tolist(), slow,
                       forms.tables)  # fmt: skip


def _ignore(_found: Any) -> None:
    """Bad rows are for the second pass to report; the reference does without them."""


def read_block(rows: list[tuple[int, Fields]], handlers: Handlers | None = None) -> ClientBlock:
    """One client read by the row reader."""
    on_problem, on_note = handlers or (_ignore, None)
    return next(read_clients(iter(rows), on_problem, on_note))


def sample(sampler: ReferenceSampler, part: Gathered) -> None:
    figures = ChunkFigures(part.tables, len(part.clients))
    for k, client_id in enumerate(part.clients):
        if k in part.slow:
            sampler.add(read_block(part.slow[k]).episode)
            continue
        scores = {name: figures.scores(name, k) for name in SYMPTOM_INSTRUMENTS}
        srs = [total for _session, total in figures.scores("srs", k)]
        sampler.add_scores(client_id, scores, srs)


def columns_reference(path: Path, config: MonitoringConfig) -> CrossFittedReference:
    """`analyze.build_reference` in columns (NotColumnar: the file needs the row path)."""
    return read_and_fit(path, read_layout(path), config)


def read_and_fit(
    path: Path, layout: Layout, config: MonitoringConfig, spill: IO[bytes] | None = None
) -> CrossFittedReference:
    """The first pass without a reference: each chunk sampled (and spilled, for a second
    pass), then the fit, whose processes load their library while the file is read."""
    sampler = ReferenceSampler(config)
    with Fitters() as fitters:
        for part in gather(path, layout):
            sample(sampler, part)
            if spill is not None:
                _spill(spill, _pickled(part))
        return fitters.fit(sampler)


@dataclass(slots=True)
class Run:
    """One `alliance analyze` in columns; `analyze_file` sets it up and reads the result."""

    config: MonitoringConfig
    on_client: OnClient | None
    renderer: Renderer | None  # the report, where it renders clients apart from writing
    report: Callable[[InputError], None]
    note: Callable[[Note], None]
    progress: Callable[[int, int], None] | None

    def analyze(
        self, path: Path, reference: AnyReference | None
    ) -> tuple[dict[str, Any], AnyReference]:
        """The summary up to its rows read, and the reference the clients were judged by.

        Nothing is reported until the whole file has been read (it may yet turn out to need
        the row path): with a reference at hand, the workers monitor the chunks while the
        file is read and their results wait in a temporary file; without one, the chunks
        wait there for the fit, then go to the workers."""
        layout = read_layout(path)
        monitored: Iterator[tuple[Gathered, list[Monitored | None]]]
        with tempfile.TemporaryFile() as spill:
            if reference is None:
                reference = read_and_fit(path, layout, self.config, spill)
                spill.seek(0)
                monitored = monitored_chunks(_blobs(spill), reference, self.config,
                                             self.renderer)  # fmt: skip
            else:
                chunks = (_pickled(part) for part in gather(path, layout))
                for done in monitored_chunks(chunks, reference, self.config, self.renderer):
                    _spill(spill, _pickled(done))
                spill.seek(0)
                monitored = (pickle.loads(blob) for blob in _blobs(spill))
            summary, rows = self._report(monitored, reference)
        result = summary.as_dict()
        result["rows"] = rows
        return result, reference

    def _report(
        self, monitored: Iterator[tuple[Gathered, list[Monitored | None]]], reference: AnyReference
    ) -> tuple[CaseloadSummary, int]:
        """Each client to the summary and the report, in file order."""
        summary = CaseloadSummary(self.config)
        rows = 0
        for part, found in monitored:
            for k, client in enumerate(found):
                if client is None:
                    rows += self._row_path(part.slow[k], reference, summary)
                else:
                    summary.add_marks(client.counts, client.marks)
                    rows += part.rows[k]
                    if self.renderer is not None and client.text is not None:
                        self.renderer.write(client.text)
                    elif self.on_client is not None:
                        assert client.course is not None and client.signals is not None
                        self.on_client(client.course, client.signals)
                if self.progress is not None:
                    self.progress(rows, summary.clients)
        return summary, rows

    def _row_path(
        self, text: list[tuple[int, Fields]], reference: AnyReference, summary: CaseloadSummary
    ) -> int:
        """One client as `analyze.analyze_rows` monitors them."""
        block = read_block(text, (self.report, self.note))
        signals = block_signals(block, reference, self.config)
        summary.add(block.episode, signals)
        if self.on_client is not None:
            self.on_client(block.episode, signals)
        return block.rows


def block_signals(
    block: ClientBlock, reference: AnyReference, config: MonitoringConfig
) -> list[Signal]:
    """The signals of a client read by the row reader: the episode's, monitored against its
    reference, and the reader's own alerts (a self-harm answer in a form left out), in order."""
    episode = block.episode
    model = reference_for(reference, episode.client_id)
    signals = monitor_episode(episode, config, trajectories=model.trajectories,
                              pooled_srs_sd=model.pooled_srs_sd)  # fmt: skip
    if block.alerts:
        alerts = [replace(alert, client_id=episode.client_id) for alert in block.alerts]
        signals = sorted([*signals, *alerts], key=lambda s: (s.session_number, *pressing_order(s)))
    return signals


def _pickled(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _spill(spill: IO[bytes], blob: bytes) -> None:
    spill.write(len(blob).to_bytes(8, "little") + blob)


def _blobs(spill: IO[bytes]) -> Iterator[Chunk]:
    while size := spill.read(8):
        yield spill.read(int.from_bytes(size, "little"))
