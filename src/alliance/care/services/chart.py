"""A client's record laid out by session for the chart page: one query per table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models import (
    Administration,
    Client,
    RepairStep,
    Rupture,
    Session,
    SignalAcknowledgement,
    SignalRecord,
)
from .acknowledgements import with_acknowledgement
from .reference import client_reference, expected_band
from .ruptures import MARKER_LABELS

COLUMNS = ("srs", "phq-9", "gad-7", "ors", "wai-sr")


@dataclass
class SessionRow:
    number: int
    held_on: Any
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


def client_chart(client: Client) -> dict[str, Any]:
    """The client's sessions with their totals, signals and what the clinician recorded, in
    a fixed number of queries."""
    rows: dict[int, SessionRow] = {
        s.number: SessionRow(s.number, s.held_on)
        for s in Session.objects.filter(episode__client=client).order_by("number")
    }
    administrations = Administration.objects.filter(
        session__episode__client=client, amended_by__isnull=True
    ).values_list("session__number", "instrument", "total")
    for number, instrument, total in administrations:
        rows[number].totals[instrument] = total
    urgent_open = []
    for signal in with_acknowledgement(SignalRecord.objects.filter(episode__client=client)):
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
            signal.records = acknowledgements.get(  # type: ignore[attr-defined]
                (signal.session_number, signal.kind, signal.instrument), []
            )
    ruptures = list(Rupture.objects.filter(episode__client=client).select_related("recorded_by"))
    steps: dict[int, list[RepairStep]] = {}
    for step in RepairStep.objects.filter(rupture__episode__client=client).select_related(
        "recorded_by", "rupture"
    ):
        steps.setdefault(step.rupture_id, []).append(step)
        if step.session_number in rows:
            rows[step.session_number].steps.append(step)
    for rupture in ruptures:
        rupture.step_list = steps.get(rupture.pk, [])  # type: ignore[attr-defined]
        rupture.steps_done = {s.step for s in rupture.step_list}  # type: ignore[attr-defined]
        rupture.marker_labels = [MARKER_LABELS.get(m, m) for m in rupture.markers]  # type: ignore[attr-defined]
        if rupture.session_number in rows:
            rows[rupture.session_number].ruptures.append(rupture)
        if rupture.outcome_session in rows:
            rows[rupture.outcome_session].outcomes.append(rupture)
    ordered = [rows[n] for n in sorted(rows)]
    # Only the measures this client fills: a narrow table reads on a phone.
    columns = tuple(name for name in COLUMNS if any(name in row.totals for row in ordered))
    for row in ordered:
        row.values = row.cells(columns)
    # The latest WAI-SR profile's formulation guidance, shown under the chart's profile.
    wai = [sig for row in ordered for sig in row.signals if sig.kind == "wai_profile"]
    return {"columns": columns, "rows": ordered, "urgent_open": urgent_open,
            "ruptures": ruptures, "wai_guidance": wai[-1] if wai else None}  # fmt: skip


CASENESS = {"phq-9": 10, "gad-7": 8, "ors": 25}
# Repair-step letters stacked near the foot of the SRS panel, one row per step.
STEP_LEVEL = {"noticed": 21.0, "marked": 23.0, "explored": 25.0}
EVENT_COLOURS = {
    "drop (scores)": "#b3261e",
    "return (scores)": "#2e6b3a",
    "withdrawal": "#6a4c93",
    "confrontation": "#d1495b",
    "unclear": "#7a7a7a",
    "repair step": "#1a56a8",
}


def expected_bands(client: Client, chart: dict[str, Any]) -> list[dict[str, Any]]:
    """The expected-response band of each symptom measure the client fills, from the
    organization's reference (none when it has too few episodes for a model)."""
    reference = client_reference(client.pk)
    bands = []
    for name in CASENESS:
        series = [(r.number, r.totals[name]) for r in chart["rows"] if name in r.totals]
        bands += expected_band(reference, name, series)
    return bands


