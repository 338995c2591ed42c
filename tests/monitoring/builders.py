"""Hand-made series for the rule tests: an SRS total or a symptom total per session."""

from __future__ import annotations

from collections.abc import Sequence

from alliance.measures import score
from alliance.monitoring import ScoredAdministration, ScoredEpisode


def srs(
    session: int, total: float, *, items: Sequence[float] | None = None
) -> ScoredAdministration:
    """An SRS whose lines add up to `total` (or the given lines)."""
    if items is None:
        tenths = round(total * 10)
        base, extra = divmod(tenths, 4)
        items = [(base + (1 if i < extra else 0)) / 10 for i in range(4)]
    answers = {str(n): v for n, v in enumerate(items, start=1)}
    result = ScoredAdministration(session, "srs", score("srs", answers))
    assert result.total == round(total if items is None else sum(items), 1)
    return result


def spread(total: int, count: int, top: int = 3) -> list[int]:
    values = []
    for _ in range(count):
        take = min(top, total)
        values.append(take)
        total -= take
    assert total == 0, "total too large for the items"
    return values


def phq9(session: int, total: int, item9: int = 0) -> ScoredAdministration:
    answers = [*spread(total - item9, 8), item9]
    return ScoredAdministration(session, "phq-9", score("phq-9", dict(enumerate(answers, start=1))))


def gad7(session: int, total: int) -> ScoredAdministration:
    return ScoredAdministration(
        session, "gad-7", score("gad-7", dict(enumerate(spread(total, 7), 1)))
    )


def ors(session: int, total: float) -> ScoredAdministration:
    tenths = round(total * 10)
    base, extra = divmod(tenths, 4)
    answers = {str(n): (base + (1 if n <= extra else 0)) / 10 for n in range(1, 5)}
    return ScoredAdministration(session, "ors", score("ors", answers))


def wai_sr(
    session: int, task: int, bond: int, goal: int, *, therapist: bool = False
) -> ScoredAdministration:
    """A WAI-SR with every item of a subscale at the given answer (1-5)."""
    key = {"task": (1, 2, 10, 12), "bond": (3, 5, 7, 9), "goal": (4, 6, 8, 11)}
    levels = {"task": task, "bond": bond, "goal": goal}
    answers = {str(item): levels[name] for name, items in key.items() for item in items}
    instrument = "wai-sr-t" if therapist else "wai-sr"
    return ScoredAdministration(
        session, instrument, score(instrument, answers), "therapist" if therapist else "client"
    )


def srs_series(*totals: float, start: int = 1) -> list[ScoredAdministration]:
    return [srs(start + i, t) for i, t in enumerate(totals)]


def episode(*administrations: ScoredAdministration | list[ScoredAdministration]) -> ScoredEpisode:
    flat: list[ScoredAdministration] = []
    for a in administrations:
        flat.extend(a if isinstance(a, list) else [a])
    return ScoredEpisode.of("C1", flat)
