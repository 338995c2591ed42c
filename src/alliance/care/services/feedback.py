"""What the clinician sees the moment the client has submitted: this session's scores and
the signals raised for it, as one card: the most pressing signal (the headline, by the
monitoring core's order) and the others grouped under it."""

from __future__ import annotations

from typing import Any

from alliance.monitoring.priority import pressing_order

from ..models import Session


def session_feedback(session: Session) -> dict[str, Any]:
    """What the clinician sees the moment the client has submitted: the scores of this
    session's forms and the signals raised for it."""
    forms = [
        {
            "instrument": a.instrument,
            "total": a.total,
            "band": a.score["band"],
            "flags": a.score["flags"],
            "lowest_items": a.score["lowest_items"],
        }
        for a in session.administrations.filter(amended_by__isnull=True).order_by("id")
    ]
    records = sorted(
        session.episode.signals.in_force().filter(session_number=session.number),
        key=pressing_order,
    )
    signals = [
        {
            "kind": s.kind,
            "label": s.label,
            "severity": s.severity,
            "instrument": s.instrument,
            "explanation": s.explanation,
            "suggested_action": s.suggested_action,
        }
        for s in records
    ]
    # The session's priority is its headline's severity; `signals[0]` is the headline.
    priority = signals[0]["severity"] if signals else None
    return {"session": session.number, "forms": forms, "priority": priority, "signals": signals}
