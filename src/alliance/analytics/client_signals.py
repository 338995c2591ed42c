"""Every signal of a chunk's clients, from columns: what `monitor_episode` gives each client.

The SRS rules are in `srs_signals`; here the rest, in `monitor_episode`'s order: the WAI-SR
profile, self-harm, per symptom measure the reliable-change rules and not on track, and the
alliance-symptom divergence, then the same ordering. As there, each rule's test runs over
the chunk's forms in arrays, and the signal is made by the rule's own function, from the
forms that raise one (`known_total` stands for a form whose total is all the rule reads).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Mapping

import numpy as np

from alliance.monitoring import MonitoringConfig, Signal
from alliance.monitoring.config import SYMPTOM_INSTRUMENTS, higher_is_better
from alliance.monitoring.divergence import ALLIANCE_FALLING, divergence_signals
from alliance.monitoring.priority import pressing_order
from alliance.monitoring.symptoms import SELF_HARM_ITEM_MIN, change_signals_of, self_harm_signal
from alliance.monitoring.trajectory import (
    ExpectedTrajectory,
    Reference,
    _again,
    _against_model,
    _against_rule,
)
from alliance.monitoring.types import ScoredAdministration
from alliance.monitoring.wai import _profile

from .column_fields import Bools, Ints
from .forms import Floats, Table
from .srs_signals import SrsColumns, known_total, positions, srs_columns


class Series:
    """One instrument's forms in a chunk, by client then session, as Python numbers."""

    def __init__(self, table: Table, clients: int) -> None:
        self.table = table
        self.name = table.scale.name
        self.sessions: list[int] = table.session.tolist()
        self.totals: list[float] = table.total.tolist()
        self.bounds: list[int] = np.searchsorted(table.client, np.arange(clients + 1)).tolist()

    def span(self, client: int) -> tuple[int, int]:
        return self.bounds[client], self.bounds[client + 1]

    def known(self, client: int) -> list[ScoredAdministration]:
        start, stop = self.span(client)
        return [self.form(i) for i in range(start, stop)]

    def form(self, i: int) -> ScoredAdministration:
        return known_total(self.sessions[i], self.name, self.totals[i])

    def forms_from(self, start: int) -> Callable[[int], ScoredAdministration]:
        """The client's i-th form, for a client whose forms begin at `start`."""
        return lambda i: self.form(start + i)


class ChunkSignals:
    """The signals of one chunk's fast clients; `signals(k)` gives client k's."""

    def __init__(
        self,
        tables: Mapping[str, Table],
        clients: int,
        models: list[Reference],
        config: MonitoringConfig,
    ) -> None:
        self.config, self.models = config, models
        self.series = {name: Series(table, clients) for name, table in tables.items()}
        self.thresholds = {name: config.reliable_change_for(name) for name in SYMPTOM_INSTRUMENTS}
        self.better_high = {name: higher_is_better(name) for name in SYMPTOM_INSTRUMENTS}
        srs = self.series.get("srs")
        self.srs: SrsColumns | None = (
            srs_columns(srs.table, srs.bounds, config) if srs is not None else None
        )
        self.changes: dict[str, set[int]] = {}
        self.off: dict[str, list[int]] = {}
        for name in SYMPTOM_INSTRUMENTS:
            if name in self.series:
                table = self.series[name].table
                self.changes[name] = _change_clients(table, config)
                self.off[name] = np.flatnonzero(_maybe_off(table, models, config)).tolist()
        phq9 = tables.get("phq-9")
        self.self_harm: list[int] = []
        if phq9 is not None:
            item9 = phq9.units[:, phq9.scale.column[9]]
            self.self_harm = np.flatnonzero(item9 >= SELF_HARM_ITEM_MIN).tolist()

    def signals(self, client: int, client_id: str) -> list[Signal]:
        config, model = self.config, self.models[client]
        alliance = self.srs.signals(client, model.pooled_srs_sd) if self.srs is not None else []
        signals = list(alliance)
        signals += self._wai(client)
        signals += self._self_harm(client)
        for name in SYMPTOM_INSTRUMENTS:
            series = self.series.get(name)
            if series is None or series.span(client)[0] == series.span(client)[1]:
                continue
            if client in self.changes[name]:
                start, stop = series.span(client)
                signals += change_signals_of(name, series.totals[start:stop],
                                             series.forms_from(start), config)  # fmt: skip
            signals += self._not_on_track(series, client, model.trajectories.get(name))
        signals += self._divergence(client, alliance)
        signals.sort(key=lambda s: (s.session_number, *pressing_order(s)))
        return [
            Signal(s.kind, s.session_number, s.instrument, s.severity, s.rule, s.evidence,
                   s.explanation, s.suggested_action, client_id)
            for s in signals
        ]  # fmt: skip

    def _wai(self, client: int) -> list[Signal]:
        series = self.series.get("wai-sr")
        if series is None:
            return []
        start, stop = series.span(client)
        if start == stop:
            return []
        therapist: dict[int, ScoredAdministration] = {}
        rated = self.series.get("wai-sr-t")
        if rated is not None:
            for i in range(*rated.span(client)):
                therapist[rated.sessions[i]] = ScoredAdministration(
                    rated.sessions[i], "wai-sr-t", rated.table.score(i), "therapist"
                )
        weak = self.config.wai_weak_mean
        return [
            _profile(
                ScoredAdministration(series.sessions[i], "wai-sr", series.table.score(i)),
                therapist.get(series.sessions[i]),
                weak,
            )
            for i in range(start, stop)
        ]

    def _self_harm(self, client: int) -> list[Signal]:
        series = self.series.get("phq-9")
        if series is None or not self.self_harm:
            return []
        start, stop = series.span(client)
        at = bisect.bisect_left(self.self_harm, start)
        item9 = series.table.scale.column[9]
        signals = []
        while at < len(self.self_harm) and self.self_harm[at] < stop:
            i = self.self_harm[at]
            answer = int(series.table.units[i, item9])
            signals.append(self_harm_signal(series.sessions[i], answer, series.totals[i]))
            at += 1
        return signals

    def _not_on_track(
        self, series: Series, client: int, trajectory: ExpectedTrajectory | None
    ) -> list[Signal]:
        """`trajectory.not_on_track_signals`, judged by its own functions at the forms the
        arrays could not clear; any other form is on track."""
        candidates = self.off[series.name]
        start, stop = series.span(client)
        at = bisect.bisect_left(candidates, start)
        if at == len(candidates) or candidates[at] >= stop:
            return []
        config = self.config
        better_high = self.better_high[series.name]
        first = known_total(series.sessions[start], series.name, series.totals[start])
        signals: list[Signal] = []
        warned, fired = False, -2
        while at < len(candidates) and candidates[at] < stop:
            i = candidates[at]
            at += 1
            a = known_total(series.sessions[i], series.name, series.totals[i])
            if trajectory is not None:
                relative = a.session_number - first.session_number + 1
                signal = _against_model(first, a, relative, trajectory, config, better_high)
            else:
                signal = _against_rule(first, a, config, better_high)
            if signal is None:
                continue
            signals.append(_again(signal, still=fired == i - 1) if warned else signal)
            warned, fired = True, i
        return signals

    def _divergence(self, client: int, alliance: list[Signal]) -> list[Signal]:
        falling = sorted({s.session_number for s in alliance
                          if s.kind in ALLIANCE_FALLING and s.severity == "warning"})  # fmt: skip
        if not falling:
            return []
        symptoms = [self.series.get(name) for name in SYMPTOM_INSTRUMENTS]
        if not any(self._flat_everywhere(symptoms, client, session) for session in falling):
            return []
        known = [s.known(client) if s is not None else [] for s in symptoms]
        return divergence_signals(alliance, known, self.config)

    def _flat_everywhere(self, symptoms: list[Series | None], client: int, session: int) -> bool:
        """As `divergence._recent` over every measure: some recent enough to judge, and all
        of those flat."""
        config, readings = self.config, []
        for series in symptoms:
            if series is None:
                continue
            start, stop = series.span(client)
            threshold = self.thresholds[series.name]
            cut = bisect.bisect_right(series.sessions, session, start, stop)
            recent = series.totals[max(start, cut - config.divergence_window) : cut]
            if start == stop or threshold is None or len(recent) < config.divergence_window:
                continue
            if series.sessions[cut - 1] < session - 1:
                continue
            spread = round(max(recent) - min(recent), 1)
            readings.append(spread < config.divergence_flat_share * threshold)
        return bool(readings) and all(readings)


