"""wai_profile: after each client WAI-SR, the weakest subscale and what it suggests."""

from __future__ import annotations

from alliance.measures import get_definition

from .config import MonitoringConfig
from .types import ScoredAdministration, Signal


def wai_signals(
    client: list[ScoredAdministration],
    therapist: list[ScoredAdministration],
    config: MonitoringConfig,
) -> list[Signal]:
    by_session = {a.session_number: a for a in therapist}
    return [_profile(a, by_session.get(a.session_number), config.wai_weak_mean) for a in client]


def _profile(
    a: ScoredAdministration, therapist: ScoredAdministration | None, weak: float
) -> Signal:
    definition = get_definition(a.instrument)
    means = a.score.subscale_means
    lowest = min(means.values())
    weakest = [name for name, mean in means.items() if mean == lowest]
    names = {s.id: s.name for s in definition.subscales}
    guidance = {s.id: s.guidance or "" for s in definition.subscales}
    evidence: dict[str, object] = {
        "subscale_means": dict(means),
        "subscale_sums": dict(a.score.subscales),
        "weakest": weakest,
    }
    gap_text = ""
    if therapist is not None:
        gap = {
            name: round(therapist.score.subscale_means[name] - mean, 2)
            for name, mean in means.items()
        }
        evidence["therapist_subscale_means"] = dict(therapist.score.subscale_means)
        evidence["therapist_minus_client"] = gap
        widest = max(gap, key=lambda name: abs(gap[name]))
        if gap[widest] != 0:
            side = "higher" if gap[widest] > 0 else "lower"
            gap_text = (
                f" You rated {names[widest]} {abs(gap[widest]):g} points {side} than the "
                "client did."
            )
    tied = len(weakest) == len(means)
    weakest_text = (
        "The client rated Bond, Goal and Task alike"
        if tied
        else f"The client's weakest alliance dimension is {' and '.join(names[w] for w in weakest)}"
    )
    return Signal(
        kind="wai_profile",
        session_number=a.session_number,
        instrument=a.instrument,
        severity="warning" if lowest < weak else "info",
        rule="lowest WAI-SR subscale mean" + (f" < {weak:g}" if lowest < weak else ""),
        evidence=evidence,
        explanation=f"{weakest_text} (mean {lowest:g} of 5).{gap_text}",
        suggested_action=" ".join(guidance[w] for w in weakest)
        if not tied
        else "Review the profile in supervision; no single dimension stands out.",
    )
