"""Symptom rules: self_harm_risk, and reliable change against the episode's first score
(reliable improvement, deterioration and recovery, and the loss of a gain)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

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
    """Reliable improvement, deterioration and recovery, each when it is first reached, and
    lost_improvement when a reached gain is lost.

    Against the episode's first score (Jacobson & Truax 1991; the figures and caseness of
    NHS Talking Therapies). Reliable change is reached AT the figure ("at or beyond": PHQ-9
    14 to 8 is reliable, 14 to 9 is not). A status fires at the session where it becomes
    true; the first time in the episode it is news (its own severity), a later return after
    a lapse only `info`, so a clinician hears news, not repetition. The same holds for
    lost_improvement: a warning the first time a gain is lost, `info` at later lapses.
    """
    if len(series) < 2:
        return []
    return change_signals_of(series[0].instrument, [a.total for a in series],
                             series.__getitem__, config)  # fmt: skip


def change_signals_of(
    instrument: str,
    totals: Sequence[float],
    form: Callable[[int], ScoredAdministration],
    config: MonitoringConfig,
) -> list[Signal]:
    """`change_signals` of a series held as its totals in session order; `form(i)` gives
    the i-th administration, asked for only where a signal names it (for a caller that
    holds the scores in columns)."""
    if len(totals) < 2:
        return []
    threshold = config.reliable_change_for(instrument)
    if threshold is None:
        return []
    caseness = config.caseness_for(instrument)
    better_high = higher_is_better(instrument)
    first_total = totals[0]
    figures = _Figures(form(0), threshold, caseness, better_high)
    first_case = caseness is not None and is_case(first_total, caseness, better_high)
    signals: list[Signal] = []
    was = (False, False, False)  # improvement, deterioration, recovery at the last score
    since: dict[str, int] = {}  # each status: the index where it was last reached
    reached: set[str] = set()
    best = 0
    lapse_reported = False
    min_fall = config.lost_gain_fall_share * threshold
    for index in range(1, len(totals)):
        total = totals[index]
        gain = improvement(first_total, total, better_high)
        if improvement(totals[best], total, better_high) > 0:
            best = index
        now_case = caseness is not None and is_case(total, caseness, better_high)
        improved = gain >= threshold
        status = (improved, -gain >= threshold, improved and first_case and not now_case)
        if improved:
            lapse_reported = False  # a gain held (again): a later loss is a new one
        if status == was and not since:  # nothing reached yet, nothing new: the usual case
            continue
        news: list[Signal] = []
        lost = _lost_gain(since, improved, now_case)
        if lost is not None and not lapse_reported:
            fall = -improvement(totals[best], total, better_high)
            if fall >= min_fall:
                held = "reliable_recovery" if lost == "back_to_caseness" else "reliable_improvement"
                news.append(_lost(figures, form(since[held]), held, lost, form(index), form(best),
                                  gain))  # fmt: skip
                lapse_reported = True
        for kind, now, before in zip(STATUSES, status, was, strict=True):
            if now and not before:
                since[kind] = index
                news.append(_change(figures, kind, form(index), gain))
        for signal in news:
            # Reached again after lapsing: worth noting, no longer news (a client near
            # the figure would otherwise be warned at every other session).
            signals.append(replace(signal, severity="info") if signal.kind in reached else signal)
            reached.add(signal.kind)
        was = status
    return signals


STATUSES = ("reliable_improvement", "reliable_deterioration", "reliable_recovery")


def improvement(first_total: float, total: float, better_high: bool) -> float:
    """Points better than `first_total` (negative: worse). Totals are exact to a tenth (the
    scoring holds VAS lines in millimetres), so rounding to a tenth removes only the binary
    residue (16.4 - 11.4 is 5.0, not 4.999999999999998) and a change AT the figure counts."""
    gain = total - first_total if better_high else first_total - total
    return round(gain, 1)


def is_case(total: float, caseness: float, better_high: bool) -> bool:
    """In the clinical range. PHQ-9 and GAD-7: at or above the cutoff (PHQ-9 10 is a case);
    ORS: below it (25 is not clinical, 24.9 is)."""
    return total < caseness if better_high else total >= caseness


LostWay = Literal["back_to_caseness", "gain_no_longer_reliable"]


@dataclass(frozen=True, slots=True)
class _Figures:
    """One instrument's course: its first score and the figures it is judged by."""

    first: ScoredAdministration
    threshold: float
    caseness: float | None
    better_high: bool

    @property
    def ranges(self) -> tuple[str, str]:
        """The clinical and the non-clinical range as a rule states them: (">= 10", "< 10")."""
        at, below = f">= {self.caseness:g}", f"< {self.caseness:g}"
        return (below, at) if self.better_high else (at, below)


