"""What the clinician sees the moment the client has submitted: this session's scores and
the signals raised for it."""

from __future__ import annotations

from typing import Any

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
    signals = [
        {
            "kind": s.kind,
            "label": s.label,
            "severity": s.severity,
            "instrument": s.instrument,
            "explanation": s.explanation,
            "suggested_action": s.suggested_action,
        }
        for s in session.episode.signals.in_force().filter(session_number=session.number)
    ]
    signals.sort(key=lambda s: {"urgent": 0, "warning": 1, "info": 2}[s["severity"]])
    return {"session": session.number, "forms": forms, "signals": signals}
