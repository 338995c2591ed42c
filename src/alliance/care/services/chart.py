"""A client's record laid out by session for the chart page, in a fixed number of queries.

`client_chart` returns one typed `ChartData`: the table's rows (their display values formatted
once, here), what the clinician recorded, the SRS's four lines and the self-harm answers by
session, the WAI-SR profile, the expected-response bands and the cutoffs and ranges in force
(read from the instrument definitions, so the chart's lines are the rules' lines). How it is
drawn (the Vega-Lite spec) is the clinic app's business.

A long course has hundreds of signals; the page shows the full text of only those in its
timeline (the latest sessions and any safety signal not yet acted on), so the others are read
light: which sessions have any, and the few the chart and the banners need one by one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Q, TextField, When
from django.db.models.fields.json import KeyTransform

from alliance.measures import get_definition

from ..dates import day_month
from ..labels import signal_label
from ..models import (
    Administration,
    Client,
    Episode,
    HeldSelfHarmAnswer,
    RepairStep,
    Rupture,
    Session,
    SignalAcknowledgement,
    SignalRecord,
)
from .chart_types import ChartData, ScoreRupture, SessionRow, SignalCard, WaiBar
from .clients import current_episode
from .reference import client_reference, expected_band
from .ruptures import MARKER_LABELS

COLUMNS = ("srs", "phq-9", "gad-7", "ors", "wai-sr")
SYMPTOM_INSTRUMENTS = ("phq-9", "gad-7", "ors")
# The safety signal a self-harm answer raises (the PHQ-9's item-9 flag of the same name).
SELF_HARM = "self_harm_risk"
# The timeline's latest sessions (a long course would otherwise make a page of megabytes).
TIMELINE_RECENT = 20
# The WAI-SR forms the profile draws: the latest few, so that each bar keeps a readable width.
WAI_FORMS_DRAWN = 4
NO_VALUE = "\N{EN DASH}"


def client_chart(client: Client, *, whole_timeline: bool = False) -> ChartData:
    """The client's sessions with their totals, signals and what the clinician recorded, in
    the current course of treatment (the open episode, else the latest ended): a returning
    client's sessions are numbered from 1 again, and two courses never share a row."""
    return episode_chart(client, current_episode(client), whole_timeline=whole_timeline)


def episode_chart(
    client: Client, episode: Episode | None, *, whole_timeline: bool = False
) -> ChartData:
    """`client_chart` of a course already at hand (None: the client has none yet)."""
    rows: dict[int, SessionRow] = {
        number: SessionRow(number, held_on)
        for number, held_on in Session.objects.filter(episode=episode)
        .order_by("number")
        .values_list("number", "held_on")
    }
    wai_forms = _attach_forms(episode, rows)
    light = _read_signals_light(client.pk, episode, rows)
    ruptures = _attach_ruptures(episode, rows)
    ordered = [rows[n] for n in sorted(rows)]
    # Only the instruments this client fills: a narrow table reads on a phone.
    columns = tuple(name for name in COLUMNS if any(name in row.totals for row in ordered))
    # Django's "j M" (what the `date` filter would print), its month names read once.
    for row in ordered:
        row.held_label = day_month(row.held_on)
        row.cells = [_shown(row.totals.get(name)) for name in columns]
    timeline, hidden = _timeline_rows(ordered, light, whole=whole_timeline)
    signals = _full_signals(episode, rows, timeline, light, whole=whole_timeline)
    urgent_open = [s for s in signals if s["severity"] == "urgent" and not s["acknowledged"]]
    wai = [s for s in signals if s["kind"] == "wai_profile"]
    srs = get_definition("srs")
    return ChartData(
        episode=episode,
        columns=columns,
        rows=ordered,
        urgent_open=urgent_open,
        ruptures=ruptures,
        score_ruptures=light.score_ruptures,
        # The latest WAI-SR profile's formulation guidance, shown under the chart's profile.
        wai_guidance=wai[-1] if wai else None,
        wai_profile=[bar for bars in wai_forms[-WAI_FORMS_DRAWN:] for bar in bars],
        wai_forms=len(wai_forms),
        expected_bands=_expected_bands(client, ordered),
        srs_concern_cutoff=srs.cutoffs["alliance_concern"],
        caseness={
            name: cutoff
            for name in SYMPTOM_INSTRUMENTS
            if (cutoff := get_definition(name).caseness) is not None
        },
        ranges=_ranges(),
        # "Relationship: felt heard, ..." -> "Relationship": a label that fits beside a row.
        srs_line_names=tuple(item.label.split(":")[0].split()[0] for item in srs.items),
        timeline=timeline,
        timeline_hidden=hidden,
        any_held_answer=light.any_held,
    )