def _lost_gain(since: Mapping[str, object], improved: bool, now_case: bool) -> LostWay | None:
    """How a gain reached earlier in the episode is lost at this score, if it is.

    A recovery is lost when the client is back in the clinical range (even while the gain is
    still reliable); otherwise an improvement is lost when it is no longer reliable. One
    session gives at most one loss: back to caseness says more than the points. (The caller
    also asks for a real fall from the best score, so a dip at the edge is not a relapse.)
    """
    if "reliable_recovery" in since and now_case:
        return "back_to_caseness"
    if "reliable_improvement" in since and not improved:
        return "gain_no_longer_reliable"
    return None


def _lost(
    figures: _Figures,
    held_since: ScoredAdministration,
    held: str,
    lost: LostWay,
    a: ScoredAdministration,
    best: ScoredAdministration,
    gain: float,
) -> Signal:
    name = a.instrument.upper()
    first, threshold, caseness = figures.first, figures.threshold, figures.caseness
    evidence: dict[str, Any] = {
        "first_total": first.total,
        "first_session": first.session_number,
        "reached": held,
        "reached_session": held_since.session_number,
        "reached_total": held_since.total,
        "best_total": best.total,
        "best_session": best.session_number,
        "total": a.total,
        "improvement": gain,
        "reliable_change": threshold,
        "caseness": caseness,
        "lost": lost,
    }
    reached = f"at session {held_since.session_number} (total {held_since.total:g})"
    if lost == "back_to_caseness":
        rule = f"reliable recovery lost: back in the clinical range, now {figures.ranges[0]}"
        what = (
            f"{name} is back in the clinical range at {a.total:g}: the reliable recovery "
            f"reached {reached} has been lost."
        )
    else:
        rule = f"reliable improvement lost: improvement since the first score < {threshold:g}"
        if gain > 0:
            compared = (
                f"{_points(gain)} better than the first score of {first.total:g}, short of "
                f"the {threshold:g} that count as reliable"
            )
        elif gain == 0:
            compared = f"no better than the first score of {first.total:g}"
        else:
            compared = f"{_points(-gain)} worse than the first score of {first.total:g}"
        what = (
            f"{name}'s reliable improvement, reached {reached}, has been lost: "
            f"{a.total:g} is {compared}."
        )
    return Signal(
        "lost_improvement", a.session_number, a.instrument, "warning", rule, evidence,
        f"{what} The best score so far was {best.total:g} at session {best.session_number}.",
        f"Ask the client today what has changed since session {held_since.session_number} "
        "(events, stresses, the work in sessions), review together what helped them improve "
        "and plan how to get back to it; consider whether more support is needed.",
    )  # fmt: skip


def _points(points: float) -> str:
    return f"{points:g} point" if points == 1 else f"{points:g} points"


def _change(figures: _Figures, kind: str, a: ScoredAdministration, gain: float) -> Signal:
    name = a.instrument.upper()
    first, threshold, caseness = figures.first, figures.threshold, figures.caseness
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
    case, not_case = figures.ranges
    return Signal(
        kind, a.session_number, a.instrument, "info",
        f"improvement >= {threshold:g} points since the first score, first score {case} "
        f"(clinical range), now {not_case}", evidence,
        f"{name} shows reliable recovery: it improved reliably {moved} and has moved out "
        f"of the clinical range (cutoff {caseness:g}).",
        "Discuss with the client what keeps the gains going and whether to plan the ending.",
    )  # fmt: skip
