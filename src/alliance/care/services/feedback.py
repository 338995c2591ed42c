"""What the clinician sees the moment the client has submitted, read in ten seconds: numbers
first (the SRS against its cutoff with its four lines, the outcome measures with their band
and change since intake), then at most three prompts in the monitoring core's order of
priority, each what to do today in a sentence or two."""

from __future__ import annotations

from typing import Any

from alliance.measures import get_definition
from alliance.monitoring.priority import pressing_order

from ..models import Administration, Session

PROMPTS = 3
# A symptom answer this high (of the scale's points) is named: "nearly every day".
SEVERE_ANSWER = 3


def session_feedback(session: Session) -> dict[str, Any]:
    """This session's scores, its numbers at a glance and its prompts (the signals raised for
    it, most pressing first; `signals[0]` is the headline)."""
    current = list(session.administrations.filter(amended_by__isnull=True).order_by("id"))
    forms = [
        {
            "id": a.pk,
            "instrument": a.instrument,
            "total": a.total,
            "band": a.score["band"],
            "flags": a.score["flags"],
            "lowest_items": a.score["lowest_items"],
        }
        for a in current
    ]
    records = sorted(
        session.episode.signals.in_force().with_acknowledgement()
        .filter(session_number=session.number),
        key=pressing_order,
    )  # fmt: skip
    signals = [
        {
            "id": s.pk,
            "kind": s.kind,
            "label": s.label,
            "severity": s.severity,
            "instrument": s.instrument,
            "explanation": s.explanation,
            "suggested_action": s.suggested_action,
            "acknowledged": s.acknowledged,
        }
        for s in records
    ]
    # The session's priority is its headline's severity.
    priority = signals[0]["severity"] if signals else None
    return {
        "session": session.number,
        "forms": forms,
        "priority": priority,
        "signals": signals,
        "srs": _srs_numbers(current),
        "outcomes": _outcome_numbers(session, current),
        "prompts": signals[:PROMPTS],
        "more": len(signals) - min(len(signals), PROMPTS),
    }


def short_label(label: str) -> str:
    """ "Relationship: felt heard, understood and respected" -> "Relationship"."""
    return label.split(":")[0].strip()


def _srs_numbers(current: list[Administration]) -> dict[str, Any] | None:
    srs = next((a for a in current if a.instrument == "srs"), None)
    if srs is None:
        return None
    definition = get_definition("srs")
    cutoff = definition.cutoffs["alliance_concern"]
    answers = srs.score["answers"]
    lines = [
        {"label": short_label(item.label), "value": answers[item.id]}
        for item in definition.items
        if item.id in answers
    ]
    lowest = min(lines, key=lambda line: line["value"]) if lines else None
    return {
        "total": srs.total,
        "max": definition.total_max,
        "cutoff": cutoff,
        "concern": "alliance_concern" in srs.score["flags"],
        "lines": lines,
        "lowest": lowest["label"] if lowest else None,
    }


def _outcome_numbers(session: Session, current: list[Administration]) -> list[dict[str, Any]]:
    """Each outcome measure of the session: total, band, and the change since the episode's
    first score of it, with whether that change is for the better."""
    shown = [a for a in current if a.instrument in ("phq-9", "gad-7", "ors")]
    if not shown:
        return []
    firsts: dict[str, float] = {}
    earlier = (
        Administration.objects.filter(
            session__episode=session.episode, instrument__in=[a.instrument for a in shown],
            amended_by__isnull=True,
        )
        .order_by("session__number", "id")
        .values_list("instrument", "total", "session__number")
    )  # fmt: skip
    intake_session: dict[str, int] = {}
    for instrument, total, number in earlier:
        if instrument not in firsts:
            firsts[instrument], intake_session[instrument] = total, number
    rows = []
    for a in shown:
        definition = get_definition(a.instrument)
        intake = firsts.get(a.instrument)
        change = None if intake is None or intake_session[a.instrument] == session.number else (
            round(a.total - intake, 1)
        )  # fmt: skip
        better = None if not change else (change > 0) == definition.higher_is_better
        severe = []
        if not definition.higher_is_better and definition.scale.kind == "points":
            answers = a.score["answers"]
            severe = [item.label for item in definition.items
                      if answers.get(item.id, 0) >= SEVERE_ANSWER]  # fmt: skip
        rows.append(
            {
                "instrument": a.instrument,
                "name": definition.abbreviation,
                "total": a.total,
                "max": definition.total_max,
                "band": a.score["band"],
                "intake": intake if change is not None else None,
                "change": change,
                "better": better,
                "severe_items": severe,
            }
        )
    return rows
