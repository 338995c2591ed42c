"""`alliance analyze`: a long-format caseload file in, signals per client and a summary out.

`analyze_file` reads a file in columns (`analyze_columns`): the work per row done in arrays,
three to four times faster than the row path on a million rows (bench/bench_analyze.py).
`analyze_rows` is the row path, the definition of the analysis, which the columns must match
to the last word (tests/analytics/test_columns_match_rows.py); it reads a file whose shape
needs the csv module's judgement, and every file under `strict`.

The row path: two passes, each one client at a time. The first draws a seeded random sample
of clients from the whole file for each half of the caseload (split by a stable hash of
client_id) and fits a reference on each; the second monitors every client against the OTHER
half's reference, so no client is judged by a model fitted with their own data. With a saved
reference the first pass is skipped. Memory is that of one client, the samples, and a few
numbers per client for the summary, whatever the length of the file.

Nothing stops the run but a file that cannot be read at all: each bad row or form is left
out and listed (`Analysis.problems`), and what left nothing out is noted (`Analysis.notes`).
With `strict`, the first problem raises `InputError` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alliance.monitoring import MonitoringConfig, ScoredEpisode, Signal

from .analyze_columns import Run, block_signals, columns_reference
from .caseload import CaseloadSummary
from .chunk_pool import Renderer
from .client_figures import ClientCourse
from .columns import NotColumnar
from .cross_fit import AnyReference, CrossFittedReference, ReferenceSampler, describe
from .long_format import InputError, Note, open_rows, read_clients

# A client read in columns comes as its ClientCourse (who, and each measure's course); one
# read by the row reader as its ScoredEpisode.
OnClient = Callable[[ScoredEpisode | ClientCourse, list[Signal]], None]
OnProblem = Callable[[InputError], None]
OnNote = Callable[[Note], None]
Progress = Callable[[int, int], None]  # rows read, clients done


@dataclass
class Analysis:
    summary: dict[str, Any]
    problems: list[InputError] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def collectors(
        self, on_problem: OnProblem | None, on_note: OnNote | None, *, strict: bool = False
    ) -> tuple[OnProblem, OnNote]:
        """What the readers call with each problem and note: kept here, then passed on to
        the caller's own (a problem is raised instead under `strict`)."""

        def report(problem: InputError) -> None:
            if strict:
                raise problem
            self.problems.append(problem)
            if on_problem is not None:
                on_problem(problem)

        def note(found: Note) -> None:
            self.notes.append(found)
            if on_note is not None:
                on_note(found)

        return report, note

    def finish(self, summary: dict[str, Any], reference: AnyReference) -> Analysis:
        summary["problem_count"] = len(self.problems)
        summary["note_count"] = len(self.notes)
        summary["reference"] = describe(reference)
        self.summary = summary
        return self


def build_reference(
    path: Path, config: MonitoringConfig, *, strict: bool = False
) -> CrossFittedReference:
    """Fit a reference on a seeded random sample of each half of the file's clients."""
    if not strict:
        try:
            return columns_reference(path, config)
        except NotColumnar:
            pass
    return build_reference_rows(path, config, strict=strict)


def build_reference_rows(
    path: Path, config: MonitoringConfig, *, strict: bool = False
) -> CrossFittedReference:
    """`build_reference` by the row path."""
    sampler = ReferenceSampler(config)

    def ignore(_problem: InputError) -> None:
        """Bad rows are for the main pass to report; the reference does without them."""

    on_problem = None if strict else ignore
    for block in read_clients(open_rows(path, on_problem), on_problem):
        sampler.add(block.episode)
    return sampler.reference()


def analyze_file(
    path: Path,
    *,
    config: MonitoringConfig | None = None,
    reference: AnyReference | None = None,
    strict: bool = False,
    on_client: OnClient | None = None,
    on_problem: OnProblem | None = None,
    on_note: OnNote | None = None,
    progress: Progress | None = None,
    renderer: Renderer | None = None,
) -> Analysis:
    """Monitor every client in `path`; return the caseload summary, problems and notes.

    Each client goes to `on_client`, or to `renderer` (a report: it may render clients in
    other processes, then writes them here in file order); not both.

    A cross-fitted `reference` lends each client the other half's models; a single one
    (fitted elsewhere) serves everyone; None fits a cross-fitted one from the file.
    Read in columns where the file allows, else by the row path (`analyze_rows`): the
    result is the same either way.
    """
    config = config or MonitoringConfig()
    if renderer is not None:
        assert on_client is None, "a client goes to on_client or to renderer, not both"
        on_client = _writing(renderer)
    if strict:
        return analyze_rows(path, config=config, reference=reference, strict=True,
                            on_client=on_client, on_problem=on_problem, on_note=on_note,
                            progress=progress)  # fmt: skip
    analysis = Analysis({})
    report, note = analysis.collectors(on_problem, on_note)
    run = Run(config, on_client, renderer, report, note, progress)
    try:
        summary, reference = run.analyze(path, reference)
    except NotColumnar:  # raised before anything was reported
        return analyze_rows(path, config=config, reference=reference, on_client=on_client,
                            on_problem=on_problem, on_note=on_note, progress=progress)  # fmt: skip
    return analysis.finish(summary, reference)


def _writing(renderer: Renderer) -> OnClient:
    def write(client: ScoredEpisode | ClientCourse, signals: list[Signal]) -> None:
        renderer.write(renderer.render(client, signals))

    return write


def analyze_rows(
    path: Path,
    *,
    config: MonitoringConfig | None = None,
    reference: AnyReference | None = None,
    strict: bool = False,
    on_client: OnClient | None = None,
    on_problem: OnProblem | None = None,
    on_note: OnNote | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """`analyze_file` by the row path, one row at a time as text."""
    config = config or MonitoringConfig()
    if reference is None:
        reference = build_reference_rows(path, config, strict=strict)
    analysis = Analysis({})
    report, note = analysis.collectors(on_problem, on_note, strict=strict)
    summary = CaseloadSummary(config)
    rows = 0
    for block in read_clients(open_rows(path, report), report, note):
        signals = block_signals(block, reference, config)
        summary.add(block.episode, signals)
        rows += block.rows
        if on_client is not None:
            on_client(block.episode, signals)
        if progress is not None:
            progress(rows, summary.clients)
    result = summary.as_dict()
    result["rows"] = rows
    return analysis.finish(result, reference)
