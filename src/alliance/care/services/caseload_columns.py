"""The caseload's columns besides its flags: each client's current episode, its latest session
(number and date), the latest SRS total and the latest score of each outcome measure its plan
uses, with the score's band.

Worked out here in one query for any number of clients and stored on the client with the
flags (`caseload.refresh_attention`), so the caseload page reads them with its rows and never
queries per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from alliance.measures import get_definition
from alliance.monitoring.symptoms import is_case

from ..models import Administration, Episode, Session

OUTCOME_MEASURES = ("phq-9", "gad-7", "ors")
SRS = "srs"


@dataclass(frozen=True)
class Columns:
    episode_id: int | None = None
    last_session: int | None = None
    last_session_on: dt.date | None = None
    latest_srs: float | None = None
    latest_outcomes: list[dict[str, Any]] = field(default_factory=list)
    episode_ended_on: dt.date | None = None


def current_episodes(client_ids: Iterable[int]) -> QuerySet[Episode]:
    """Every episode of the clients, for `pick_current`."""
    return Episode.objects.filter(client_id__in=list(client_ids)).order_by("client_id", "id")


def pick_current(episodes: Iterable[Episode]) -> dict[int, Episode]:
    """Each client's current episode: the open one (the latest started, should there be
    several, as `clients.open_episode` takes), else the latest started of those ended."""
    current: dict[int, Episode] = {}
    for episode in episodes:
        held = current.get(episode.client_id)
        if held is None or _currency(episode) > _currency(held):
            current[episode.client_id] = episode
    return current


def _currency(episode: Episode) -> tuple[bool, dt.date, int]:
    return (episode.ended_on is None, episode.started_on, episode.pk)


def caseload_columns(client_ids: Iterable[int]) -> dict[int, Columns]:
    """Each client's columns (a client with no episode gets empty ones), in one query."""
    ids = list(client_ids)
    latest_session = Session.objects.filter(episode=OuterRef("pk")).order_by("-number")
    forms = Administration.objects.filter(
        session__episode=OuterRef("pk"), amended_by__isnull=True, respondent="client"
    ).order_by("-session__number", "-id")
    latest_total = {
        _alias(name): Subquery(forms.filter(instrument=name).values("total")[:1])
        for name in (SRS, *OUTCOME_MEASURES)
    }
    episodes = current_episodes(ids).annotate(
        last_number=Subquery(latest_session.values("number")[:1]),
        last_on=Subquery(latest_session.values("held_on")[:1]),
        **latest_total,
    )
    columns = {pk: Columns() for pk in ids}
    for client_id, episode in pick_current(episodes).items():
        totals: dict[str, Any] = {alias: getattr(episode, alias) for alias in latest_total}
        plan = [name for name in episode.measure_plan.every_session if name in OUTCOME_MEASURES]
        columns[client_id] = Columns(
            episode_id=episode.pk,
            last_session=getattr(episode, "last_number", None),
            last_session_on=getattr(episode, "last_on", None),
            latest_srs=totals[_alias(SRS)],
            latest_outcomes=[
                outcome_cell(name, totals[_alias(name)])
                for name in plan
                if totals[_alias(name)] is not None
            ],
            episode_ended_on=episode.ended_on,
        )
    return columns


def _alias(instrument: str) -> str:
    return "latest_" + instrument.replace("-", "")


def outcome_cell(instrument: str, total: float) -> dict[str, Any]:
    """One outcome score as the caseload shows it: PHQ-9 14 (moderate), ORS 21.3 (clinical
    range). The band is the instrument's own (PHQ-9, GAD-7); the ORS has none, so its clinical
    cutoff (caseness, the site's where it set one) says which range the score is in."""
    definition = get_definition(instrument)
    band = next((b.label for b in definition.bands if b.min <= total <= b.max), "")
    caseness = definition.caseness
    if not band and caseness is not None:
        clinical = is_case(total, caseness, definition.higher_is_better)
        band = "clinical range" if clinical else "non-clinical range"
    shown = f"{total:.{definition.scale.decimals}f}"
    return {
        "instrument": instrument,
        "label": definition.abbreviation,
        "total": total,
        "shown": shown[:-2] if shown.endswith(".0") else shown,
        "band": band,
    }
