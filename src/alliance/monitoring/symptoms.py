"""Symptom rules: self_harm_risk, and reliable change against the episode's first score."""

from __future__ import annotations

from dataclasses import replace

from .config import MonitoringConfig, higher_is_better
from .types import ScoredAdministration, Signal

# Simon et al. 2013: any answer above 0 on PHQ-9 item 9 is a safety signal whatever the
# total. Not a setting: no site should be able to make this signal less sensitive.
SELF_HARM_ITEM_MIN = 1


def self_harm_signals(phq9: list[ScoredAdministration]) -> list[Signal]:
    return [
        self_harm_signal(a.session_number, a.score.answers.get("9", 0), a.total)
        for a in phq9
        if a.score.answers.get("9", 0) >= SELF_HARM_ITEM_MIN
    ]


def self_harm_signal(session_number: int, item9: float, total: float | None) -> Signal:
    """The urgent signal; `total` is None when the rest of the form could not be scored."""
    unscored = (
        " The rest of the form could not be scored, but this answer stands."
        if total is None
        else ""
    )
    return Signal(
        kind="self_harm_risk",
        session_number=session_number,
        instrument="phq-9",
        severity="urgent",
        rule=f"phq-9 item 9 >= {SELF_HARM_ITEM_MIN}",
        evidence={"item_9": item9, "phq9_total": total, "form_scored": total is not None},
        explanation=(
            "The client reported thoughts of being better off dead or of hurting themselves "
            f"(PHQ-9 item 9 = {item9:g}), whatever the total.{unscored}"
        ),
        suggested_action=(
            "Assess risk today, before the client leaves: ask directly about thoughts, plans "
            "and means; follow the service's safety procedure and record what was done."
        ),
    )


def change_signals(series: list[ScoredAdministration], config: MonitoringConfig) -> list[Signal]:
    """Reliable improvement, deterioration and recovery, each when it is first reached.

    Against the episode's first score. A status fires at the session where it becomes true
    and again only if it lapsed and returned, so a clinician hears news, not repetition.
    """
    if len(series) < 2:
        return []
    instrument = series[0].instrument
    threshold = config.reliable_change_for(instrument)
    if threshold is None:
        return []
    caseness = config.caseness_for(instrument)
    better_high = higher_is_better(instrument)
    first = series[0]
    signals: list[Signal] = []
    was: dict[str, bool] = {}
    reached: set[str] = set()
    for a in series[1:]:
        gain = a.total - first.total if better_high else first.total - a.total
        gain = round(gain, 1)
        status = {
            "reliable_improvement": gain >= threshold,
            "reliable_deterioration": -gain >= threshold,
            "recovered": gain >= threshold
            and caseness is not None
            and _is_case(first.total, caseness, better_high)
            and not _is_case(a.total, caseness, better_high),
        }
        for kind, now in status.items():
            if now and not was.get(kind, False):
                signal = _change(kind, first, a, gain, threshold, caseness, better_high)
                # Reached again after lapsing: worth noting, no longer news (a client near
                # the figure would otherwise be warned at every other session).
                signals.append(replace(signal, severity="info") if kind in reached else signal)
                reached.add(kind)
        was = status
    return signals


def _is_case(total: float, caseness: float, better_high: bool) -> bool:
    # PHQ-9 and GAD-7: caseness at or above the cutoff; ORS: clinical below it.
    return total < caseness if better_high else total >= caseness


def _change(
    kind: str,
    first: ScoredAdministration,
    a: ScoredAdministration,
    gain: float,
    threshold: float,
    caseness: float | None,
    better_high: bool,
) -> Signal:
    name = a.instrument.upper()
    moved = f"from {first.total:g} at session {first.session_number} to {a.total:g}"
    evidence = {
        "first_total": first.total,
        "first_session": first.session_number,
        "total": a.total,
        "improvement": gain,
        "reliable_change": threshold,
        "caseness": caseness,
    }
    if kind == "reliable_improvement":
        return Signal(
            kind, a.session_number, a.instrument, "info",
            f"improvement >= {threshold:g} points since the first score", evidence,
            f"{name} improved reliably, {moved}.",
            "Share the progress with the client and ask what has helped; keep what works.",
        )  # fmt: skip
    if kind == "reliable_deterioration":
        return Signal(
            kind, a.session_number, a.instrument, "warning",
            f"worsening >= {threshold:g} points since the first score", evidence,
            f"{name} worsened reliably, {moved}.",
            "Review the plan with the client: ask how they see the change, check the "
            "alliance and risk, and consider adjusting the approach or consulting.",
        )  # fmt: skip
    side = "at or above" if better_high else "below"
    return Signal(
        kind, a.session_number, a.instrument, "info",
        f"reliable improvement and {side} caseness {caseness:g}", evidence,
        f"{name} recovered: reliable improvement {moved}, now out of the clinical range.",
        "Discuss with the client what keeps the gains going and whether to plan the ending.",
    )  # fmt: skip
