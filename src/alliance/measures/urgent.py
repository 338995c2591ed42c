"""Urgent (safety) answers read straight from a client's answers, whether or not the form can
be scored: a self-harm answer must reach a person even when another answer on the same form is
missing or wrong, so it cannot wait for scoring to succeed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .loader import get_definition
from .scoring import _compare


@dataclass(frozen=True)
class UrgentAnswer:
    instrument: str
    flag: str  # the definition's flag, e.g. "self_harm_risk"
    item: str
    value: int


def urgent_answers(instrument: str, answers: Mapping[str, Any]) -> list[UrgentAnswer]:
    """Each urgent item flag that a valid answer in `answers` meets.

    Only an answer that is one of the scale's points counts (a mistyped value is a scoring
    problem, not a safety answer); an urgent flag's cutoff is never overridden by a site, so
    the definition's own figure is the one in force.
    """
    definition = get_definition(instrument)
    allowed = {point.value for point in definition.scale.points}
    found = []
    for flag in definition.flags:
        if not flag.urgent or flag.item is None:
            continue
        value = answers.get(flag.item)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if value not in allowed:
            continue
        if _compare(value, flag.comparison, definition.cutoffs[flag.cutoff]):
            found.append(UrgentAnswer(instrument, flag.name, flag.item, int(value)))
    return found
