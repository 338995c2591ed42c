"""An episode's measure plan: what the client (and the therapist) fill, and when.

The plan is stored on the episode as {"every_session": [...], "windows": [{"instrument",
"target", "from", "to"}, ...]}; a windowed form is due at the first session of its window
at which it has not yet been given.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from alliance.audit.trail import record_for_client
from alliance.measures import get_definition

from ..models import Episode

EVERY_SESSION_CHOICES = ("srs", "phq-9", "gad-7", "ors")
WINDOW_INSTRUMENTS = ("wai-sr", "wai-sr-t")
DEFAULT_WINDOWS = "3-4, 8-10"
WINDOW = re.compile(r"^\s*(\d{1,2})\s*(?:-\s*(\d{1,2}))?\s*$")


class PlanError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_windows(text: str) -> list[tuple[int, int]]:
    """ "3-4, 8-10" -> [(3, 4), (8, 10)]; each window from its first to its last session."""
    windows: list[tuple[int, int]] = []
    for part in text.split(","):
        if not part.strip():
            continue
        match = WINDOW.match(part)
        if match is None:
            raise PlanError(f"a window is written like 3-4 or 8; {part.strip()!r} is not")
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if not 1 <= low <= high:
            raise PlanError(
                f"the window {part.strip()} must run from an earlier session to a later one"
            )
        if windows and low <= windows[-1][1]:
            raise PlanError("windows must be in order and must not overlap")
        windows.append((low, high))
    return windows


def update_measure_plan(
    *, episode: Episode, every_session: list[str], wai_windows: str, therapist_wai: bool
) -> Episode:
    chosen = list(dict.fromkeys(every_session))
    unknown = [name for name in chosen if name not in EVERY_SESSION_CHOICES]
    if unknown:
        raise PlanError(f"{unknown[0]!r} cannot be given every session")
    if not chosen:
        raise PlanError("choose at least one measure for every session")
    windows = parse_windows(wai_windows)
    if therapist_wai and not windows:
        raise PlanError("the therapist's WAI-SR follows the client's windows: give at least one")
    plan: dict[str, Any] = {"every_session": chosen, "windows": []}
    for instrument in ("wai-sr", "wai-sr-t") if therapist_wai else ("wai-sr",):
        plan["windows"] += [
            {"instrument": instrument, "target": low, "from": low, "to": high}
            for low, high in windows
        ]
    episode.measure_plan = plan
    with transaction.atomic():
        episode.save(update_fields=["measure_plan"])
        record_for_client("update", episode, episode.client, fields=["measure_plan"])
    return episode


def describe_plan(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan as the edit form shows it."""
    client_windows = [w for w in plan.get("windows", []) if w["instrument"] == "wai-sr"]
    return {
        "every_session": plan.get("every_session", []),
        "wai_windows": ", ".join(
            f"{w['from']}-{w['to']}" if w["to"] != w["from"] else str(w["from"])
            for w in client_windows
        ),
        "therapist_wai": any(w["instrument"] == "wai-sr-t" for w in plan.get("windows", [])),
        "choices": [(name, get_definition(name).name) for name in EVERY_SESSION_CHOICES],
    }
