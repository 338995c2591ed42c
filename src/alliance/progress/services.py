"""The client's own progress: what a client may see of their scores over time.

`progress_for` is the one read: the client's session ratings (SRS) and symptom measures
(PHQ-9, GAD-7, ORS), whichever they filled, in the latest course of treatment, each told
in plain words that follow the instrument's direction (higher is better on the SRS and ORS,
worse on the PHQ-9 and GAD-7, as the instrument files say). It holds nothing else: no
clinician, no notes, no signals, no item answers, no client code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format

from alliance.audit.trail import record_for_client
from alliance.care.models import Administration, Client, Episode
from alliance.measures import Definition, get_definition

from .models import ProgressSharing


@dataclass(frozen=True)
class Plain:
    """How a client reads one instrument: what it is about and what its better end means."""

    heading: str
    lead: str
    better: str


# Shown in this order. The WAI-SR is left out: it is about the working relationship in
# detail, and is discussed with the clinician rather than read alone.
PLAIN = {
    "srs": Plain(
        "Your sessions (SRS)", "How the session felt to you", "the session felt more right for you"
    ),
    "phq-9": Plain("Mood (PHQ-9)", "Your PHQ-9 (mood) score", "fewer symptoms of low mood"),
    "gad-7": Plain(
        "Worry and anxiety (GAD-7)",
        "Your GAD-7 (worry and anxiety) score",
        "fewer symptoms of worry",
    ),
    "ors": Plain(
        "How life has been going (ORS)",
        "How life has been going for you (ORS)",
        "things have been going better",
    ),
}

# The small line chart drawn above each table (SVG user units; it scales to the page),
# with room on the left for the scale's highest and lowest scores.
CHART_WIDTH = 320
CHART_HEIGHT = 120
CHART_PAD = 12
CHART_LEFT = 36


@dataclass(frozen=True)
class ScorePoint:
    session_number: int
    held_on: dt.date
    total: float
    shown: str  # the total as the client reads it: "38.5", "9"
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class InstrumentProgress:
    abbreviation: str
    heading: str
    points: tuple[ScorePoint, ...]
    minimum: str
    maximum: str
    summary: str  # the sentence the client reads first
    meaning: str  # "Higher means ..." / "Lower means ..."
    band: str  # the latest score's severity range, where the instrument has ranges

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.points)

    @property
    def chart_label(self) -> str:
        scores = ", ".join(f"session {p.session_number}: {p.shown}" for p in self.points)
        return f"Line chart of your {self.abbreviation} scores ({scores}); {self.meaning}"


@dataclass(frozen=True)
class ClientProgress:
    instruments: tuple[InstrumentProgress, ...]
    as_of: dt.date

    # The charts' frame, for the template: the top line is each scale's highest score,
    # the bottom line its lowest.
    chart_width = CHART_WIDTH
    chart_height = CHART_HEIGHT
    chart_left = CHART_LEFT
    chart_right = CHART_WIDTH - CHART_PAD
    chart_top = CHART_PAD
    chart_bottom = CHART_HEIGHT - CHART_PAD


def sharing_enabled(client: Client) -> bool:
    return ProgressSharing.objects.filter(client=client, enabled=True).exists()


def progress_for(client: Client, *, via: str = "after the forms") -> ClientProgress | None:
    """The client's progress, or None while their clinician has not turned sharing on.

    Records the read in the audit trail (once per call, so once per page that shows it):
    callers must not record it again. `via` says where it was shown.
    """
    if not sharing_enabled(client):
        return None
    today = timezone.localdate()
    episode = Episode.objects.filter(client=client).order_by("-started_on", "-id").first()
    forms = _current_forms(episode) if episode is not None else {}
    instruments = tuple(
        _instrument_progress(get_definition(name), PLAIN[name], forms[name], today)
        for name in PLAIN
        if forms.get(name)
    )
    record_for_client("read", client, client, detail=f"progress shown to the client ({via})")
    return ClientProgress(instruments=instruments, as_of=today)


def _current_forms(episode: Episode) -> dict[str, list[tuple[int, dt.date, float]]]:
    """Per instrument, (session number, date, total) by session: of each session's forms,
    the latest one not corrected since (a correction replaces the form it amends)."""
    rows = (
        Administration.objects.filter(
            session__episode=episode,
            respondent=Administration.Respondent.CLIENT,
            instrument__in=list(PLAIN),
            amended_by__isnull=True,
        )
        .order_by("session__number", "submitted_at", "id")
        .values_list("instrument", "session__number", "session__held_on", "total")
    )
    latest: dict[tuple[str, int], tuple[dt.date, float]] = {}
    for instrument, number, held_on, total in rows:
        latest[(instrument, number)] = (held_on, total)  # a later form replaces an earlier
    forms: dict[str, list[tuple[int, dt.date, float]]] = {}
    for (instrument, number), (held_on, total) in latest.items():
        forms.setdefault(instrument, []).append((number, held_on, total))
    return forms


def _instrument_progress(
    definition: Definition,
    plain: Plain,
    forms: list[tuple[int, dt.date, float]],
    today: dt.date,
) -> InstrumentProgress:
    decimals = definition.scale.decimals
    low, high = definition.total_min, definition.total_max
    step = (CHART_WIDTH - CHART_LEFT - CHART_PAD) / max(len(forms) - 1, 1)
    points = tuple(
        ScorePoint(
            session_number=number,
            held_on=held_on,
            total=total,
            shown=_shown(total, decimals),
            x=round(CHART_LEFT + index * step if len(forms) > 1 else CHART_WIDTH / 2, 1),
            # Up is the higher score on every chart; the sentence says which way is better.
            y=round(CHART_PAD + (high - total) / (high - low) * (CHART_HEIGHT - 2 * CHART_PAD), 1),
        )
        for index, (number, held_on, total) in enumerate(forms)
    )
    better_way = "Higher" if definition.higher_is_better else "Lower"
    meaning = f"{better_way} means {plain.better}."
    band = _band(definition, points[-1].total)
    return InstrumentProgress(
        abbreviation=definition.abbreviation,
        heading=plain.heading,
        points=points,
        minimum=_shown(low, 0),
        maximum=_shown(high, 0),
        summary=_summary(plain, points, _shown(high, 0), band, today),
        meaning=meaning,
        band=band,
    )


def _summary(
    plain: Plain, points: tuple[ScorePoint, ...], maximum: str, band: str, today: dt.date
) -> str:
    """The sentence the client reads first, such as: Your PHQ-9 (mood) score: 9 of 27
    today (the mild range), down from 17 at the start."""
    latest = points[-1]
    when = "today" if latest.held_on == today else f"on {date_format(latest.held_on, 'j F Y')}"
    sentence = f"{plain.lead}: {latest.shown} of {maximum} {when}"
    if band:
        sentence += f" (the {band} range)"
    if len(points) == 1:
        return sentence + ". Your next scores will show how this changes."
    first = points[0]
    if latest.shown == first.shown:
        return sentence + f", the same as at the start ({first.shown})."
    direction = "up" if latest.total > first.total else "down"
    return sentence + f", {direction} from {first.shown} at the start."


def _band(definition: Definition, total: float) -> str:
    for band in definition.bands:
        if band.min <= total <= band.max:
            return band.label
    return ""


def _shown(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text[:-2] if text.endswith(".0") else text
