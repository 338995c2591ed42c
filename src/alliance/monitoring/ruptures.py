"""Score-based rupture detection and repair (Stiles et al. 2004; Gumz et al. 2012).

A rupture is a session-to-session fall in the client's alliance score beyond k SD of that
client's own session-to-session changes (pooled across clients while the client has too few
sessions), and at least a minimum number of points. A repair is the return to the pre-drop
level (a V shape). Scores cannot tell withdrawal from confrontation: the type is left for the
clinician (`rupture_type` is None in the evidence).
"""

from __future__ import annotations

import itertools
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


def rupture_signals(
    srs: list[ScoredAdministration], config: MonitoringConfig, pooled_sd: float | None = None
) -> list[Signal]:
    # A site's own setting wins, then the caseload's figure, then the documented default.
    if config.rupture_pooled_sd is not None:
        pooled = config.rupture_pooled_sd
    elif pooled_sd is not None and pooled_sd > 0:
        pooled = pooled_sd
    else:
        pooled = config.rupture_default_pooled_sd
    changes = session_changes(srs)
    ruptured: set[int] = set()  # indexes into `changes` already called ruptures
    signals: list[Signal] = []
    for index in range(1, len(srs)):
        before, current = srs[index - 1], srs[index]
        drop = round(before.total - current.total, 1)
        if drop < config.rupture_min_drop:
            continue
        # The client's own variation before this drop, leaving out earlier ruptures so one
        # rupture does not hide the next.
        history = [c for i, c in enumerate(changes[: index - 1]) if i not in ruptured]
        if len(history) >= config.rupture_min_changes:
            sd, basis = statistics.stdev(history), "client"
        else:
            sd, basis = pooled, "pooled"
        if drop <= config.rupture_sd * sd:
            continue
        ruptured.add(index - 1)
        signals.append(_rupture(srs, index, drop, sd, basis, config))
    return signals


def _rupture(
    srs: list[ScoredAdministration],
    index: int,
    drop: float,
    sd: float,
    basis: str,
    config: MonitoringConfig,
) -> Signal:
    before, current = srs[index - 1], srs[index]
    pre_level = before.total
    repair = next((later for later in srs[index + 1 :] if later.total >= pre_level), None)
    evidence = {
        "srs_total": current.total,
        "pre_rupture_total": pre_level,
        "pre_rupture_session": before.session_number,
        "drop": drop,
        "sd": round(sd, 3),
        "sd_basis": basis,
        "sd_multiplier": config.rupture_sd,
        "min_drop": config.rupture_min_drop,
        "beyond_1sd": drop > sd,
        "beyond_2sd": drop > 2 * sd,
        "repaired": repair is not None,
        "repair_session": repair.session_number if repair else None,
        "repair_total": repair.total if repair else None,
        "exceeds_pre_rupture": bool(repair and repair.total > pre_level),
        "rupture_type": None,
    }
    if repair is None:
        outcome = "The rating has not yet returned to its level before the drop."
    elif repair.total > pre_level:
        outcome = (
            f"It returned at session {repair.session_number} to {repair.total:g}, above the level "
            "before the drop: a repaired rupture."
        )
    else:
        outcome = f"It returned to the earlier level at session {repair.session_number}: repaired."
    return Signal(
        kind="possible_rupture",
        session_number=current.session_number,
        instrument=current.instrument,
        severity="warning",
        rule=(
            f"drop > {config.rupture_sd:g} SD of {'own' if basis == 'client' else 'pooled'} "
            f"session-to-session changes and >= {config.rupture_min_drop:g} points"
        ),
        evidence=evidence,
        explanation=(
            f"The session rating fell {drop:g} points (from {pre_level:g} to {current.total:g}), "
            f"more than {config.rupture_sd:g} times this client's usual session-to-session "
            f"variation (SD {sd:.2f}, {basis}). {outcome}"
        ),
        suggested_action=(
            "Repair: notice the rupture, mark it explicitly ('something seemed to go wrong "
            "between us last time'), and explore the client's experience of it without "
            "defending; record whether it showed as withdrawal or confrontation."
        ),
    )