def vega_spec(
    chart: dict[str, Any], wai: list[dict[str, Any]], bands: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """One Vega-Lite spec for the chart page: SRS with its cutoff and rupture/repair
    markers, the symptom measures with their caseness lines, and the WAI-SR profile; all on
    one session axis, sized to the container so it reads on a phone."""
    srs = [
        {"session": r.number, "total": r.totals["srs"]} for r in chart["rows"] if "srs" in r.totals
    ]
    symptoms = [
        {"session": r.number, "measure": name.upper(), "total": r.totals[name]}
        for r in chart["rows"]
        for name in CASENESS
        if name in r.totals
    ]
    markers = []  # what the scores suggest: a drop and the return to the level before it
    for row in chart["rows"]:
        for signal in row.signals:
            if signal.kind == "possible_rupture":
                markers.append(
                    {
                        "session": row.number,
                        "total": signal.evidence["srs_total"],
                        "event": "drop (scores)",
                    }
                )
                if signal.evidence.get("repair_session"):
                    markers.append(
                        {
                            "session": signal.evidence["repair_session"],
                            "total": signal.evidence["repair_total"],
                            "event": "return (scores)",
                        }
                    )
    # What the clinician recorded: the rupture by type, and the repair steps by letter.
    recorded = [
        {"session": r.session_number, "event": r.rupture_type, "outcome": r.get_outcome_display()}
        for r in chart.get("ruptures", [])
    ]
    steps = [
        {"session": step.session_number, "step": step.get_step_display(),
         "letter": step.step[0].upper(), "event": "repair step",
         "level": STEP_LEVEL[step.step]}
        for r in chart.get("ruptures", []) for step in r.step_list
    ]  # fmt: skip
    events = {
        "field": "event",
        "type": "nominal",
        "title": None,
        "scale": {
            "domain": list(EVENT_COLOURS),
            "range": list(EVENT_COLOURS.values()),
        },
    }
    x = {"field": "session", "type": "quantitative", "title": "Session", "axis": {"tickMinStep": 1}}
    panels: list[dict[str, Any]] = [
        {
            "title": {"text": "SRS", "subtitle": "dashed: 36, alliance concern"},
            "height": 150,
            "width": "container",
            "layer": [
                {
                    "data": {"values": srs},
                    "mark": {"type": "line", "point": True},
                    "encoding": {
                        "x": x,
                        "y": {
                            "field": "total",
                            "type": "quantitative",
                            "title": "SRS",
                            "scale": {"domain": [20, 40]},
                        },
                    },
                },
                {
                    "data": {"values": [{"cutoff": 36}]},
                    "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#b3261e"},
                    "encoding": {"y": {"field": "cutoff", "type": "quantitative"}},
                },
                {
                    "data": {"values": markers},
                    "mark": {"type": "point", "size": 120, "filled": True},
                    "encoding": {
                        "x": x,
                        "y": {"field": "total", "type": "quantitative"},
                        "color": events,
                        "tooltip": [{"field": "event"}, {"field": "session"}, {"field": "total"}],
                    },
                },
                {
                    "data": {"values": recorded},
                    "mark": {"type": "rule", "strokeWidth": 2, "opacity": 0.7},
                    "encoding": {
                        "x": x,
                        "color": events,
                        "tooltip": [
                            {"field": "event", "title": "rupture"},
                            {"field": "session"},
                            {"field": "outcome"},
                        ],
                    },
                },
                {
                    "data": {"values": steps},
                    "mark": {"type": "text", "fontWeight": "bold", "dy": -4},
                    "encoding": {
                        "x": x,
                        "y": {"field": "level", "type": "quantitative"},
                        "text": {"field": "letter"},
                        "color": events,
                        "tooltip": [{"field": "step"}, {"field": "session"}],
                    },
                },
            ],
        }
    ]
    if symptoms:
        present = sorted({s["measure"] for s in symptoms})
        rules = [{"measure": m, "caseness": CASENESS[m.lower()]} for m in present]
        panels.append(
            {
                "title": {
                    "text": "Symptoms",
                    "subtitle": "dashed: caseness" + (" · shaded: expected" if bands else ""),
                },
                "height": 150,
                "width": "container",
                "layer": [
                    {
                        "data": {"values": bands or []},
                        "mark": {"type": "area", "opacity": 0.15},
                        "encoding": {
                            "x": x,
                            "y": {"field": "low", "type": "quantitative"},
                            "y2": {"field": "high"},
                            "color": {"field": "measure", "type": "nominal"},
                            "tooltip": [
                                {"field": "measure"},
                                {"field": "session"},
                                {"field": "expected", "title": "expected"},
                                {"field": "low"},
                                {"field": "high"},
                            ],
                        },
                    },
                    {
                        "data": {"values": symptoms},
                        "mark": {"type": "line", "point": True},
                        "encoding": {
                            "x": x,
                            "y": {"field": "total", "type": "quantitative", "title": "Score"},
                            "color": {"field": "measure", "type": "nominal", "title": None},
                        },
                    },
                    {
                        "data": {"values": rules},
                        "mark": {"type": "rule", "strokeDash": [4, 4]},
                        "encoding": {
                            "y": {"field": "caseness", "type": "quantitative"},
                            "color": {"field": "measure", "type": "nominal"},
                        },
                    },
                ],
            }
        )
    if wai:
        panels.append(
            {
                "title": {"text": "WAI-SR profile", "subtitle": "subscale means, 1-5"},
                "height": 120,
                "width": "container",
                "data": {"values": wai},
                "mark": "bar",
                "encoding": {
                    "x": {"field": "subscale", "type": "nominal", "title": None},
                    "xOffset": {"field": "session", "type": "nominal"},
                    "y": {"field": "mean", "type": "quantitative", "scale": {"domain": [1, 5]}},
                    "color": {"field": "session", "type": "nominal", "title": "Session"},
                },
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "vconcat": panels,
        "resolve": {"scale": {"color": "independent"}},
        "autosize": {"type": "fit-x", "contains": "padding"},
        "padding": {"left": 4, "right": 14, "top": 4, "bottom": 4},
        # Legends below the plot in columns: a row of six labels runs off a phone.
        "config": {"view": {"stroke": None}, "legend": {"orient": "bottom", "columns": 3}},
    }


def wai_profile(client: Client) -> list[dict[str, Any]]:
    forms = Administration.objects.filter(
        session__episode__client=client, instrument="wai-sr", amended_by__isnull=True
    ).select_related("session")
    return [
        {"session": f"S{a.session.number}", "subscale": name.capitalize(), "mean": mean}
        for a in forms
        for name, mean in a.score["subscale_means"].items()
    ]
