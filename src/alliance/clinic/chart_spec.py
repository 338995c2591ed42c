"""The client chart as one Vega-Lite spec, built from care's `ChartData` panel by panel.

From the top: the SRS total with its cutoff and the rupture and repair markers; the PHQ-9 and
GAD-7 (higher is worse) with their caseness lines, expected bands and self-harm answers; the
ORS (higher is better) on its own; the SRS's four lines session by session (which line was
low); the WAI-SR profile. The panels share one session axis (from session 1, whole numbers),
are sized to the container so they read on a phone, and hold every score: each axis runs
over the instrument's whole range, the SRS's down to below its lowest score, and each mark is
clipped to its panel. Every cutoff line comes from `ChartData`, which reads the instrument
definitions: the chart draws the line the rules use.

For a screen reader every mark has words (`said`, its `description`), and a layer with no
marks is left out: an empty one would still draw an unlabelled SVG group. A legend lists
only what is drawn, in the colours it is drawn in.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from alliance.care.services.chart_types import ChartData

# Repair-step letters stacked near the foot of the SRS panel, one row per step, as a share of
# the panel's height.
STEP_LEVEL = {"noticed": 0.05, "marked": 0.15, "explored": 0.25}
STEP_LETTERS = "N noticed, M marked with the client, E explored the client's experience"
EVENT_COLOURS = {
    "drop (scores)": "#b3261e",
    "return (scores)": "#2e6b3a",
    "withdrawal": "#6a4c93",
    "confrontation": "#d1495b",
    "unclear": "#7a7a7a",
    "repair step (N, M, E)": "#1a56a8",
}
SRS_COLOUR = "#222222"
# Okabe-Ito colours, told apart with any colour vision; the self-harm mark in the drop's red.
MEASURE_COLOURS = {"PHQ-9": "#0072b2", "GAD-7": "#e69f00", "ORS": "#009e73"}
SELF_HARM_LABEL = "self-harm answer"
SELF_HARM_COLOUR = "#b3261e"
# An SRS line's colour, 0-10: pale where the client rated the session as they wanted it,
# darkening to red as the line falls.
LINE_SCALE = {
    "domain": [0, 6, 8, 9, 10],
    "range": ["#67000d", "#cb181d", "#fc9272", "#fee0d2", "#ffffff"],
}
# What a screen reader says of a mark (the marks are drawn as SVG with an image role).
SAID = {"field": "said", "type": "nominal"}


def said(words: str) -> list[dict[str, str]]:
    """`said` worked out in the browser, for the layers with a mark a session: a long course
    would otherwise send the same words hundreds of times. `words` is a Vega expression."""
    return [{"calculate": words, "as": "said"}]


def number(field: str) -> str:
    # As Python's :g prints it: 38, 37.5.
    return f"format(datum.{field}, '~g')"


# The plot's edge is a few pixels beyond the range's ends (and half a session beyond the
# first and last), so a point there is drawn whole inside the clip.
EDGE = 6


def vega_spec(chart: ChartData) -> dict[str, Any]:
    """The chart's spec; a panel only for what the client fills."""
    present = {name for row in chart.rows for name in row.totals}
    panels = []
    if "srs" in present:
        panels.append(srs_panel(chart))
    if present & {"phq-9", "gad-7"} or any(row.self_harm for row in chart.rows):
        panels.append(symptom_panel(chart, ("phq-9", "gad-7")))
    if "ors" in present:
        panels.append(symptom_panel(chart, ("ors",)))
    if any(row.srs_lines for row in chart.rows):
        panels.append(srs_lines_panel(chart))
    if chart.wai_profile:
        panels.append(wai_panel(chart))
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "vconcat": panels,
        "resolve": {"scale": {"color": "independent"}},
        "autosize": {"type": "fit-x", "contains": "padding"},
        "padding": {"left": 4, "right": 14, "top": 4, "bottom": 4},
        "config": {
            "view": {"stroke": None},
            # Legends below the plot in columns: a row of six labels runs off a phone.
            "legend": {"orient": "bottom", "columns": 2, "labelLimit": 260},
            # One width for every panel's left axis, so the sessions line up down the chart.
            "axisY": {"minExtent": 72, "maxExtent": 72},
        },
    }


