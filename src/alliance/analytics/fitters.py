"""The two halves' reference fits, each in a process of its own, started before the file is
read.

Fitting is most of a run's fixed cost, and half of that is loading the fitting library. So
where there are two cores, two forked processes load it while this process reads the file,
then each fits one half's sample when it arrives: this process never loads the library at
all. The same code on the same sample gives the same models in any process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from alliance.monitoring.trajectory import Reference

from .cross_fit import CrossFittedReference, ReferenceSampler


def _fitter(half: int, connection: Connection) -> None:
    """In the forked process: load the library, then fit the half's sample when it comes."""
    try:
        import statsmodels.regression.mixed_linear_model  # noqa: F401

        sampler: ReferenceSampler | None = connection.recv()
        if sampler is not None:  # None: the run ended without a fit
            connection.send(("fitted", sampler.half_reference(half)))
    except Exception as exc:
        connection.send(("failed", exc))
    finally:
        connection.close()


def _spare_cores() -> bool:
    # Forking is safe on Linux (elsewhere the numerical libraries may not survive it).
    return sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) >= 2


class Fitters:
    """`with Fitters() as fitters: ...; reference = fitters.fit(sampler)`."""

    def __init__(self) -> None:
        self.processes: list[tuple[Any, Connection]] = []

    def __enter__(self) -> Fitters:
        if not _spare_cores():
            return self
        context = multiprocessing.get_context("fork")
        try:
            for half in (0, 1):
                mine, theirs = context.Pipe()
                process = context.Process(target=_fitter, args=(half, theirs), daemon=True)
                process.start()
                theirs.close()
                self.processes.append((process, mine))
        except OSError:  # no process to spare: the fit runs here
            self._stop()
        return self

    def fit(self, sampler: ReferenceSampler) -> CrossFittedReference:
        if len(self.processes) != 2:
            return sampler.reference()
        for _process, connection in self.processes:
            connection.send(sampler)
        halves: list[Reference] = []
        for _process, connection in self.processes:
            outcome, value = connection.recv()
            if outcome == "failed":
                raise value
            halves.append(value)
        return CrossFittedReference((halves[0], halves[1]))

    def _stop(self) -> None:
        for process, connection in self.processes:
            if process.is_alive():
                with contextlib.suppress(OSError):  # it may have ended already
                    connection.send(None)
            connection.close()
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()
        self.processes = []

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop()
