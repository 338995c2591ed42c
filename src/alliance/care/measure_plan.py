"""An episode's measure plan: which instruments the client (and the therapist) fill, and when.

One typed, validated object (free of Django), stored on the episode as JSON:

    {"every_session": ["srs", "phq-9", "gad-7"],
     "windows": [{"instrument": "wai-sr", "first": 3, "last": 4}, ...],
     "start": ["phq-9", "gad-7"]}

An instrument given every session is due at every session; a windowed one (the WAI-SR at
sessions 3-4 and 8-10, INSTRUMENTS.md) is due at the first session of its window at which it
has not yet been given.

Feedback-informed practice gives the outcome measure at the start of a session, so that it
can shape the session, and the SRS at its end, about the session just held: `start` names
the instruments given at the start; everything else is given at the end. A plan without
`start` (every plan stored before phases existed) gives everything at the end.
"""

from __future__ import annotations

from collections.abc import Collection
from itertools import pairwise
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from alliance.errors import DomainError, Problem
from alliance.measures import get_definition

EVERY_SESSION_CHOICES = ("srs", "phq-9", "gad-7", "ors")
WINDOW_INSTRUMENTS = ("wai-sr", "wai-sr-t")
SymptomSet = Literal["phq-9+gad-7", "ors"]
# What may be given at the start: outcome measures. The SRS and the WAI-SR rate the session
# (or the work so far), so they come at its end.
START_CHOICES = ("phq-9", "gad-7", "ors")
Phase = Literal["start", "end"]


class PlanError(DomainError):
    """A plan that cannot be kept; the message says what to change."""

    def __init__(self, message: str, *, code: str = "bad_plan", item: str | None = None) -> None:
        super().__init__(code, message, (Problem(item, message, code),))


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    instrument: Literal["wai-sr", "wai-sr-t"]
    first: int = Field(ge=1, le=99)
    last: int = Field(ge=1, le=99)

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.last < self.first:
            raise ValueError(
                f"the window {self.first}-{self.last} must run from an earlier session to a "
                "later one"
            )
        return self


class MeasurePlan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    every_session: tuple[str, ...] = Field(min_length=1)
    windows: tuple[Window, ...] = ()
    start: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> MeasurePlan:
        unknown = [name for name in self.every_session if name not in EVERY_SESSION_CHOICES]
        if unknown:
            raise ValueError(f"{unknown[0]!r} cannot be given every session")
        if len(set(self.every_session)) != len(self.every_session):
            raise ValueError("an instrument is listed twice for every session")
        for instrument in WINDOW_INSTRUMENTS:
            own = [w for w in self.windows if w.instrument == instrument]
            if any(later.first <= earlier.last for earlier, later in pairwise(own)):
                raise ValueError("windows must be in order and must not overlap")
        for name in self.start:
            if name not in START_CHOICES:
                raise ValueError(f"{name!r} rates the session, so it is given at the end")
            if name not in self.every_session:
                raise ValueError(f"{name!r} is given at the start but not every session")
        if len(set(self.start)) != len(self.start):
            raise ValueError("an instrument is listed twice for the start")
        return self

    @classmethod
    def default(cls, symptoms: SymptomSet = "phq-9+gad-7") -> MeasurePlan:
        """SRS with PHQ-9 + GAD-7 (or ORS) every session, the outcome measures at the start
        and the SRS at the end; client WAI-SR (at the end) at 3-4 and 8-10."""
        every = ("srs", "ors") if symptoms == "ors" else ("srs", "phq-9", "gad-7")
        return cls(
            every_session=every,
            start=tuple(name for name in every if name in START_CHOICES),
            windows=(
                Window(instrument="wai-sr", first=3, last=4),
                Window(instrument="wai-sr", first=8, last=10),
            ),
        )

    @classmethod
    def parse(cls, data: Any) -> MeasurePlan:
        """A plan from stored or posted data; `PlanError` with the first reason if invalid."""
        if isinstance(data, MeasurePlan):
            return data
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            message = str(first["msg"]).removeprefix("Value error, ")
            where = ".".join(str(part) for part in first["loc"])
            raise PlanError(message, item=where or None) from None

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def due(self, session_number: int, given: Collection[tuple[str, int]]) -> list[str]:
        """The instruments due at `session_number`, given (instrument, session number) pairs
        of what the episode has stored. A windowed instrument given earlier in this very
        session still counts as due, so the page keeps showing what the session's forms were."""
        due = list(self.every_session)
        for window in self.windows:
            if not window.first <= session_number <= window.last:
                continue
            if any(
                name == window.instrument and window.first <= number < session_number
                for name, number in given
            ):
                continue
            if window.instrument not in due:
                due.append(window.instrument)
        return due

    def due_by_respondent(
        self, session_number: int, given: Collection[tuple[str, int]]
    ) -> dict[str, list[str]]:
        """`due`, split by who fills each instrument: {"client": [...], "therapist": [...]}."""
        by_respondent: dict[str, list[str]] = {"client": [], "therapist": []}
        for name in self.due(session_number, given):
            by_respondent[get_definition(name).respondent].append(name)
        return by_respondent

    def phase_of(self, instrument: str) -> Phase:
        return "start" if instrument in self.start else "end"

    def outstanding(
        self, session_number: int, given: Collection[tuple[str, int]]
    ) -> dict[Phase, list[str]]:
        """The client's instruments still to fill at `session_number`, by phase: those due
        and not yet stored at this session (once stored, a form is changed by a correction,
        never by a second set)."""
        here = {name for name, number in given if number == session_number}
        phases: dict[Phase, list[str]] = {"start": [], "end": []}
        for name in self.due_by_respondent(session_number, given)["client"]:
            if name not in here:
                phases[self.phase_of(name)].append(name)
        return phases

    def client_windows_text(self) -> str:
        """The client's WAI-SR windows as a clinician writes them: "3-4, 8-10"."""
        return ", ".join(
            f"{w.first}-{w.last}" if w.last != w.first else str(w.first)
            for w in self.windows
            if w.instrument == "wai-sr"
        )

    @property
    def therapist_wai(self) -> bool:
        return any(w.instrument == "wai-sr-t" for w in self.windows)
