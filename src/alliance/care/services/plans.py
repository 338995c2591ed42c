"""Editing an episode's measure plan (`alliance.care.measure_plan.MeasurePlan`) from what a
clinician writes: instruments for every session, and the WAI-SR windows as "3-4, 8-10"."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from alliance.audit.trail import record_for_client
from alliance.measures import get_definition

from ..measure_plan import (
    EVERY_SESSION_CHOICES,
    START_CHOICES,
    MeasurePlan,
    PlanError,
    Window,
)
from ..models import Episode
from .caseload import refresh_attention

DEFAULT_WINDOWS = "3-4, 8-10"
WINDOW = re.compile(r"^\s*(\d{1,2})\s*(?:-\s*(\d{1,2}))?\s*$")

__all__ = ["PlanError", "describe_plan", "parse_windows", "update_measure_plan"]


def parse_windows(text: str) -> list[tuple[int, int]]:
    """ "3-4, 8-10" -> [(3, 4), (8, 10)]; each window from its first to its last session."""
    windows: list[tuple[int, int]] = []
    for part in text.split(","):
        if not part.strip():
            continue
        match = WINDOW.match(part)
        if match is None:
            raise PlanError(f"a window is written like 3-4 or 8; {part.strip()!r} is not",
                            code="bad_window", item="wai_windows")  # fmt: skip
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if not 1 <= low <= high:
            raise PlanError(
                f"the window {part.strip()} must run from an earlier session to a later one",
                code="bad_window", item="wai_windows",
            )  # fmt: skip
        if windows and low <= windows[-1][1]:
            raise PlanError("windows must be in order and must not overlap", code="bad_window",
                            item="wai_windows")  # fmt: skip
        windows.append((low, high))
    return windows


def update_measure_plan(
    *,
    episode: Episode,
    every_session: list[str],
    wai_windows: str,
    therapist_wai: bool,
    start: list[str] | None = None,
) -> Episode:
    """`start`: the every-session outcome measures given at the start of a session (None
    keeps the plan's; an outcome measure no longer given every session drops out of it)."""
    chosen = list(dict.fromkeys(every_session))
    if not chosen:
        raise PlanError("choose at least one instrument for every session", code="no_instrument",
                        item="every_session")  # fmt: skip
    windows = parse_windows(wai_windows)
    if therapist_wai and not windows:
        raise PlanError("the therapist's WAI-SR follows the client's windows: give at least one",
                        code="bad_window", item="therapist_wai")  # fmt: skip
    raters = ("wai-sr", "wai-sr-t") if therapist_wai else ("wai-sr",)
    at_start = episode.measure_plan.start if start is None else start
    episode.measure_plan = MeasurePlan.parse(
        {
            "every_session": chosen,
            "start": [name for name in dict.fromkeys(at_start) if name in chosen],
            "windows": [
                Window(instrument=instrument, first=low, last=high)
                for instrument in raters
                for low, high in windows
            ],
        }
    )
    with transaction.atomic():
        episode.save(update_fields=["measure_plan"])
        record_for_client("update", episode, episode.client, fields=["measure_plan"])
        # The caseload's outcome column follows the plan's measures.
        refresh_attention([episode.client_id])
    return episode


def describe_plan(plan: MeasurePlan) -> dict[str, Any]:
    """The plan as the edit form shows it."""
    return {
        "every_session": list(plan.every_session),
        "wai_windows": plan.client_windows_text(),
        "therapist_wai": plan.therapist_wai,
        "choices": [(name, get_definition(name).name) for name in EVERY_SESSION_CHOICES],
        "start": list(plan.start),
        "start_choices": [(name, get_definition(name).name) for name in START_CHOICES],
    }
