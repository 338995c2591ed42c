"""Session-by-session rules on the client's Session Rating Scale.

alliance_concern, alliance_drop, alliance_item_low (with the perfect-score prompt),
sustained_low_alliance and alliance_decline. Each works on the SRS series alone, in session
order. Only what is worth raising today is a warning: the cutoff, a fall beyond the SRS's
reliable change, a run of low ratings, a slide; smaller falls and low lines are `info`.
"""

from __future__ import annotations

import itertools

from .config import MonitoringConfig
from .types import ScoredAdministration, Signal

SRS = "srs"
SRS_ITEM_NAMES = {"1": "Relationship", "2": "Goals and Topics", "3": "Approach or Method",
                  "4": "Overall"}  # fmt: skip
SRS_PERFECT = 40.0


def alliance_signals(srs: list[ScoredAdministration], config: MonitoringConfig) -> list[Signal]:
    signals: list[Signal] = []
    low_run = 0
    low_warned = False
    perfect_run = 0
    declining = False
    previous: ScoredAdministration | None = None
    for index, current in enumerate(srs):
        total = current.total
        concern = total <= config.srs_concern_cutoff
        if concern:
            signals.append(_concern(current, config))
        # Rounded to the scale's tenth: 32.3 - 31.3 is 0.9999... in binary floating point.
        if previous is not None and round(previous.total - total, 1) >= config.srs_drop_points:
            signals.append(_drop(previous, current, config))
        if not concern:
            low_items = _low_items(current, config)
            if low_items:
                signals.append(_item_low(current, low_items, config))

        # A perfect streak counts consecutive sessions: a gap in the session numbers (no
        # SRS given, or no session) starts a new one.
        adjacent = previous is not None and current.session_number == previous.session_number + 1
        perfect_run = (perfect_run if adjacent else 0) + 1 if total >= SRS_PERFECT else 0
        if perfect_run == config.perfect_streak_sessions:
            signals.append(_perfect_streak(current, perfect_run))

        # A low run counts consecutive SRS: a missed session does not make the alliance
        # better, so it does not end the run (the evidence names the sessions skipped).
        low_run = low_run + 1 if concern else 0
        # A warning the first time a run reaches its length in the episode; at every further
        # session it goes on, and for a later run, a reminder (`info`): still true, no longer
        # news, and a client who habitually rates low is not warned at every session beside
        # the concern itself (which is).
        if low_run >= config.sustained_low_sessions:
            stretch = srs[index - low_run + 1 : index + 1]
            news = low_run == config.sustained_low_sessions and not low_warned
            signals.append(_sustained(stretch, config, news=news))
            low_warned = True

        # A slide fires when it is first seen, not again at every session it goes on.
        slide = _slide(srs[: index + 1], config)
        if slide is not None and not declining:
            signals.append(_decline(slide, config))
        declining = slide is not None
        previous = current
    return signals


def _slide(
    srs: list[ScoredAdministration], config: MonitoringConfig
) -> list[ScoredAdministration] | None:
    """The SRS since a slide began, if the client is sliding today: from a starting rating
    (the highest since) over at least `decline_window` ratings, a falling least-squares
    trend, today the lowest, and a fall of at least the decline threshold with no single
    step that large. The start is looked for among the last `decline_lookback` ratings;
    the largest such fall wins."""
    best: list[ScoredAdministration] | None = None
    today = srs[-1].total
    for start in range(max(0, len(srs) - config.decline_lookback), len(srs) - 1):
        stretch = srs[start:]
        totals = [a.total for a in stretch]
        if len(stretch) < config.decline_window or totals[0] < max(totals):
            continue
        if today > min(totals) or _slope(stretch) >= 0:
            continue
        fall = round(totals[0] - today, 1)
        # A slide is gradual: no single session's fall does the work (that is a drop, and
        # a possible rupture).
        steepest = max(round(a - b, 1) for a, b in itertools.pairwise(totals))
        threshold = decline_threshold(config)
        if (
            fall >= threshold
            and steepest < threshold
            and (best is None or fall > best[0].total - today)
        ):
            best = stretch
    return best


def _slope(stretch: list[ScoredAdministration]) -> float:
    xs = [a.session_number for a in stretch]
    ys = [a.total for a in stretch]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def decline_threshold(config: MonitoringConfig) -> float:
    return min(config.srs_reliable_change, config.decline_min_fall)


def _concern(a: ScoredAdministration, config: MonitoringConfig) -> Signal:
    low = _lowest_named(a)
    return Signal(
        kind="alliance_concern",
        session_number=a.session_number,
        instrument=SRS,
        severity="warning",
        rule=f"srs_total <= {config.srs_concern_cutoff:g}",
        evidence={
            "srs_total": a.total,
            "cutoff": config.srs_concern_cutoff,
            "items": dict(a.score.answers),
            "lowest_items": list(a.score.lowest_items),
        },
        explanation=(
            f"The client rated the session {a.total:g} of 40, at or below the "
            f"{config.srs_concern_cutoff:g} cutoff for an alliance concern."
        ),
        suggested_action=(
            f"Before the client leaves, thank them for the honest rating and ask what would "
            f"have made the session better{', starting with ' + low if low else ''}; agree one "
            "change for next time."
        ),
    )


