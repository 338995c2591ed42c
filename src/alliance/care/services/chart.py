"""A client's record laid out by session for the chart page: one query per table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models import Administration, Client, SignalAcknowledgement, SignalRecord
from .acknowledgements import with_acknowledgement

COLUMNS = ("srs", "phq-9", "gad-7", "ors", "wai-sr")


@dataclass
class SessionRow:
    number: int
    held_on: Any
    totals: dict[str, float] = field(default_factory=dict)
    signals: list[SignalRecord] = field(default_factory=list)
    values: list[float | None] = field(default_factory=list)

    def cells(self, columns: tuple[str, ...]) -> list[float | None]:
        return [self.totals.get(name) for name in columns]


def client_chart(client: Client) -> dict[str, Any]:
    administrations = (
        Administration.objects.filter(session__episode__client=client, amended_by__isnull=True)
        .select_related("session")
        .order_by("session__number")
    )
    rows: dict[int, SessionRow] = {}
    for a in administrations:
        row = rows.setdefault(a.session.number, SessionRow(a.session.number, a.session.held_on))
        row.totals[a.instrument] = a.total
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
    ordered = [rows[n] for n in sorted(rows)]
    # Only the measures this client fills: a narrow table reads on a phone.
    columns = tuple(name for name in COLUMNS if any(name in row.totals for row in ordered))
    for row in ordered:
        row.values = row.cells(columns)
    return {"columns": columns, "rows": ordered, "urgent_open": urgent_open}


CASENESS = {"phq-9": 10, "gad-7": 8, "ors": 25}


def vega_spec(chart: dict[str, Any], wai: list[dict[str, Any]]) -> dict[str, Any]:
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
    markers = []
    for row in chart["rows"]:
        for signal in row.signals:
            if signal.kind == "possible_rupture":
                markers.append(
                    {
                        "session": row.number,
                        "total": signal.evidence["srs_total"],
                        "event": "rupture",
                    }
                )
                if signal.evidence.get("repair_session"):
                    markers.append(
                        {
                            "session": signal.evidence["repair_session"],
                            "total": signal.evidence["repair_total"],
                            "event": "repair",
                        }
                    )
    x = {"field": "session", "type": "quantitative", "title": "Session", "axis": {"tickMinStep": 1}}
    panels: list[dict[str, Any]] = [
        {
            "title": "SRS (dashed: 36, alliance concern)",
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
                        "color": {
                            "field": "event",
                            "type": "nominal",
                            "title": None,
                            "scale": {
                                "domain": ["rupture", "repair"],
                                "range": ["#b3261e", "#2e6b3a"],
                            },
                        },
                        "tooltip": [{"field": "event"}, {"field": "session"}, {"field": "total"}],
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
                "title": "Symptoms (dashed: caseness)",
                "height": 150,
                "width": "container",
                "layer": [
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
                "title": "WAI-SR profile (subscale means, 1-5)",
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
        "config": {"view": {"stroke": None}, "legend": {"orient": "bottom"}},
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
