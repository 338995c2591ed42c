"""What the chart page is handed (`chart.client_chart`): its rows, signal cards, WAI-SR bars
and the drops the scores suggest, as typed values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypedDict

from ..models import Episode, RepairStep, Rupture, SignalAcknowledgement


class SignalCard(TypedDict):
    """A signal as the page shows it, read as values, not as a model: the timeline of a
    long course holds many."""

    pk: int
    session_number: int
    kind: str
    instrument: str
    severity: str
    label: str
    explanation: str
    suggested_action: str
    acknowledged: bool
    records: list[SignalAcknowledgement]  # what was recorded about it (timeline rows only)


@dataclass
class SessionRow:
    session_number: int
    held_on: dt.date
    totals: dict[str, float] = field(default_factory=dict)
    # The SRS's four lines (0-10 each), in the definition's order, when the SRS was filled.
    srs_lines: tuple[float, ...] = ()
    # A self-harm answer at this session: its safety signal (raised by the score's flag) or
    # a held answer.
    self_harm: bool = False
    # Whether any signal was raised here (read light); `signals`: the full records, read for
    # the timeline's rows only.
    has_signals: bool = False
    signals: list[SignalCard] = field(default_factory=list)
    # What the clinician recorded at this session: ruptures, repair steps, outcomes.
    ruptures: list[Rupture] = field(default_factory=list)
    steps: list[RepairStep] = field(default_factory=list)
    outcomes: list[Rupture] = field(default_factory=list)
    # What the table shows, formatted once: the date and one cell per column.
    held_label: str = ""
    cells: list[str] = field(default_factory=list)

    @property
    def has_events(self) -> bool:
        return self.has_signals or bool(self.ruptures or self.steps or self.outcomes)


@dataclass(frozen=True)
class WaiBar:
    session: str  # "S3": a category on the chart, not a number
    subscale: str
    mean: float


@dataclass(frozen=True)
class ScoreRupture:
    """A drop the scores suggest (a possible_rupture signal) and the return, if any."""

    session: int
    total: float
    repair_session: int | None
    repair_total: float | None


@dataclass
class ChartData:
    # The course of treatment drawn: the open episode, else the latest ended (None: none yet).
    episode: Episode | None
    columns: tuple[str, ...]
    rows: list[SessionRow]
    urgent_open: list[SignalCard]
    ruptures: list[Rupture]
    score_ruptures: list[ScoreRupture]
    wai_guidance: SignalCard | None
    wai_profile: list[WaiBar]
    wai_forms: int  # how many WAI-SR forms there are (the profile draws the latest few)
    # Expected-response bands: {"measure", "session", "expected", "low", "high"} per point.
    expected_bands: list[dict[str, Any]]
    # The cutoffs in force, from the instrument definitions (or the site's override).
    srs_concern_cutoff: float
    caseness: dict[str, float]
    # Each instrument's range of totals (and the WAI-SR's of its subscale means).
    ranges: dict[str, tuple[float, float]]
    srs_line_names: tuple[str, ...]
    # The timeline: its rows (full signals with what was recorded about them) and how many
    # rows with events it leaves out.
    timeline: list[SessionRow] = field(default_factory=list)
    timeline_hidden: int = 0
    # Whether a self-harm answer was ever held from a refused form of this client, in any
    # course: only then can one still stand (`alliance.safety.services.held_answer_rows`).
    any_held_answer: bool = False