def with_shared_data(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with each list of values that several layers draw (a panel's line and its
    points) sent once, as a named dataset the layers refer to: on a long course the scores
    are most of the page, and writing them out twice costs as much again to encode."""
    seen: dict[int, list[dict[str, Any]]] = {}
    for panel in spec["vconcat"]:
        for layer in panel.get("layer", ()):
            values = layer["data"].get("values")
            if values is not None:
                seen.setdefault(id(values), []).append(layer)
    datasets: dict[str, Any] = {}
    shared: dict[int, dict[str, Any]] = {}  # id of a layer: the layer naming its dataset
    for layers in seen.values():
        if len(layers) > 1:
            name = f"data-{len(datasets) + 1}"
            datasets[name] = layers[0]["data"]["values"]
            for layer in layers:
                shared[id(layer)] = layer | {"data": {"name": name}}
    if not datasets:
        return spec
    panels = [
        panel | {"layer": [shared.get(id(layer), layer) for layer in panel["layer"]]}
        if "layer" in panel
        else panel
        for panel in spec["vconcat"]
    ]
    return spec | {"vconcat": panels, "datasets": datasets}


def session_axis(chart: ChartData, field: str = "session") -> dict[str, Any]:
    """Session 1 to the last, whole numbers (no session 0, no half sessions), each session
    in the middle of its own width, as the SRS lines' cells are drawn."""
    last = max((row.session_number for row in chart.rows), default=1)
    return {
        "field": field,
        "type": "quantitative",
        "title": "Session",
        "scale": {"domain": [0.5, last + 0.5], "nice": False, "zero": False, "padding": EDGE},
        # On a phone a long course's labels would overlap: some are left out, never the 1.
        "axis": {"values": session_ticks(last), "format": "d",
                 "labelOverlap": "greedy", "labelSeparation": 6,
                 "description": f"Session axis, sessions 1 to {last}"},
    }  # fmt: skip


def session_ticks(last: int) -> list[int]:
    """Session 1, then every session (or every 2nd, 5th, 10th, ...): at most about ten."""
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, last) if last / s <= 10)
    return [1, *range(step if step > 2 else 1 + step, last + 1, step)]


def _y(field: str, title: str, domain: list[float]) -> dict[str, Any]:
    return {
        "field": field,
        "type": "quantitative",
        "title": title,
        "scale": {"domain": domain, "nice": False, "zero": False, "padding": EDGE},
        "axis": {"description": f"{title} axis, {domain[0]:g} to {domain[1]:g}"},
    }


def _colours(present: list[str], palette: dict[str, str], title: str | None) -> dict[str, Any]:
    """A colour scale of the categories drawn, in their palette's order: the legend lists no
    mark that is not there."""
    domain = [name for name in palette if name in present]
    return {
        "field": "event",
        "type": "nominal",
        "title": title,
        "scale": {"domain": domain, "range": [palette[name] for name in domain]},
    }


def _with_marks(*layers: dict[str, Any]) -> list[dict[str, Any]]:
    return [layer for layer in layers if layer["data"]["values"]]


def srs_domain(chart: ChartData) -> list[float]:
    """Up to 40, from 20 or, below that, from a little under the lowest score (a 13 draws
    from 10): the panel holds every score and keeps its detail near the ceiling. With
    repair steps, the panel's foot, where their letters stand, is kept clear of the scores."""
    low, high = chart.ranges["srs"]
    scores = [row.totals["srs"] for row in chart.rows if "srs" in row.totals]
    lowest = min([chart.srs_concern_cutoff, *scores])
    room = (high - lowest) * 0.45 if any(r.step_list for r in chart.ruptures) else 2
    return [max(low, min(20.0, 5 * math.floor((lowest - room) / 5))), high]


