"""Score-based rupture detection and repair (Stiles et al. 2004; Gumz et al. 2012).

Two methods, chosen by `MonitoringConfig.rupture_method`:

- "level" (default): the SRS falls below the client's own level so far (the median of their
  earlier ratings) by more than k SD of their ratings around it. A median of several
  sessions is steadier than one previous session, so a noisy high point before an ordinary
  rating is not read as a drop. The SD is the stricter (larger) of the client's own and the
  caseload's (Gumz et al. 2012's choice), the caseload's alone until the client has enough
  sessions: a client whose ratings never move (always 40) is not told of a "rupture" on a
  small wobble.
- "previous": the literature's rule (Gumz et al. 2012): a fall from the previous session
  beyond k SD of session-to-session changes, the stricter of the client's own and the
  caseload's.

Either way the fall must also be at least `rupture_min_drop` points, and only the first
session of a low stretch is a rupture (the next low session is the same rupture going on).
A repair is the return to the pre-rupture level within `rupture_repair_window` sessions (a
V shape), sometimes above it. Scores cannot tell withdrawal from confrontation: the type is
left for the clinician (`rupture_type` is None in the evidence).
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterable

from .config import MonitoringConfig
from .types import ScoredAdministration, Signal


def session_changes(series: list[ScoredAdministration]) -> list[float]:
    return [round(b.total - a.total, 1) for a, b in itertools.pairwise(series)]


def pooled_change_sd(series_by_client: Iterable[list[ScoredAdministration]]) -> float | None:
    """Pooled within-client SD of session-to-session changes (root mean within variance)."""
    squares = 0.0
    freedom = 0
    for series in series_by_client:
        changes = session_changes(series)
        if len(changes) >= 2:
            squares += statistics.variance(changes) * (len(changes) - 1)
            freedom += len(changes) - 1
    return (squares / freedom) ** 0.5 if freedom else None


def caseload_change_sd(config: MonitoringConfig, pooled_sd: float | None) -> float:
    """The caseload's SD of session-to-session SRS changes: a site's own setting wins, then
    the figure from the caseload's data, then the documented default."""
    if config.rupture_pooled_sd is not None:
        return config.rupture_pooled_sd
    if pooled_sd is not None and pooled_sd > 0:
        return pooled_sd
    return config.rupture_default_pooled_sd


def rupture_signals(
    srs: list[ScoredAdministration], config: MonitoringConfig, pooled_sd: float | None = None
) -> list[Signal]:
    change_sd = caseload_change_sd(config, pooled_sd)
    # Changes are differences of two ratings: their SD is sqrt(2) times that of one rating
    # around its level (independent noise), which is what the level method compares with.
    level_sd = change_sd / math.sqrt(2)
    ruptured: set[int] = set()  # indexes into `srs` called ruptures
    signals: list[Signal] = []
    below_before = False
    for index in range(1, len(srs)):
        current = srs[index]
        # Earlier ratings, leaving out earlier ruptures so one rupture does not hide the next.
        history = [a.total for i, a in enumerate(srs[:index]) if i not in ruptured]
        if config.rupture_method == "level":
            reference, own = _level(history, config)
            caseload_sd = level_sd
        else:
            reference = srs[index - 1].total
            own = _own_change_sd(srs[:index], ruptured, config)
            caseload_sd = change_sd
        sd, basis = (max(own, caseload_sd), "stricter of own and caseload") if own is not None \
            else (caseload_sd, "caseload")  # fmt: skip
        drop = round(reference - current.total, 1)
        below = drop >= config.rupture_min_drop and drop > config.rupture_sd * sd
        if below and not below_before:
            ruptured.add(index)
            signals.append(_rupture(srs, index, reference, drop, sd, basis, config))
        below_before = below
    return signals


def _level(history: list[float], config: MonitoringConfig) -> tuple[float, float | None]:
    """The client's level (median of earlier ratings) and, once there are enough of them,
    their own SD around it."""
    level = statistics.median(history)
    if len(history) < config.rupture_min_sessions:
        return level, None
    return level, statistics.pstdev(history, mu=level)


def _own_change_sd(
    earlier: list[ScoredAdministration], ruptured: set[int], config: MonitoringConfig
) -> float | None:
    changes = [
        round(b.total - a.total, 1)
        for i, (a, b) in enumerate(itertools.pairwise(earlier))
        if i + 1 not in ruptured
    ]
    return statistics.stdev(changes) if len(changes) >= config.rupture_min_sessions else None


def _rupture(
    srs: list[ScoredAdministration],
    index: int,
    pre_level: float,
    drop: float,
    sd: float,
    basis: str,
    config: MonitoringConfig,
) -> Signal:
    current = srs[index]
    window = [
        later
        for later in srs[index + 1 :]
        if later.session_number - current.session_number <= config.rupture_repair_window
    ]
    repair = next((later for later in window if later.total >= pre_level), None)
    method = "own level" if config.rupture_method == "level" else "previous session"
    evidence = {
        "method": config.rupture_method,
        "srs_total": current.total,
        "pre_rupture_level": pre_level,
        "pre_rupture_session": srs[index - 1].session_number,
        "drop": drop,
        "sd": sd,
        "sd_basis": basis,
        "sd_multiplier": config.rupture_sd,
        "min_drop": config.rupture_min_drop,
        "beyond_1sd": drop > sd,
        "beyond_2sd": drop > 2 * sd,
        "repair_window": config.rupture_repair_window,
        "repaired": repair is not None,
        "repair_session": repair.session_number if repair else None,
        "repair_total": repair.total if repair else None,
        "exceeds_pre_rupture": bool(repair and repair.total > pre_level),
        "rupture_type": None,
    }
    if repair is None:
        outcome = (
            f"It has not returned to that level within {config.rupture_repair_window} sessions."
            if window
            and window[-1].session_number - current.session_number >= config.rupture_repair_window
            else "It has not yet returned to that level."
        )
    elif repair.total > pre_level:
        outcome = (
            f"It returned at session {repair.session_number} to {repair.total:g}, above the "
            "level before the drop: a repaired rupture, the alliance stronger than before."
        )
    else:
        outcome = f"It returned to the earlier level at session {repair.session_number}: repaired."
    return Signal(
        kind="possible_rupture",
        session_number=current.session_number,
        instrument=current.instrument,
        severity="warning",
        rule=(
            f"fall below the client's {method} > {config.rupture_sd:g} SD and >= "
            f"{config.rupture_min_drop:g} points"
        ),
        evidence=evidence,
        explanation=(
            f"Today's session rating, {current.total:g}, is {drop:g} points below this "
            f"client's {'usual level' if config.rupture_method == 'level' else 'last rating'} "
            f"of {pre_level:g}: more than {config.rupture_sd:g} times their usual variation "
            f"(SD {sd:.2f}). {outcome}"
        ),
        suggested_action=(
            "Repair: notice the rupture, mark it explicitly ('something seemed to go wrong "
            "between us today'), and explore the client's experience of it without "
            "defending; record whether it showed as withdrawal or confrontation."
        ),
    )
