"""The client chart as one Vega-Lite spec, built from care's `ChartData` panel by panel.

SRS with its cutoff and the rupture/repair markers, the symptom measures with their
caseness lines and expected bands, and the WAI-SR profile; all on one session axis, sized to
the container so it reads on a phone. Every cutoff line comes from `ChartData`, which reads
the instrument definitions: the chart draws the line the rules use.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from alliance.care.services.chart import ChartData

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
SESSION_AXIS = {
    "field": "session",
    "type": "quantitative",
    "title": "Session",
    "axis": {"tickMinStep": 1},
}
EVENTS = {
    "field": "event",
    "type": "nominal",
    "title": None,
    "scale": {"domain": list(EVENT_COLOURS), "range": list(EVENT_COLOURS.values())},
}


# What a screen reader says of a mark (the marks are drawn as SVG with an image role).
SAID = {"field": "said", "type": "nominal"}


def vega_spec(chart: ChartData) -> dict[str, Any]:
    panels = [srs_panel(chart)]
    if any(name in row.totals for row in chart.rows for name in chart.caseness):
        panels.append(symptom_panel(chart))
    if chart.wai_profile:
        panels.append(wai_panel(chart))
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "vconcat": panels,
        "resolve": {"scale": {"color": "independent"}},
        "autosize": {"type": "fit-x", "contains": "padding"},
        "padding": {"left": 4, "right": 14, "top": 4, "bottom": 4},
        # Legends below the plot in columns: a row of six labels runs off a phone.
        "config": {"view": {"stroke": None}, "legend": {"orient": "bottom", "columns": 3}},
    }


def srs_panel(chart: ChartData) -> dict[str, Any]:
    cutoff = chart.srs_concern_cutoff
    srs = [
        {"session": r.session_number, "total": r.totals["srs"]}
        for r in chart.rows
        if "srs" in r.totals
    ]
    return {
        "title": {"text": "SRS", "subtitle": f"dashed: {cutoff:g}, alliance concern"},
        "height": 150,
        "width": "container",
        "layer": [
            {
                "data": {"values": srs},
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": SESSION_AXIS,
                    "y": {
                        "field": "total",
                        "type": "quantitative",
                        "title": "SRS",
                        "scale": {"domain": [20, 40]},
                    },
                },
            },
            {
                "data": {"values": [{"cutoff": cutoff}]},
                "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#b3261e"},
                "encoding": {"y": {"field": "cutoff", "type": "quantitative"}},
            },
            # Only layers with marks: an empty one would still draw an unlabelled SVG group
            # (which a screen reader announces as an image without a name).
            *(
                layer
                for layer in (
                    _score_markers(chart),
                    _recorded_ruptures(chart),
                    _repair_steps(chart),
                )
                if layer["data"]["values"]
            ),
        ],
    }


def _score_markers(chart: ChartData) -> dict[str, Any]:
    """What the scores suggest: a drop, and the return to the level before it."""
    markers = []
    for row in chart.rows:
        for signal in row.signals:
            if signal.kind != "possible_rupture":
                continue
            evidence = signal.evidence
            markers.append({"session": row.session_number, "total": evidence["srs_total"],
                            "event": "drop (scores)",
                            "said": f"SRS drop to {evidence['srs_total']:g} at session "
                                    f"{row.session_number}"})  # fmt: skip
            if evidence.get("repair_session"):
                markers.append({"session": evidence["repair_session"],
                                "total": evidence["repair_total"],
                                "event": "return (scores)",
                                "said": f"SRS back to {evidence['repair_total']:g} at session "
                                        f"{evidence['repair_session']}"})  # fmt: skip
    return {
        "data": {"values": markers},
        "mark": {"type": "point", "size": 120, "filled": True},
        "encoding": {
            "x": SESSION_AXIS,
            "y": {"field": "total", "type": "quantitative"},
            "color": EVENTS,
            "tooltip": [{"field": "event"}, {"field": "session"}, {"field": "total"}],
            "description": SAID,
        },
    }


def _recorded_ruptures(chart: ChartData) -> dict[str, Any]:
    """What the clinician recorded: the rupture by type, at its session."""
    recorded = [
        {"session": r.session_number, "event": r.rupture_type, "outcome": r.get_outcome_display(),
         "said": f"{r.rupture_type} rupture recorded at session {r.session_number}, "
                 f"{r.get_outcome_display().lower()}"}
        for r in chart.ruptures
    ]  # fmt: skip
    return {
        "data": {"values": recorded},
        "mark": {"type": "rule", "strokeWidth": 2, "opacity": 0.7},
        "encoding": {
            "x": SESSION_AXIS,
            "color": EVENTS,
            "tooltip": [
                {"field": "event", "title": "rupture"},
                {"field": "session"},
                {"field": "outcome"},
            ],
            "description": SAID,
        },
    }


def _repair_steps(chart: ChartData) -> dict[str, Any]:
    steps = [
        {"session": step.session_number, "step": step.get_step_display(),
         "letter": step.step[0].upper(), "event": "repair step",
         "level": STEP_LEVEL[step.step],
         "said": f"repair step {step.get_step_display().lower()} at session {step.session_number}"}
        for r in chart.ruptures for step in r.step_list
    ]  # fmt: skip
    return {
        "data": {"values": steps},
        "mark": {"type": "text", "fontWeight": "bold", "dy": -4},
        "encoding": {
            "x": SESSION_AXIS,
            "y": {"field": "level", "type": "quantitative"},
            "text": {"field": "letter"},
            "color": EVENTS,
            "tooltip": [{"field": "step"}, {"field": "session"}],
            "description": SAID,
        },
    }


def symptom_panel(chart: ChartData) -> dict[str, Any]:
    symptoms = [
        {"session": r.session_number, "measure": name.upper(), "total": r.totals[name]}
        for r in chart.rows
        for name in chart.caseness
        if name in r.totals
    ]
    present = sorted({name for r in chart.rows for name in chart.caseness if name in r.totals})
    rules = [{"measure": name.upper(), "caseness": chart.caseness[name]} for name in present]
    bands = chart.expected_bands
    return {
        "title": {
            "text": "Symptoms",
            "subtitle": "dashed: caseness" + (" · shaded: expected" if bands else ""),
        },
        "height": 150,
        "width": "container",
        "layer": [
            {
                "data": {"values": bands},
                "mark": {"type": "area", "opacity": 0.15},
                "encoding": {
                    "x": SESSION_AXIS,
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
                    "x": SESSION_AXIS,
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


def wai_panel(chart: ChartData) -> dict[str, Any]:
    return {
        "title": {"text": "WAI-SR profile", "subtitle": "subscale means, 1-5"},
        "height": 120,
        "width": "container",
        "data": {"values": [asdict(bar) for bar in chart.wai_profile]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "subscale", "type": "nominal", "title": None},
            "xOffset": {"field": "session", "type": "nominal"},
            "y": {"field": "mean", "type": "quantitative", "scale": {"domain": [1, 5]}},
            "color": {"field": "session", "type": "nominal", "title": "Session"},
        },
    }