def srs_panel(chart: ChartData) -> dict[str, Any]:
    cutoff, domain, x = chart.srs_concern_cutoff, srs_domain(chart), session_axis(chart)
    y = _y("total", "SRS", domain)
    scores = [row.totals["srs"] for row in chart.rows if "srs" in row.totals]
    srs = [{"session": r.session_number, "total": r.totals["srs"]}
           for r in chart.rows if "srs" in r.totals]  # fmt: skip
    markers = _score_markers(chart)
    recorded = _recorded_ruptures(chart)
    steps = _repair_steps(chart, domain)
    present = [v["event"] for layer in (markers, recorded, steps) for v in layer]
    events = _colours(present, EVENT_COLOURS, None)
    summary = f"SRS total by session, {len(srs)} sessions, lowest {min(scores):g}"
    return {
        "title": {"text": "SRS", "subtitle": f"dashed: {cutoff:g}, alliance concern"},
        "height": 150,
        "width": "container",
        "layer": _with_marks(
            {"data": {"values": srs}, "mark": {"type": "line", "color": SRS_COLOUR, "clip": True},
             "encoding": {"x": x, "y": y, "description": {"value": summary}}},
            {"data": {"values": srs},
             "transform": said(f"'SRS ' + {number('total')} + ' at session ' + datum.session"),
             "mark": {"type": "point", "filled": True, "color": SRS_COLOUR, "clip": True},
             "encoding": {"x": x, "y": y, "description": SAID,
                          "tooltip": [{"field": "session"}, {"field": "total", "title": "SRS"}]}},
            {"data": {"values": [{"cutoff": cutoff, "said": f"alliance concern at {cutoff:g}"}]},
             "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#b3261e", "clip": True},
             "encoding": {"y": _y("cutoff", "SRS", domain), "description": SAID}},
            {"data": {"values": markers},
             "mark": {"type": "point", "size": 120, "filled": True, "clip": True},
             "encoding": {"x": x, "y": y, "color": events, "description": SAID,
                          "tooltip": [{"field": "event"}, {"field": "session"},
                                      {"field": "total"}]}},
            {"data": {"values": recorded},
             "mark": {"type": "rule", "strokeWidth": 2, "opacity": 0.7, "clip": True},
             "encoding": {"x": x, "color": events, "description": SAID,
                          "tooltip": [{"field": "event", "title": "rupture"},
                                      {"field": "session"}, {"field": "outcome"}]}},
            {"data": {"values": steps},
             "mark": {"type": "text", "fontWeight": "bold", "dy": -4, "clip": True},
             "encoding": {"x": x, "y": _y("level", "SRS", domain), "text": {"field": "letter"},
                          "color": events, "description": SAID,
                          "tooltip": [{"field": "step"}, {"field": "session"}]}},
        ),
    }  # fmt: skip


def _score_markers(chart: ChartData) -> list[dict[str, Any]]:
    """What the scores suggest: a drop, and the return to the level before it."""
    markers = []
    for drop in chart.score_ruptures:
        said = f"SRS drop to {drop.total:g} at session {drop.session}"
        markers.append({"session": drop.session, "total": drop.total, "event": "drop (scores)",
                        "said": said})  # fmt: skip
        if drop.repair_session and drop.repair_total is not None:
            markers.append({"session": drop.repair_session, "total": drop.repair_total,
                            "event": "return (scores)",
                            "said": f"SRS back to {drop.repair_total:g} at session "
                                    f"{drop.repair_session}"})  # fmt: skip
    return markers


def _recorded_ruptures(chart: ChartData) -> list[dict[str, Any]]:
    """What the clinician recorded: the rupture by type, at its session."""
    return [
        {"session": r.session_number, "event": r.rupture_type, "outcome": r.get_outcome_display(),
         "said": f"{r.rupture_type} rupture recorded at session {r.session_number}, "
                 f"{r.get_outcome_display().lower()}"}
        for r in chart.ruptures
    ]  # fmt: skip


