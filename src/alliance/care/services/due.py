"""Which instruments are due at a session, by who fills them, under the episode's plan."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class SessionForms:
    """What a session page needs of its forms, read at once."""

    due: dict[str, list[str]]  # by respondent, as `due_instruments`
    outstanding: dict[Phase, list[str]]  # the client's, as `outstanding_instruments`
    therapist_unfilled: list[str]  # the therapist's forms due and not yet stored here


def session_forms(session: Session) -> SessionForms:
    given = _given(session)
    plan = session.episode.measure_plan
    due = plan.due_by_respondent(session.number, given)
    here = {name for name, number in given if number == session.number}
    return SessionForms(
        due=due,
        outstanding=plan.outstanding(session.number, given),
        therapist_unfilled=[name for name in due["therapist"] if name not in here],
    )
