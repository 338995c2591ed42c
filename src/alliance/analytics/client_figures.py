"""What the summary, the reference sample and the report keep of each fast client of a chunk,
from columns: the counts `CaseloadSummary.add` takes of an episode, each symptom measure's
course (its ends), and the series the reference sampler draws from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from alliance.monitoring import MonitoringConfig
from alliance.monitoring.config import SYMPTOM_INSTRUMENTS
from alliance.monitoring.outcomes import (
    EpisodeOutcome,
    InstrumentOutcome,
    course_outcome,
    joint_outcome,
)

from .caseload import EARLY_SESSIONS, OUTCOME_MEASURES, ClientCounts, outcome_of
from .early_warning import JUDGED_ON
from .forms import Table

Course = tuple[int, tuple[int, float], tuple[int, float]]  # scores, (session, total) first, last


@dataclass(frozen=True, slots=True)
class ClientCourse:
    """A client as `alliance analyze` reports them when read in columns: who, and the course
    of each symptom measure (the report's outcome is worked out from it)."""

    client_id: str
    clinician_id: str | None
    courses: Mapping[str, Course]  # each symptom measure given twice or more
    outcomes: tuple[MonitoringConfig, dict[str, InstrumentOutcome]] | None = None  # worked out

    def outcome(self, config: MonitoringConfig) -> EpisodeOutcome:
        """`monitoring.outcomes.episode_outcome` of the client's episode."""
        # Equal, not only the same object: a client monitored in another process comes
        # back with a copy of the settings.
        if self.outcomes is not None and self.outcomes[0] == config:
            return joint_outcome(self.client_id, self.outcomes[1])
        return joint_outcome(self.client_id, instrument_outcomes(self.courses, config))


def instrument_outcomes(
    courses: Mapping[str, Course], config: MonitoringConfig
) -> dict[str, InstrumentOutcome]:
    found = {}
    for name in SYMPTOM_INSTRUMENTS:
        if name in courses:
            outcome = course_outcome(name, *courses[name], config)
            if outcome is not None:
                found[name] = outcome
    return found


class ChunkFigures:
    """Per fast client of a chunk: counts, courses and the sampler's series."""

    def __init__(self, tables: Mapping[str, Table], clients: int) -> None:
        self.clients = clients
        pairs = [(t.client, t.session) for t in tables.values()]
        client = np.concatenate([c for c, _ in pairs]) if pairs else np.zeros(0, np.int64)
        session = np.concatenate([s for _, s in pairs]) if pairs else np.zeros(0, np.int64)
        span = int(session.max(initial=0)) + 1
        held = np.unique(client * span + session)  # each client's sessions, in order
        owners = held // span
        self.session_bounds: list[int] = np.searchsorted(owners, np.arange(clients + 1)).tolist()
        self.held_sessions: list[int] = (held % span).tolist()
        self.administrations: list[int] = np.bincount(client, minlength=clients).tolist()
        self.series: dict[str, tuple[list[int], list[int], list[float]]] = {}
        for name, table in tables.items():
            bounds = np.searchsorted(table.client, np.arange(clients + 1)).tolist()
            self.series[name] = (bounds, table.session.tolist(), table.total.tolist())

    def scores(self, name: str, client: int) -> list[tuple[int, float]]:
        """The client's (session, total) on one instrument, in session order."""
        found = self.series.get(name)
        if found is None:
            return []
        bounds, sessions, totals = found
        start, stop = bounds[client], bounds[client + 1]
        return list(zip(sessions[start:stop], totals[start:stop], strict=True))

    def counts(
        self, client: int, client_id: str, clinician_id: str | None, config: MonitoringConfig
    ) -> tuple[ClientCounts, ClientCourse]:
        held = self.held_sessions[self.session_bounds[client] : self.session_bounds[client + 1]]
        early_sessions = set(held[:EARLY_SESSIONS])
        srs = self.scores("srs", client)
        early = [total for session, total in srs if session in early_sessions]
        scores = {name: self.scores(name, client) for name in (*SYMPTOM_INSTRUMENTS,)}
        ends = {name: (len(s), s[0][1], s[-1][1]) for name, s in scores.items()
                if s and name in OUTCOME_MEASURES}  # fmt: skip
        courses = {name: (len(s), s[0], s[-1]) for name, s in scores.items() if len(s) >= 2}
        outcomes = instrument_outcomes(courses, config)
        # As `early_warning.judged_outcome`: the first of JUDGED_ON given twice or more.
        judged_on = next((name for name in JUDGED_ON if name in courses), None)
        judged = outcomes.get(judged_on) if judged_on is not None else None
        counts = ClientCounts(
            sessions=len(held),
            sessions_with_srs=len(srs),
            administrations=self.administrations[client],
            outcome=outcome_of(client_id, clinician_id, early, ends),
            judged=judged,
        )
        return counts, ClientCourse(client_id, clinician_id, courses, (config, outcomes))