def _repair_steps(chart: ChartData, domain: list[float]) -> list[dict[str, Any]]:
    low, high = domain
    return [
        {"session": step.session_number, "step": step.get_step_display(),
         "letter": step.step[0].upper(), "event": "repair step (N, M, E)",
         "level": low + (high - low) * STEP_LEVEL[step.step],
         "said": f"repair step {step.get_step_display().lower()} at session {step.session_number}"}
        for r in chart.ruptures for step in r.step_list
    ]  # fmt: skip


def symptom_panel(chart: ChartData, names: tuple[str, ...]) -> dict[str, Any]:
    """The PHQ-9 and GAD-7 (higher is worse, with the self-harm answers), or the ORS
    (higher is better): one direction to a panel."""
    x = session_axis(chart)
    present = [n for n in names if any(n in r.totals for r in chart.rows)]
    labels = {name: name.upper() for name in names}
    domain = [min(chart.ranges[n][0] for n in names), max(chart.ranges[n][1] for n in names)]
    lines = [{"session": r.session_number, "event": labels[name], "total": r.totals[name]}
             for name in present for r in chart.rows if name in r.totals]  # fmt: skip
    rules = [{"event": labels[name], "caseness": chart.caseness[name],
              "said": f"{labels[name]} caseness at {chart.caseness[name]:g}"}
             for name in present if name in chart.caseness]  # fmt: skip
    bands = [b for b in chart.expected_bands if b["measure"] in {labels[n] for n in names}]
    harm = [
        {"session": r.session_number, "event": SELF_HARM_LABEL,
         "said": f"self-harm answer (PHQ-9 item 9) at session {r.session_number}"}
        for r in chart.rows if r.self_harm
    ] if "phq-9" in names else []  # fmt: skip
    drawn = [*(labels[n] for n in present), *([SELF_HARM_LABEL] if harm else [])]
    colours = _colours(drawn, MEASURE_COLOURS | {SELF_HARM_LABEL: SELF_HARM_COLOUR}, None)
    is_ors = names == ("ors",)
    subtitle = ("higher is better" if is_ors else "higher is worse") + " · dashed: caseness"
    return {
        "title": {"text": "ORS" if is_ors else "Symptoms",
                  "subtitle": subtitle + (" · shaded: expected" if bands else "")},
        "height": 150,
        "width": "container",
        "layer": _with_marks(
            # The bands as care gives them; an area is one shape a measure, named by a
            # calculated `said`.
            {"data": {"values": bands},
             "transform": said("datum.measure + ' expected range, shaded'"),
             "mark": {"type": "area", "opacity": 0.15, "clip": True},
             "encoding": {"x": x, "y": _y("low", "Score", domain), "y2": {"field": "high"},
                          "color": colours | {"field": "measure"}, "description": SAID,
                          "tooltip": [{"field": "measure"}, {"field": "session"},
                                      {"field": "expected", "title": "expected"},
                                      {"field": "low"}, {"field": "high"}]}},
            {"data": {"values": harm},
             "mark": {"type": "rule", "strokeWidth": 3, "opacity": 0.8, "clip": True},
             "encoding": {"x": x, "color": colours, "description": SAID,
                          "tooltip": [{"field": "event"}, {"field": "session"}]}},
            {"data": {"values": lines}, "mark": {"type": "line", "clip": True},
             "transform": said("datum.event + ' by session'"),
             "encoding": {"x": x, "y": _y("total", "Score", domain), "color": colours,
                          "description": SAID}},
            {"data": {"values": lines}, "mark": {"type": "point", "filled": True, "clip": True},
             "transform": said(f"datum.event + ' ' + {number('total')} + ' at session ' "
                               "+ datum.session"),
             "encoding": {"x": x, "y": _y("total", "Score", domain), "color": colours,
                          "description": SAID,
                          "tooltip": [{"field": "event", "title": "measure"},
                                      {"field": "session"}, {"field": "total"}]}},
            {"data": {"values": rules},
             "mark": {"type": "rule", "strokeDash": [4, 4], "clip": True},
             "encoding": {"y": _y("caseness", "Score", domain), "color": colours,
                          "description": SAID}},
        ),
    }  # fmt: skip


