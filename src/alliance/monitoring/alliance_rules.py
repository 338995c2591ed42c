"""Session-by-session rules on the client's Session Rating Scale.

alliance_concern, alliance_drop, alliance_item_low (with the perfect-score prompt) and
sustained_low_alliance. Each works on the SRS series alone, in session order.
"""

from __future__ import annotations

from .config import MonitoringConfig
from .types import ScoredAdministration, Signal

SRS = "srs"
SRS_ITEM_NAMES = {"1": "Relationship", "2": "Goals and Topics", "3": "Approach or Method",
                  "4": "Overall"}  # fmt: skip
SRS_PERFECT = 40.0


def alliance_signals(srs: list[ScoredAdministration], config: MonitoringConfig) -> list[Signal]:
    signals: list[Signal] = []
    low_run = 0
    drop_run = 0
    perfect_run = 0
    previous: ScoredAdministration | None = None
    for index, current in enumerate(srs):
        total = current.total
        concern = total <= config.srs_concern_cutoff
        if concern:
            signals.append(_concern(current, config))
        # Rounded to the scale's tenth: 32.3 - 31.3 is 0.9999... in binary floating point.
        dropped = (
            previous is not None and round(previous.total - total, 1) >= config.srs_drop_points
        )
        if previous is not None and dropped:
            signals.append(_drop(previous, current, config))
        if not concern:
            low_items = _low_items(current, config)
            if low_items:
                signals.append(_item_low(current, low_items, config))

        # Runs count consecutive sessions: a gap in the session numbers (no SRS given,
        # or no session) starts a new run.
        adjacent = previous is not None and current.session_number == previous.session_number + 1
        perfect_run = (perfect_run if adjacent else 0) + 1 if total >= SRS_PERFECT else 0
        if perfect_run == config.perfect_streak_sessions:
            signals.append(_perfect_streak(current, perfect_run))

        low_run = (low_run if adjacent else 0) + 1 if concern else 0
        drop_run = drop_run + 1 if dropped and adjacent else 0
        # Fire when the run reaches its length, and at every further session it continues:
        # a withdrawal that goes on is still going on.
        if low_run >= config.sustained_low_sessions:
            signals.append(_sustained(srs[index - low_run + 1 : index + 1], "low", config))
        elif drop_run >= config.sustained_drop_run:
            signals.append(_sustained(srs[index - drop_run : index + 1], "falling", config))
        previous = current
    return signals


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
    return Signal(
        kind="alliance_drop",
        session_number=a.session_number,
        instrument=SRS,
        severity="warning",
        rule=f"srs_total fell >= {config.srs_drop_points:g} from the previous SRS",
        evidence={
            "srs_total": a.total,
            "previous_srs_total": previous.total,
            "previous_session": previous.session_number,
            "fall": fall,
            "threshold": config.srs_drop_points,
        },
        explanation=(
            f"The session rating fell {fall:g} points, from {previous.total:g} at session "
            f"{previous.session_number} to {a.total:g}."
        ),
        suggested_action=(
            "Name the change openly: 'your rating is a little lower today; what was different "
            "about this session?' Ratings sit near the top, so even a small fall matters."
        ),
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


def _sustained(stretch: list[ScoredAdministration], how: str, config: MonitoringConfig) -> Signal:
    """`stretch`: the low sessions, or the falling ones with the session before the first fall."""
    a = stretch[-1]
    run = len(stretch) if how == "low" else len(stretch) - 1
    if how == "low":
        rule = f"srs_total <= {config.srs_concern_cutoff:g} at {run} consecutive sessions"
        what = f"been at or below {config.srs_concern_cutoff:g} for {run} sessions in a row"
    else:
        rule = f"{run} consecutive drops of >= {config.srs_drop_points:g}"
        what = f"fallen at {run} sessions in a row"
    return Signal(
        kind="sustained_low_alliance",
        session_number=a.session_number,
        instrument=SRS,
        severity="warning",
        rule=rule,
        evidence={
            "pattern": how,
            "sessions": [s.session_number for s in stretch],
            "srs_totals": [s.total for s in stretch],
            "run": run,
        },
        explanation=(
            f"The session rating has {what}: a possible withdrawal rupture in progress, where "
            "the client goes along but distances."
        ),
        suggested_action=(
            "Metacommunicate: say what you notice in the ratings and in the room, and invite "
            "the client to say what is not working, without defending; consider supervision."
        ),
    )


def _lowest_named(a: ScoredAdministration) -> str:
    return _join([SRS_ITEM_NAMES[item] for item in a.score.lowest_items])


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
