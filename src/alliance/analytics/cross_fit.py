"""Cross-fitted references: no client is monitored against a model fitted with their own data.

The clients are split into two halves by a stable hash of their id (the same split in
`alliance analyze` and in the web app, run after run); a reference (expected trajectories and
the pooled SD of SRS changes) is fitted on each half, and each client is monitored against
the OTHER half's. Leaving each client out in turn would be as honest but would refit the
mixed models once per client; two halves cost two fits.

Stored or saved, a cross-fitted reference keeps the single-reference form at its top level
(`trajectories`, `pooled_srs_sd`) for readers that only describe it; `halves` holds the two
models. A single reference (the older form) still loads, and is then used for everyone.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliance.monitoring import MonitoringConfig, ScoredEpisode
from alliance.monitoring.config import SYMPTOM_INSTRUMENTS
from alliance.monitoring.trajectory import (
    Reference,
    TrajectoryError,
    fit_trajectory,
    reference_from_dict,
    reference_from_episodes,
    reference_to_dict,
)

Series = list[tuple[int, float]]
SPLIT = "sha256(client_id) parity"
SAMPLE_SEED = 20011


def half_of(client_id: str) -> int:
    """0 or 1, the same for the same id on every machine and run (unlike `hash`)."""
    return hashlib.sha256(client_id.encode("utf-8", "surrogatepass")).digest()[0] & 1


@dataclass(frozen=True)
class CrossFittedReference:
    """A reference fitted on each half of the clients; `for_client` gives the other one."""

    halves: tuple[Reference, Reference]

    def for_client(self, client_id: str) -> Reference:
        return self.halves[1 - half_of(client_id)]

    def describe(self) -> dict[str, Any]:
        return {
            "method": "cross_fitted",
            "split": SPLIT,
            "halves": [half.describe() for half in self.halves],
        }


AnyReference = Reference | CrossFittedReference


def reference_for(reference: AnyReference, client_id: str) -> Reference:
    """The model a client is monitored against: the other half's, or a single reference
    (fitted elsewhere) for everyone."""
    if isinstance(reference, CrossFittedReference):
        return reference.for_client(client_id)
    return reference


def describe(reference: AnyReference) -> dict[str, Any]:
    if isinstance(reference, CrossFittedReference):
        return reference.describe()
    return {"method": "single", **reference.describe()}


def cross_fitted_reference(
    episodes: Iterable[ScoredEpisode], config: MonitoringConfig | None = None
) -> CrossFittedReference:
    """Fit one reference per half of `episodes` (split by client id)."""
    halves: tuple[list[ScoredEpisode], list[ScoredEpisode]] = ([], [])
    for episode in episodes:
        halves[half_of(episode.client_id)].append(episode)
    return CrossFittedReference(
        (reference_from_episodes(halves[0], config), reference_from_episodes(halves[1], config))
    )


class ReferenceSampler:
    """Builds a cross-fitted reference from clients seen one at a time, in bounded memory.

    For each half and symptom measure, a seeded random sample (reservoir sampling) of at most
    `config.trajectory_max_episodes` usable series (three scores or more) from the whole
    file, not its first clients; the pooled SRS SD from every client of the half. Each half
    draws from its own random stream, so what one half holds never moves the other's sample.
    """

    def __init__(self, config: MonitoringConfig) -> None:
        self.config = config
        names = SYMPTOM_INSTRUMENTS
        self.samples: list[dict[str, list[Series]]] = [{n: [] for n in names} for _ in range(2)]
        self.seen = [dict.fromkeys(names, 0) for _ in range(2)]
        self.random = [
            {name: random.Random(f"{SAMPLE_SEED}:{half}:{name}") for name in names}
            for half in range(2)
        ]
        self.squares = [0.0, 0.0]
        self.freedom = [0, 0]

    def add(self, episode: ScoredEpisode) -> None:
        scores = {
            name: [(a.session_number, a.total) for a in episode.series(name)]
            for name in SYMPTOM_INSTRUMENTS
        }
        self.add_scores(episode.client_id, scores, [a.total for a in episode.series("srs")])

    def add_scores(
        self, client_id: str, scores: Mapping[str, Series], srs_totals: Sequence[float]
    ) -> None:
        """One client by their scores: (session, total) per symptom measure, in session
        order, and their SRS totals in session order."""
        half = half_of(client_id)
        capacity = self.config.trajectory_max_episodes
        for name, sample in self.samples[half].items():
            series = scores.get(name, [])
            if len(series) < 3:
                continue
            self.seen[half][name] += 1
            count = self.seen[half][name]
            if len(sample) < capacity:
                sample.append(series)
            else:
                slot = self.random[half][name].randrange(count)
                if slot < capacity:
                    sample[slot] = series
        changes = [round(b - a, 1) for a, b in itertools.pairwise(srs_totals)]
        if len(changes) >= 2:
            mean = sum(changes) / len(changes)
            self.squares[half] += sum((c - mean) ** 2 for c in changes)
            self.freedom[half] += len(changes) - 1

    def reference(self) -> CrossFittedReference:
        return CrossFittedReference((self.half_reference(0), self.half_reference(1)))

    def half_reference(self, half: int) -> Reference:
        """The reference fitted on one half's sample."""
        trajectories = {
            name: fit_trajectory(name, sample, self.config)
            for name, sample in self.samples[half].items()
            if sample
        }
        freedom = self.freedom[half]
        pooled = (self.squares[half] / freedom) ** 0.5 if freedom else None
        return Reference(trajectories, pooled)


def reference_to_data(reference: AnyReference) -> dict[str, Any]:
    """The JSON-ready form: a single reference as before; a cross-fitted one with its halves
    and, at the top, what every client gets: a measure's model where both halves have one
    (the first half's figures, for description only: no client is monitored with them)."""
    if not isinstance(reference, CrossFittedReference):
        return reference_to_dict(reference)
    first, second = reference.halves
    both = {
        name: first.trajectories.get(name) if second.trajectories.get(name) else None
        for name in [*first.trajectories, *second.trajectories]
    }
    view = Reference(both, first.pooled_srs_sd)
    return reference_to_dict(view) | {
        "split": SPLIT,
        "halves": [reference_to_dict(half) for half in reference.halves],
    }


def reference_from_data(data: Any) -> AnyReference:
    """A stored or saved reference in either form; raises ValueError, TypeError,
    AttributeError or KeyError when it is neither."""
    if isinstance(data, dict) and "halves" in data:
        if data.get("split") != SPLIT:
            raise ValueError(f"unknown split {data.get('split')!r} (expected {SPLIT!r})")
        halves: Sequence[Any] = data["halves"]
        if not isinstance(halves, list) or len(halves) != 2:
            raise ValueError("halves must be a list of two references")
        return CrossFittedReference(
            (reference_from_dict(halves[0]), reference_from_dict(halves[1]))
        )
    return reference_from_dict(data)


def save_reference(reference: AnyReference, path: Path) -> None:
    path.write_text(json.dumps(reference_to_data(reference), indent=2), encoding="utf-8")


def load_reference(path: Path) -> AnyReference:
    try:
        return reference_from_data(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, AttributeError, KeyError) as exc:
        raise TrajectoryError(
            f"{path}: not a saved reference of expected trajectories ({exc})"
        ) from None
