"""alliance_symptom_divergence: the alliance falls while symptoms stay flat.

Treatment can drift before the symptom picture moves; a falling alliance with unchanged
symptoms is the moment to review the work together, before outcome suffers.
"""

from __future__ import annotations

from typing import Any

from .config import MonitoringConfig
from .types import ScoredAdministration, Signal

# The alliance signals that say it is falling; only at warning level (a fall within the
# SRS's reliable change is noise around the ceiling, not a divergence).
ALLIANCE_FALLING = ("alliance_drop", "alliance_concern", "possible_rupture", "alliance_decline")


def divergence_signals(
    alliance: list[Signal], symptoms: list[list[ScoredAdministration]], config: MonitoringConfig
) -> list[Signal]:
    """`symptoms`: one series per symptom measure the client fills (PHQ-9, GAD-7, ORS).

    At a session where the alliance falls, every measure with recent scores must be flat:
    one that moves (reliably or nearly) means the symptom picture is not standing still.
    """
    falling_sessions: dict[int, set[str]] = {}
    for signal in alliance:
        if signal.kind in ALLIANCE_FALLING and signal.severity == "warning":
            falling_sessions.setdefault(signal.session_number, set()).add(signal.kind)
    signals = []
    for session_number, kinds in sorted(falling_sessions.items()):
        readings = [
            r for r in (_recent(series, session_number, config) for series in symptoms) if r
        ]
        if readings and all(r["flat"] for r in readings):
            signals.append(_divergence(session_number, sorted(kinds), readings, config))
    return signals


def _recent(
    series: list[ScoredAdministration], session_number: int, config: MonitoringConfig
) -> dict[str, Any] | None:
    """The measure's last scores up to `session` and whether they are flat; None if too few
    or none recent enough to say."""
    if not series:
        return None
    instrument = series[0].instrument
    threshold = config.reliable_change_for(instrument)
    recent = [a for a in series if a.session_number <= session_number][-config.divergence_window :]
    if threshold is None or len(recent) < config.divergence_window:
        return None
    if recent[-1].session_number < session_number - 1:
        return None
    totals = [a.total for a in recent]
    spread = round(max(totals) - min(totals), 1)
    flat_within = config.divergence_flat_share * threshold
    return {
        "instrument": instrument,
        "sessions": [a.session_number for a in recent],
        "totals": totals,
        "spread": spread,
        "flat_within": flat_within,
        "flat": spread < flat_within,
    }


def _divergence(
    session_number: int, kinds: list[str], readings: list[dict[str, Any]], config: MonitoringConfig
) -> Signal:
    first = readings[0]
    described = "; ".join(
        f"{r['instrument'].upper()} {', '.join(f'{t:g}' for t in r['totals'])}" for r in readings
    )
    return Signal(
        kind="alliance_symptom_divergence",
        session_number=session_number,
        instrument=first["instrument"],
        # Context for the alliance warning it always comes with (the session's card is a
        # warning already): why the fall matters, not a second thing to raise.
        severity="info",
        rule=(
            f"alliance falling ({', '.join(kinds)}) while the last "
            f"{config.divergence_window} scores of every symptom measure vary by less than "
            f"{config.divergence_flat_share:g} of its reliable change"
        ),
        evidence={
            "alliance_signals": kinds,
            "symptom_instrument": first["instrument"],
            "symptom_sessions": first["sessions"],
            "symptom_totals": first["totals"],
            "spread": first["spread"],
            "flat_within": first["flat_within"],
            "symptom_instruments": [{k: v for k, v in r.items() if k != "flat"} for r in readings],
        },
        explanation=(
            f"The alliance is falling while symptom scores have stayed flat ({described}): "
            "the work may be drifting before the symptoms show it."
        ),
        suggested_action=(
            "Review goals and method with the client now: ask whether the work still feels "
            "relevant to what they came for, and adjust together."
        ),
    )
