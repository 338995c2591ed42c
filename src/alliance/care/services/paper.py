"""A form the client filled on paper, typed in by the clinician: the visual-analogue lines
(SRS, ORS) measured with a ruler in centimetres to one decimal (the printed line is 10 cm), the
other forms as answered. Scored and monitored like any other, and recorded as entered from
paper by that clinician (in the audit trail too)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from alliance.errors import Problem
from alliance.measures import get_definition

from ..models import Administration, Session
from .administrations import SubmissionError, record_administration
from .due import outstanding_instruments

# ASCII digits only (a "٣" or a "²" is not a measurement), a comma or a dot, one decimal.
_CENTIMETRES = re.compile(r"^(?:10(?:[.,]0)?|[0-9](?:[.,][0-9])?)$")


def paper_instruments(session: Session) -> list[str]:
    """The client's forms of this session that can still be entered from paper."""
    phases = outstanding_instruments(session)
    return [*phases["start"], *phases["end"]]


def read_paper_answers(instrument: str, posted: Mapping[str, str]) -> dict[str, Any]:
    """The answers as typed (`<instrument>-<item>` fields), each checked; raises
    `SubmissionError` naming every field that is missing or not a measurement or answer."""
    definition = get_definition(instrument)
    vas = definition.scale.kind == "vas"
    allowed = {str(p.value): p.value for p in definition.scale.points}
    answers: dict[str, Any] = {}
    problems: list[Problem] = []
    for item in definition.items:
        raw = posted.get(f"{instrument}-{item.id}", "").strip()
        label = item.label.split(":")[0]
        if not raw:
            problems.append(Problem(item.id, f"{label}: enter the answer", "missing_item"))
        elif vas and _CENTIMETRES.match(raw):
            answers[item.id] = float(raw.replace(",", "."))
        elif vas:
            problems.append(Problem(item.id, f"{label}: give centimetres from 0.0 to 10.0, "
                                    "to one decimal (e.g. 7.4)", "bad_measure"))  # fmt: skip
        elif raw in allowed:
            answers[item.id] = allowed[raw]
        else:
            problems.append(Problem(item.id, f"{label}: choose one of the answers", "bad_answer"))
    for extra in definition.supplementary:
        raw = posted.get(f"{instrument}-{extra.id}", "").strip()
        points = {str(p.value): p.value for p in extra.points}
        if raw in points:
            answers[extra.id] = points[raw]
    if problems:
        raise SubmissionError("invalid_paper_form", problems[0].message, problems)
    return answers


def record_paper_form(
    *, session: Session, instrument: str, posted: Mapping[str, str], user: Any, key: str = ""
) -> Administration:
    """Store a paper form; refused when it is not the client's, or already stored here."""
    if instrument not in paper_instruments(session):
        raise SubmissionError(
            "not_due",
            f"{instrument.upper()} is not a form still to enter for session {session.number} "
            "(already stored, or not in the plan): a correction is the way to change one",
        )
    answers = read_paper_answers(instrument, posted)
    return record_administration(
        session=session, instrument=instrument, answers=answers,
        submission_key=f"paper:{key}" if key else None,
        entered_by=user, entered_from="paper",
    )  # fmt: skip
