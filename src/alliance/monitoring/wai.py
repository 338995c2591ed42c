"""wai_profile: after each client WAI-SR, the weakest subscale and what it suggests, and the
therapist-client gap when the therapist filled the WAI-SR-T at the same session."""

from __future__ import annotations

from alliance.measures import get_definition

from .config import MonitoringConfig
from .types import ScoredAdministration, Signal

# The therapist rating a subscale this much or more above the client (on the 1-5 subscale
# mean) turns the profile into a warning. Therapists overestimate the alliance relative to
# their clients, and the client's rating predicts outcome better than the therapist's
# (Horvath et al. 2011); the mission: "therapists are poor at noticing when a client is
# dissatisfied". One point on a five-point scale is a full response-category step (say
# "Very often" against "Fairly often"), more than a difference of wording. A therapist
# rating below the client is not a concern of this rule.
THERAPIST_GAP_POINTS = 1.0


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
    # Every subscale at the lowest mean: a tie names them all.
    weakest = [name for name, mean in means.items() if mean == lowest]
    names = {s.id: s.name for s in definition.subscales}
    guidance = {s.id: s.guidance or "" for s in definition.subscales}
    evidence: dict[str, object] = {
        "subscale_means": dict(means),
        "subscale_sums": dict(a.score.subscales),
        "weakest": weakest,
    }
    # "Below" the weak mean: a mean of exactly 3 ("Fairly often") is not weak; 2.75 is.
    is_weak = lowest < weak
    rules = [f"lowest WAI-SR subscale mean < {weak:g}"] if is_weak else []
    overrated: dict[str, float] = {}
    if therapist is not None:
        # Means are held to two decimals, so the difference is rounded to two: 4.1 - 3.1 is
        # 1.0 here (a full point), not 0.9999999999999996.
        gap = {
            name: round(therapist.score.subscale_means[name] - mean, 2)
            for name, mean in means.items()
        }
        overrated = {name: g for name, g in gap.items() if g >= THERAPIST_GAP_POINTS}
        evidence["therapist_subscale_means"] = dict(therapist.score.subscale_means)
        evidence["therapist_minus_client"] = gap
        evidence["therapist_gap_points"] = THERAPIST_GAP_POINTS
        evidence["therapist_higher"] = list(overrated)
        if overrated:
            rules.append(
                f"therapist WAI-SR-T subscale mean >= {THERAPIST_GAP_POINTS:g} point above "
                "the client's"
            )
    explanation = _weakest_text(weakest, names, len(means), lowest)
    action = _guidance(weakest, guidance, len(means), is_weak)
    if overrated:
        gaps = _and([f"{names[name]} {_points(g)}" for name, g in overrated.items()])
        explanation += (
            f" You rated {gaps} higher than the client did (subscale means, 1-5): the client "
            "may see the alliance as weaker than you do."
        )
        action += (
            f" Ask the client how the work on {_and([names[n] for n in overrated])} feels to "
            "them and take their view as the measure: clients' ratings predict outcome better "
            "than therapists'."
        )
    return Signal(
        kind="wai_profile",
        session_number=a.session_number,
        instrument=a.instrument,
        severity="warning" if rules else "info",
        rule="; ".join(rules) or "lowest WAI-SR subscale mean",
        evidence=evidence,
        explanation=explanation,
        suggested_action=action,
    )


def _weakest_text(weakest: list[str], names: dict[str, str], count: int, lowest: float) -> str:
    if len(weakest) == count:
        return f"The client rated Bond, Goal and Task alike (mean {lowest:g} of 5)."
    if len(weakest) == 1:
        weakest_name = names[weakest[0]]
        return f"The client's weakest alliance dimension is {weakest_name} (mean {lowest:g} of 5)."
    return (
        f"The client's weakest alliance dimensions are {_and([names[w] for w in weakest])} "
        f"(mean {lowest:g} of 5 each)."
    )


def _guidance(weakest: list[str], guidance: dict[str, str], count: int, is_weak: bool) -> str:
    if len(weakest) < count:
        return " ".join(guidance[w] for w in weakest)
    if is_weak:
        return (
            "Every dimension is low: ask the client how therapy is going for them, what they "
            "want from it and how working with you feels; review the case in supervision."
        )
    return "Review the profile in supervision; no single dimension stands out."


def _points(gap: float) -> str:
    return f"{gap:g} point" if gap == 1 else f"{gap:g} points"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