def srs_lines_panel(chart: ChartData) -> dict[str, Any]:
    """The SRS's four lines session by session, darker where a line was rated lower: which
    part of the session (the relationship, the goals, the approach, overall) fell short.
    One datum a session, unfolded into its four cells in the browser."""
    names = chart.srs_line_names
    sessions = []
    for row in chart.rows:
        if row.srs_lines:
            session: dict[str, Any] = {"session": row.session_number}
            session |= dict(zip(names, row.srs_lines, strict=True))
            lowest = min(row.srs_lines)
            if lowest < max(row.srs_lines):  # the session's lowest line, said so
                session["low"] = names[row.srs_lines.index(lowest)]
            sessions.append(session)
    key = {"field": "value", "type": "quantitative", "title": "Line (0-10)", "scale": LINE_SCALE,
           "legend": {"direction": "horizontal", "gradientLength": 120}}  # fmt: skip
    return {
        "title": {"text": "SRS by line", "subtitle": "each line 0-10; darker: rated lower"},
        "height": 16 * len(names),
        "width": "container",
        "view": {"stroke": "#dddddd"},  # the frame of a strip that is white where all is well
        "data": {"values": sessions},
        "transform": [
            {"fold": list(names), "as": ["line", "value"]},
            {"calculate": "datum.session - 0.5", "as": "start"},
            {"calculate": "datum.session + 0.5", "as": "end"},
            *said(f"datum.line + ' ' + {number('value')} + ' of 10 at session ' + datum.session"
                  " + (datum.line === datum.low ? ', the lowest line' : '')"),
        ],
        "mark": {"type": "rect", "clip": True},
        "encoding": {
            "x": session_axis(chart, "start"),
            "x2": {"field": "end"},
            "y": {"field": "line", "type": "nominal", "sort": list(names), "title": None},
            "color": key,
            "description": SAID,
            "tooltip": [{"field": "session"}, {"field": "line"}, {"field": "value"}],
        },
    }  # fmt: skip


def wai_panel(chart: ChartData) -> dict[str, Any]:
    """The latest WAI-SR profiles: each subscale's mean as a bar from the scale's floor."""
    floor, top = chart.ranges["wai-sr"]
    shown = len({bar.session for bar in chart.wai_profile})
    latest = f" · the latest {shown} of {chart.wai_forms}" if chart.wai_forms > shown else ""
    bars = [asdict(bar) | {"said": f"{bar.subscale} mean {bar.mean:g} of {top:g} at session "
                                   f"{bar.session.removeprefix('S')}"}
            for bar in chart.wai_profile]  # fmt: skip
    return {
        "title": {"text": "WAI-SR profile",
                  "subtitle": f"subscale means, {floor:g}-{top:g}{latest}"},
        "height": 120,
        "width": "container",
        "data": {"values": bars},
        "mark": {"type": "bar", "clip": True},
        "encoding": {
            "x": {"field": "subscale", "type": "nominal", "title": None, "sort": "ascending",
                  "axis": {"labelAngle": 0, "labelFontSize": 12}},
            "xOffset": {"field": "session", "type": "nominal",
                        "sort": [bar["session"] for bar in bars]},
            "y": {"field": "mean", "type": "quantitative", "title": "Mean",
                  "scale": {"domain": [floor, top], "nice": False, "zero": False}},
            "y2": {"datum": floor},
            "color": {"field": "session", "type": "ordinal", "title": "Session",
                      "sort": [bar["session"] for bar in bars], "scale": {"scheme": "blues"}},
            "description": SAID,
            "tooltip": [{"field": "session"}, {"field": "subscale"}, {"field": "mean"}],
        },
    }  # fmt: skip
