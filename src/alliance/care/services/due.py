"""Which instruments are due at a session, by who fills them, under the episode's plan."""

from __future__ import annotations

from ..models import Administration, Session


def due_instruments(session: Session) -> dict[str, list[str]]:
    """{"client": [...], "therapist": [...]}: every-session instruments, and windowed ones
    (WAI-SR at 3-4 and 8-10) not yet given in their window."""
    given = set(
        Administration.objects.filter(session__episode=session.episode).values_list(
            "instrument", "session__number"
        )
    )
    return session.episode.measure_plan.due_by_respondent(session.number, given)