def _drop(
    previous: ScoredAdministration, a: ScoredAdministration, config: MonitoringConfig
) -> Signal:
    fall = round(previous.total - a.total, 1)
    reliable = config.srs_reliable_change
    beyond = fall > reliable
    if beyond:
        said = f"fell sharply, by {fall:g} points, from session {previous.session_number}"
        action = (
            "Raise it today: 'your rating is much lower than last time; I'd like to understand "
            "what happened in this session.' Listen without defending."
        )
    else:
        said = (
            f"is {fall:g} point{'s' if fall != 1 else ''} lower than at session "
            f"{previous.session_number}"
        )
        action = (
            "Worth a word if time allows: 'your rating is a little lower today; was anything "
            "different about this session?'"
        )
    return Signal(
        kind="alliance_drop",
        session_number=a.session_number,
        instrument=SRS,
        severity="warning" if beyond else "info",
        rule=(
            f"srs_total fell >= {config.srs_drop_points:g} from the previous SRS; a warning "
            f"beyond the reliable change of {reliable:.1f}"
        ),
        evidence={
            "srs_total": a.total,
            "previous_srs_total": previous.total,
            "previous_session": previous.session_number,
            "fall": fall,
            "threshold": config.srs_drop_points,
            "reliable_change": reliable,
            "beyond_reliable_change": beyond,
        },
        explanation=f"The session rating {said} ({previous.total:g} to {a.total:g}).",
        suggested_action=action,
    )


def _low_items(a: ScoredAdministration, config: MonitoringConfig) -> list[str]:
    return [
        item
        for item in SRS_ITEM_NAMES
        if item in a.score.answers and a.score.answers[item] < config.srs_item_low
    ]


def _item_low(a: ScoredAdministration, items: list[str], config: MonitoringConfig) -> Signal:
    names = [SRS_ITEM_NAMES[item] for item in items]
    goals_note = (
        " A low Goals and Topics rating often means the session drifted from what the client "
        "needed."
        if "2" in items
        else ""
    )
    return Signal(
        kind="alliance_item_low",
        session_number=a.session_number,
        instrument=SRS,
        severity="info",
        rule=f"srs item < {config.srs_item_low:g} with total > {config.srs_concern_cutoff:g}",
        evidence={
            "srs_total": a.total,
            "low_items": {item: a.score.answers[item] for item in items},
            "item_threshold": config.srs_item_low,
        },
        explanation=(
            f"The total ({a.total:g}) is above the cutoff but {_join(names)} was rated below "
            f"{config.srs_item_low:g}.{goals_note}"
        ),
        suggested_action=(
            f"A brief check-in on {_join(names)}: ask what would have made it fit better today."
        ),
    )


def _perfect_streak(a: ScoredAdministration, run: int) -> Signal:
    return Signal(
        kind="alliance_item_low",
        session_number=a.session_number,
        instrument=SRS,
        severity="info",
        rule=f"srs_total = 40 at {run} sessions in a row",
        evidence={"srs_total": a.total, "perfect_sessions_in_a_row": run},
        explanation=(
            f"The client has rated {run} sessions in a row a perfect 40; steady perfect scores "
            "can mean a client reluctant to criticise."
        ),
        suggested_action=(
            "Normalise honest feedback: 'I really want to know when something doesn't fit; a "
            "lower mark helps me more than a perfect one.'"
        ),
    )


def _sustained(
    stretch: list[ScoredAdministration], config: MonitoringConfig, *, news: bool
) -> Signal:
    """`stretch`: the SRS in a row at or below the cutoff."""
    a = stretch[-1]
    run = len(stretch)
    numbers = [s.session_number for s in stretch]
    skipped = [n for n in range(numbers[0], numbers[-1] + 1) if n not in numbers]
    gap = f" (no SRS at session {_join([str(n) for n in skipped])})" if skipped else ""
    return Signal(
        kind="sustained_low_alliance",
        session_number=a.session_number,
        instrument=SRS,
        severity="warning" if news else "info",
        rule=f"srs_total <= {config.srs_concern_cutoff:g} at {run} SRS in a row",
        evidence={
            "sessions": numbers,
            "srs_totals": [s.total for s in stretch],
            "run": run,
            "skipped_sessions": skipped,
            "cutoff": config.srs_concern_cutoff,
        },
        explanation=(
            f"The session rating has been at or below {config.srs_concern_cutoff:g} for {run} "
            f"ratings in a row{gap}: a possible withdrawal rupture in progress, where the "
            "client goes along but distances."
        ),
        suggested_action=(
            "Metacommunicate: say what you notice in the ratings and in the room, and invite "
            "the client to say what is not working, without defending; consider supervision."
        ),
    )


def _decline(slide: list[ScoredAdministration], config: MonitoringConfig) -> Signal:
    """`slide`: from the highest SRS of the window to today's."""
    first, a = slide[0], slide[-1]
    fall = round(first.total - a.total, 1)
    threshold = decline_threshold(config)
    return Signal(
        kind="alliance_decline",
        session_number=a.session_number,
        instrument=SRS,
        severity="warning",
        rule=(
            f"falling trend over the last {config.decline_window} SRS and a fall of >= "
            f"{threshold:g} since the slide began"
        ),
        evidence={
            "sessions": [s.session_number for s in slide],
            "srs_totals": [s.total for s in slide],
            "start_session": first.session_number,
            "fall": fall,
            "threshold": threshold,
            "reliable_change": config.srs_reliable_change,
            "window": config.decline_window,
            "lookback": config.decline_lookback,
        },
        explanation=(
            f"The session rating has slid from {first.total:g} at session "
            f"{first.session_number} to {a.total:g} today, {fall:g} points over "
            f"{a.session_number - first.session_number} sessions: a slow withdrawal is often "
            "a rupture in progress."
        ),
        suggested_action=(
            "Name the trend with the client ('your ratings have been edging down; what has "
            "been missing for you lately?') and invite criticism; consider supervision."
        ),
    )


def _lowest_named(a: ScoredAdministration) -> str:
    return _join([SRS_ITEM_NAMES[item] for item in a.score.lowest_items])


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