def _change_clients(table: Table, config: MonitoringConfig) -> set[int]:
    """Clients whose series reaches a reliable change anywhere (`change_signals` raises
    nothing for the others: no status is ever reached, so none is lost either)."""
    threshold = config.reliable_change_for(table.scale.name)
    if threshold is None:
        return set()
    place = positions(table.client)
    first = table.points[np.arange(len(place)) - place]
    moved = (place > 0) & (np.abs(table.points - first) / table.scale.unit >= threshold)
    return set(np.unique(table.client[moved]).tolist())


def _maybe_off(table: Table, models: list[Reference], config: MonitoringConfig) -> Bools:
    """Forms that may be off track; the rule's own functions decide (a form left out here is
    on track by a margin far beyond rounding)."""
    name = table.scale.name
    place = positions(table.client)
    first = np.arange(len(place)) - place
    intake, total = table.total[first], table.total
    relative = table.session - table.session[first] + 1
    judged = (place > 0) & (relative >= config.trajectory_first_session)
    better_high = higher_is_better(name)
    off = np.zeros(len(place), dtype=bool)
    by_model: dict[int, list[int]] = {}
    fitted: dict[int, ExpectedTrajectory | None] = {}
    for client, model in enumerate(models):
        trajectory = model.trajectories.get(name)
        by_model.setdefault(id(trajectory), []).append(client)
        fitted[id(trajectory)] = trajectory
    for key, clients in by_model.items():
        mine = judged & np.isin(table.client, clients)
        trajectory = fitted[key]
        if trajectory is None:
            caseness = config.caseness_for(name)
            no_better = total <= intake if better_high else total >= intake
            in_range = np.ones(len(place), dtype=bool) if caseness is None else (
                total < caseness if better_high else total >= caseness)  # fmt: skip
            off |= mine & no_better & in_range
        else:
            limit = _limit(trajectory, intake, relative, config.trajectory_z, better_high)
            slack = 1e-9 * (np.abs(limit) + 1.0)
            off |= mine & (total < limit + slack if better_high else total > limit - slack)
    return off


def _limit(
    trajectory: ExpectedTrajectory, intake: Floats, relative: Ints, z: float, better_high: bool
) -> Floats:
    """`ExpectedTrajectory.expected`'s tolerance limit for every form at once."""
    logs = np.asarray([math.log(max(n, 1)) for n in range(int(relative.max(initial=1)) + 1)])
    t = logs[np.maximum(relative, 1)]
    tr = trajectory
    mean = tr.intercept + tr.intake * intake + tr.log_session * t
    mean = mean + tr.intake_by_log_session * intake * t
    var = tr.re_intercept_var + 2 * tr.re_cov * t + tr.re_slope_var * t * t + tr.residual_var
    margin = z * np.sqrt(np.maximum(var, 0.0))
    limit: Floats = mean - margin if better_high else mean + margin
    return limit