def _ranges() -> dict[str, tuple[float, float]]:
    ranges = {}
    for name in ("srs", *SYMPTOM_INSTRUMENTS):
        definition = get_definition(name)
        ranges[name] = (definition.total_min, definition.total_max)
    wai = get_definition("wai-sr").scale  # drawn as subscale means, on the items' scale
    ranges["wai-sr"] = (wai.low, wai.high)
    return ranges


def _shown(value: float | None) -> str:
    """A table cell: a whole number without decimals, else one decimal (floatformat:"-1")."""
    if value is None:
        return NO_VALUE
    # Rounded to one decimal, a ".0" means the value rounds to that whole number.
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attach_forms(episode: Episode | None, rows: dict[int, SessionRow]) -> list[list[WaiBar]]:
    """Each session's totals and SRS lines; returns the WAI-SR profiles in session order.
    Only the parts of a stored score the chart draws are read, in the one query (a whole
    score a form, on a long course, costs more than the rest of the page's data)."""
    forms = Administration.objects.filter(session__episode=episode, amended_by__isnull=True)
    forms = forms.annotate(
        srs_answers=_part_of("srs", "answers"), wai_means=_part_of("wai-sr", "subscale_means")
    )
    srs_items = get_definition("srs").item_ids
    # In the definition's order (PostgreSQL keeps a JSON object's keys in an order of its own).
    subscales = [subscale.id for subscale in get_definition("wai-sr").subscales]
    wai = []
    for number, instrument, total, answers, means in forms.values_list(
        "session__number", "instrument", "total", "srs_answers", "wai_means"
    ):
        row = rows[number]
        row.totals[instrument] = total
        if answers is not None:
            lines = json.loads(answers)
            row.srs_lines = tuple([float(lines[item]) for item in srs_items])
        if means is not None:
            by_name = json.loads(means)
            bars = [WaiBar(f"S{number}", name.capitalize(), by_name[name]) for name in subscales]
            wai.append((number, bars))
    return [bars for _number, bars in sorted(wai, key=lambda pair: pair[0])]


def _part_of(instrument: str, key: str) -> Case:
    """One key of the stored score as JSON text, for the forms of one instrument (NULL for
    the others): decoded here for those forms alone, not by the field for every form."""
    return Case(
        When(instrument=instrument, then=KeyTransform(key, "score")), output_field=TextField()
    )


# A signal read light: its session, kind, severity and whether it was acted on.
Light = tuple[int, str, str, bool]
# What a note names a signal by: session, kind, instrument.
SignalKey = tuple[int, str, str]
# The kinds read light one by one (the rest only as "this session has signals").
NOTABLE = ("possible_rupture", "wai_profile", SELF_HARM)


@dataclass
class _Signals:
    notable: dict[int, Light]  # by id: the urgent ones, the score-suggested ruptures, ...
    acted_on: set[SignalKey]
    score_ruptures: list[ScoreRupture]
    any_held: bool  # a self-harm answer held in any of the client's courses


def _read_signals_light(
    client_id: int, episode: Episode | None, rows: dict[int, SessionRow]
) -> _Signals:
    """The signals in force, read light: which sessions have any, and the notable ones one
    by one; a self-harm answer (PHQ-9 item 9 at or above its cutoff) marks its session."""
    acted_on = set(
        SignalAcknowledgement.objects.filter(episode=episode).values_list(
            "session_number", "kind", "instrument"
        )
    )
    # A self-harm answer held from a form refused as a whole is marked like a stored one,
    # and stays marked once acted on, as a stored one's signal does. Read for every course of
    # the client: whether one was ever held at all (the page then reads which still stand).
    held = HeldSelfHarmAnswer.objects.filter(session__episode__client_id=client_id)
    any_held = False
    for episode_id, number in held.values_list("session__episode_id", "session__number"):
        any_held = True
        if episode is not None and episode_id == episode.pk:
            rows[number].self_harm = True
    in_force = SignalRecord.objects.in_force().filter(episode=episode)
    for number in in_force.order_by().values_list("session_number", flat=True).distinct():
        if number in rows:
            rows[number].has_signals = True
    notable, drops = {}, []
    # The notable signals' evidence is small; a drop's gives the totals before and after.
    for pk, number, kind, severity, instrument, evidence in (
        in_force.filter(Q(kind__in=NOTABLE) | Q(severity="urgent"))
        .values_list("pk", "session_number", "kind", "severity", "instrument", "evidence")
    ):  # fmt: skip
        notable[pk] = (number, kind, severity, (number, kind, instrument) in acted_on)
        if number in rows:
            rows[number].self_harm |= kind == SELF_HARM
        if kind == "possible_rupture" and evidence is not None:
            drops.append(ScoreRupture(number, evidence["srs_total"],
                                      evidence.get("repair_session"),
                                      evidence.get("repair_total")))  # fmt: skip
    return _Signals(notable, acted_on, drops, any_held)


