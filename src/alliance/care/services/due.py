"""Which instruments are due at a session, by who fills them, under the episode's plan."""

from __future__ import annotations

from ..measure_plan import Phase
from ..models import Administration, Session


def _given(session: Session) -> set[tuple[str, int]]:
    return set(
        Administration.objects.filter(session__episode=session.episode).values_list(
            "instrument", "session__number"
        )
    )


def due_instruments(session: Session) -> dict[str, list[str]]:
    """{"client": [...], "therapist": [...]}: every-session instruments, and windowed ones
    (WAI-SR at 3-4 and 8-10) not yet given in their window."""
    return session.episode.measure_plan.due_by_respondent(session.number, _given(session))


def outstanding_instruments(session: Session) -> dict[Phase, list[str]]:
    """The client's forms still to fill at this session, by phase ({"start", "end"}): what a
    new link or kiosk hand-over offers. A form stored at this session is never offered again."""
    return session.episode.measure_plan.outstanding(session.number, _given(session))
