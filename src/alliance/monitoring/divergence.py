"""alliance_symptom_divergence: the alliance falls while symptoms stay flat.

Treatment can drift before the symptom picture moves; a falling alliance with unchanged
symptoms is the moment to review the work together, before outcome suffers.
"""

from __future__ import annotations

from .config import MonitoringConfig
from .types import Administration, Signal

ALLIANCE_FALLING = ("alliance_drop", "alliance_concern", "possible_rupture")


def divergence_signals(
    alliance: list[Signal], symptoms: list[Administration], config: MonitoringConfig
) -> list[Signal]:
    if not symptoms:
        return []
    instrument = symptoms[0].instrument
    threshold = config.reliable_change_for(instrument)
    if threshold is None:
        return []
    flat_within = config.divergence_flat_share * threshold
    falling_sessions: dict[int, list[str]] = {}
    for signal in alliance:
        if signal.kind in ALLIANCE_FALLING:
            falling_sessions.setdefault(signal.session, []).append(signal.kind)
    signals = []
    for session, kinds in sorted(falling_sessions.items()):
        recent = [a for a in symptoms if a.session <= session][-config.divergence_window :]
        if len(recent) < config.divergence_window or recent[-1].session < session - 1:
            continue  # too few scores, or none recent enough, to call symptoms flat
        totals = [a.total for a in recent]
        spread = round(max(totals) - min(totals), 1)
        if spread >= flat_within:
            continue
        signals.append(
            Signal(
                kind="alliance_symptom_divergence",
                session=session,
                instrument=instrument,
                severity="warning",
                rule=(
                    f"alliance falling ({', '.join(sorted(set(kinds)))}) while the last "
                    f"{config.divergence_window} {instrument} scores vary by < "
                    f"{flat_within:g} points"
                ),
                evidence={
                    "alliance_signals": sorted(set(kinds)),
                    "symptom_instrument": instrument,
                    "symptom_sessions": [a.session for a in recent],
                    "symptom_totals": totals,
                    "spread": spread,
                    "flat_within": flat_within,
                },
                explanation=(
                    f"The alliance is falling while {instrument.upper()} scores have stayed "
                    f"flat ({', '.join(f'{t:g}' for t in totals)}): the work may be drifting "
                    "before the symptoms show it."
                ),
                suggested_action=(
                    "Review goals and method with the client now: ask whether the work still "
                    "feels relevant to what they came for, and adjust together."
                ),
            )
        )
    return signals