def _timeline_rows(
    rows: list[SessionRow], signals: _Signals, *, whole: bool
) -> tuple[list[SessionRow], int]:
    """The timeline's sessions: the latest ones and any session with a safety signal not yet
    acted on (or every session with events, when asked)."""
    with_events = [row for row in rows if row.has_events]
    if whole:
        return with_events, 0
    recent = {row.session_number for row in rows[-TIMELINE_RECENT:]}
    urgent = {number for number, _kind, severity, acted in signals.notable.values()
              if severity == "urgent" and not acted}  # fmt: skip
    shown = [row for row in with_events if row.session_number in recent | urgent]
    return shown, len(with_events) - len(shown)


def _full_signals(
    episode: Episode | None,
    rows: dict[int, SessionRow],
    timeline: list[SessionRow],
    light: _Signals,
    *,
    whole: bool,
) -> list[SignalCard]:
    """The signals read in full: the timeline's (with what was recorded about them), the
    urgent ones not acted on and the latest WAI-SR guidance."""
    notable = light.notable.items()
    wai = [(number, pk) for pk, (number, kind, _s, _a) in notable if kind == "wai_profile"]
    wanted = {max(wai)[1]} if wai else set()
    wanted |= {
        pk
        for pk, (_number, _kind, severity, acknowledged) in notable
        if severity == "urgent" and not acknowledged
    }
    sessions = [row.session_number for row in timeline]
    signals = SignalRecord.objects.in_force().filter(episode=episode)
    if not whole:
        signals = signals.filter(Q(pk__in=wanted) | Q(session_number__in=sessions))
    found = [
        SignalCard(pk=pk, session_number=number, kind=kind, instrument=instrument,
                   severity=severity, label=signal_label(kind), explanation=explanation,
                   suggested_action=action, acknowledged=(number, kind, instrument) in
                   light.acted_on, records=[])
        for pk, number, kind, instrument, severity, explanation, action in signals.values_list(
            "pk", "session_number", "kind", "instrument", "severity", "explanation",
            "suggested_action")
    ]  # fmt: skip
    acknowledgements: dict[SignalKey, list[SignalAcknowledgement]] = {}
    for ack in SignalAcknowledgement.objects.filter(
        episode=episode, session_number__in=sessions
    ).select_related("recorded_by"):
        acknowledgements.setdefault((ack.session_number, ack.kind, ack.instrument), []).append(ack)
    shown = set(sessions)
    for signal in found:
        if signal["session_number"] in shown:
            key = (signal["session_number"], signal["kind"], signal["instrument"])
            signal["records"] = acknowledgements.get(key, [])
            rows[signal["session_number"]].signals.append(signal)
    return found


def _attach_ruptures(episode: Episode | None, rows: dict[int, SessionRow]) -> list[Rupture]:
    ruptures = list(Rupture.objects.filter(episode=episode).select_related("recorded_by"))
    by_pk = {rupture.pk: rupture for rupture in ruptures}
    steps: dict[int, list[RepairStep]] = {}
    # The ruptures' steps, none to read for the many clients with no rupture recorded.
    for step in RepairStep.objects.filter(rupture_id__in=list(by_pk)) if ruptures else ():
        step.rupture = by_pk[step.rupture_id]  # the rupture read above, not read again
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
    if not any(name in row.totals for row in rows for name in SYMPTOM_INSTRUMENTS):
        return []
    reference = client_reference(client.pk)
    bands = []
    for name in SYMPTOM_INSTRUMENTS:
        series = [(r.session_number, r.totals[name]) for r in rows if name in r.totals]
        bands += expected_band(reference, name, series)
    return bands
