"""A client's record laid out by session for the chart page, in a fixed number of queries.

`client_chart` returns one typed `ChartData`: the table's rows, what the clinician recorded,
the WAI-SR profile, the expected-response bands and the cutoffs in force (read from the
instrument definitions, so the chart's lines are the rules' lines). How it is drawn (the
Vega-Lite spec) is the clinic app's business.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from alliance.measures import get_definition

from ..models import (
    Administration,
    Client,
    RepairStep,
    Rupture,
    Session,
    SignalAcknowledgement,
    SignalRecord,
)
from .reference import client_reference, expected_band
from .ruptures import MARKER_LABELS

COLUMNS = ("srs", "phq-9", "gad-7", "ors", "wai-sr")
SYMPTOM_INSTRUMENTS = ("phq-9", "gad-7", "ors")


@dataclass
class SessionRow:
    session_number: int
    held_on: dt.date
    totals: dict[str, float] = field(default_factory=dict)
    signals: list[SignalRecord] = field(default_factory=list)
    values: list[float | None] = field(default_factory=list)
    # What the clinician recorded at this session: ruptures, repair steps, outcomes.
    ruptures: list[Rupture] = field(default_factory=list)
    steps: list[RepairStep] = field(default_factory=list)
    outcomes: list[Rupture] = field(default_factory=list)

    @property
    def has_events(self) -> bool:
        return bool(self.signals or self.ruptures or self.steps or self.outcomes)

    def cells(self, columns: tuple[str, ...]) -> list[float | None]:
        return [self.totals.get(name) for name in columns]


@dataclass(frozen=True)
class WaiBar:
    session: str  # "S3": a category on the chart, not a number
    subscale: str
    mean: float


@dataclass
class ChartData:
    columns: tuple[str, ...]
    rows: list[SessionRow]
    urgent_open: list[SignalRecord]
    ruptures: list[Rupture]
    wai_guidance: SignalRecord | None
    wai_profile: list[WaiBar]
    # Expected-response bands: {"measure", "session", "expected", "low", "high"} per point.
    expected_bands: list[dict[str, Any]]
    # The cutoffs in force, from the instrument definitions (or the site's override).
    srs_concern_cutoff: float
    caseness: dict[str, float]


def client_chart(client: Client) -> ChartData:
    """The client's sessions with their totals, signals and what the clinician recorded."""
    rows: dict[int, SessionRow] = {
        s.number: SessionRow(s.number, s.held_on)
        for s in Session.objects.filter(episode__client=client).order_by("number")
    }
    administrations = Administration.objects.filter(
        session__episode__client=client, amended_by__isnull=True
    ).values_list("session__number", "instrument", "total")
    for number, instrument, total in administrations:
        rows[number].totals[instrument] = total
    urgent_open = _attach_signals(client, rows)
    ruptures = _attach_ruptures(client, rows)
    ordered = [rows[n] for n in sorted(rows)]
    # Only the instruments this client fills: a narrow table reads on a phone.
    columns = tuple(name for name in COLUMNS if any(name in row.totals for row in ordered))
    for row in ordered:
        row.values = row.cells(columns)
    # The latest WAI-SR profile's formulation guidance, shown under the chart's profile.
    wai = [sig for row in ordered for sig in row.signals if sig.kind == "wai_profile"]
    return ChartData(
        columns=columns,
        rows=ordered,
        urgent_open=urgent_open,
        ruptures=ruptures,
        wai_guidance=wai[-1] if wai else None,
        wai_profile=wai_profile(client),
        expected_bands=_expected_bands(client, ordered),
        srs_concern_cutoff=get_definition("srs").cutoffs["alliance_concern"],
        caseness={
            name: cutoff
            for name in SYMPTOM_INSTRUMENTS
            if (cutoff := get_definition(name).caseness) is not None
        },
    )


def _attach_signals(client: Client, rows: dict[int, SessionRow]) -> list[SignalRecord]:
    """Each session's signals with what was recorded about them; returns the safety signals
    not yet acted on."""
    urgent_open = []
    for signal in (
        SignalRecord.objects.in_force().with_acknowledgement().filter(episode__client=client)
    ):
        if signal.session_number in rows:
            rows[signal.session_number].signals.append(signal)
        if signal.severity == "urgent" and not signal.acknowledged:
            urgent_open.append(signal)
    acknowledgements: dict[tuple[int, str, str], list[SignalAcknowledgement]] = {}
    for ack in SignalAcknowledgement.objects.filter(episode__client=client).select_related(
        "recorded_by"
    ):
        acknowledgements.setdefault((ack.session_number, ack.kind, ack.instrument), []).append(ack)
    for row in rows.values():
        for signal in row.signals:
            signal.records = acknowledgements.get(
                (signal.session_number, signal.kind, signal.instrument), []
            )
    return urgent_open


def _attach_ruptures(client: Client, rows: dict[int, SessionRow]) -> list[Rupture]:
    ruptures = list(Rupture.objects.filter(episode__client=client).select_related("recorded_by"))
    steps: dict[int, list[RepairStep]] = {}
    for step in RepairStep.objects.filter(rupture__episode__client=client).select_related(
        "recorded_by", "rupture"
    ):
        steps.setdefault(step.rupture_id, []).append(step)
        if step.session_number in rows:
            rows[step.session_number].steps.append(step)
    for rupture in ruptures:
        rupture.step_list = steps.get(rupture.pk, [])
        rupture.steps_done = {s.step for s in rupture.step_list}
        rupture.marker_labels = [MARKER_LABELS.get(m, m) for m in rupture.markers]
        if rupture.session_number in rows:
            rows[rupture.session_number].ruptures.append(rupture)
        if rupture.outcome_session in rows:
            rows[rupture.outcome_session].outcomes.append(rupture)
    return ruptures


def _expected_bands(client: Client, rows: list[SessionRow]) -> list[dict[str, Any]]:
    """The expected-response band of each symptom measure the client fills, from the
    organization's reference (none when it has too few episodes for a model)."""
    reference = client_reference(client.pk)
    bands = []
    for name in SYMPTOM_INSTRUMENTS:
        series = [(r.session_number, r.totals[name]) for r in rows if name in r.totals]
        bands += expected_band(reference, name, series)
    return bands


def wai_profile(client: Client) -> list[WaiBar]:
    forms = Administration.objects.filter(
        session__episode__client=client, instrument="wai-sr", amended_by__isnull=True
    ).select_related("session")
    return [
        WaiBar(f"S{a.session.number}", name.capitalize(), mean)
        for a in forms
        for name, mean in a.score["subscale_means"].items()
    ]
