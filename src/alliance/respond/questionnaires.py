"""A questionnaire as an HTML form, for the client's link, the kiosk and the clinician's own
pages (the therapist's WAI-SR, corrections): the fields each instrument shows, and the
answers read back from a post, left for scoring to check.

Scoring refuses in its own terms ("srs item 3: 11 is outside 0.0-10.0"); a person filling
the form is told instead which question needs an answer, in that question's own words, next
to it and in a summary at the top.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from alliance.errors import Problem
from alliance.measures import get_definition
from alliance.measures.wording import form_text
from alliance.web.typed import PLAIN_NUMBER

# Codes meaning "not answered": the whole form left empty, or some of its questions.
UNANSWERED = frozenset({"missing_item", "not_filled"})
# Shown to the client instead of the clinic's licensing notice (which tells the clinic to
# install the licensed wording): the client is only told what they are reading.
CLIENT_NOTICE = "These questions are short descriptions, not the questionnaire's full wording."
# A refusal that names no question on the page (a tampered post): nothing to point at.
UNPLACED = "Some answers could not be read. Please check your answers and send them again."


def answers_from(request: HttpRequest, instrument: str) -> dict[str, Any]:
    definition = get_definition(instrument)
    ids = [*definition.item_ids, *(s.id for s in definition.supplementary)]
    answers: dict[str, Any] = {}
    for item in ids:
        raw = request.POST.get(f"{instrument}-{item}", "").strip()
        if not raw:
            continue  # missing: scoring names it (item 10 of the PHQ-9 may stay empty)
        if PLAIN_NUMBER.fullmatch(raw):
            answers[item] = float(raw) if "." in raw else int(raw)
        else:
            answers[item] = raw  # scoring refuses it with a message naming the item
    return answers


@dataclass(frozen=True, slots=True)
class _Question:
    instrument: str
    id: str
    text: str
    field: str
    line: bool  # a visual-analogue line, not a choice of answers
    required: bool  # scored, so needed; a supplementary question may stay empty
    points: Any
    posted: str

    @property
    def unanswered(self) -> str:
        if self.line:
            return f"Please set a mark on the line “{self.text}”"
        return f"Please answer: “{self.text}”"

    @property
    def invalid(self) -> str:
        if self.line:
            return f"Please set the mark on the line “{self.text}” again"
        return f"Please choose one of the answers to: “{self.text}”"


def forms_context(
    instruments: list[str], posted: Any, problems: Sequence[Problem], *, place: str = "link"
) -> dict[str, Any]:
    """The forms for a template, each question with its problem (if any) in plain words.

    `place` is where the form is filled: "link" (the client's own device) or "kiosk" (the
    clinician's device, handed over after the session); the page's heading follows it.
    `problems` are a refusal's problems keyed "instrument item" (a link's submission), the
    instrument alone (a form left empty) or the item alone (one form stored by itself).
    """
    questions = {name: _questions(name, posted) for name in instruments}
    wrong, unplaced = _problems_by_field(questions, problems)
    forms = []
    for name in instruments:
        definition = get_definition(name)
        text = form_text(name)
        items = [
            {
                "id": question.id,
                "text": question.text,
                "field": question.field,
                # A refused value is not shown again (a line would redraw it clamped).
                "value": "" if question.field in wrong else question.posted,
                "required": question.required,
                "points": question.points,
                "problem": wrong.get(question.field, ""),
                "missing": question.unanswered,
            }
            for question in questions[name].values()
        ]
        forms.append(
            {
                "id": name,
                "name": definition.name,
                "text": text,
                "client_notice": CLIENT_NOTICE if text.demonstration else None,
                "vas": definition.scale.kind == "vas",
                "points": definition.scale.points,
                "items": items,
            }
        )
    # In the order the page shows the questions, so the first listed is the first met.
    summary = [
        {"message": wrong[question.field], "target": f"q-{question.field}"}
        for name in instruments
        for question in questions[name].values()
        if question.field in wrong
    ]
    if unplaced:
        summary.append({"message": UNPLACED, "target": ""})
    return {
        "forms": forms,
        "problems": [entry["message"] for entry in summary],
        "summary": summary,
        "place": place,
    }


def _questions(instrument: str, posted: Any) -> dict[str, _Question]:
    """Every question of `instrument` by item id: the scored items, then the supplementary
    ones (answered if the client wishes: the PHQ-9's "how difficult" question)."""
    definition = get_definition(instrument)
    line = definition.scale.kind == "vas"
    asked = [(item_id, text, True, definition.scale.points)
             for item_id, text in form_text(instrument).items]  # fmt: skip
    asked += [(s.id, s.wording or s.label, False, s.points) for s in definition.supplementary]
    return {
        item_id: _Question(
            instrument=instrument, id=item_id, text=text, field=f"{instrument}-{item_id}",
            line=line and required, required=required, points=points,
            posted=str(posted.get(f"{instrument}-{item_id}", "")),
        )
        for item_id, text, required, points in asked
    }  # fmt: skip


def _problems_by_field(
    questions: dict[str, dict[str, _Question]], problems: Sequence[Problem]
) -> tuple[dict[str, str], bool]:
    """Each question's problem in plain words by field name, and whether any problem named
    no question on the page."""
    wrong: dict[str, str] = {}
    unplaced = False
    for problem in problems:
        instrument, item = _where(problem, list(questions))
        asked = questions.get(instrument or "", {})
        if instrument is not None and problem.code in UNANSWERED:
            # Scoring names the first missing item; the client is shown every one.
            empty = [q for q in asked.values() if q.required and not q.posted.strip()]
            for question in empty:
                wrong.setdefault(question.field, question.unanswered)
            unplaced = unplaced or not empty
        elif item in asked:
            wrong.setdefault(asked[item].field, asked[item].invalid)
        else:
            unplaced = True
    return wrong, unplaced


def _where(problem: Problem, instruments: list[str]) -> tuple[str | None, str | None]:
    """The instrument and item id a problem is about, when it names one on the page."""
    named = problem.item or ""
    instrument, _, item = named.partition(" ")
    if instrument in instruments:
        return instrument, item or None
    if len(instruments) == 1 and named:
        return instruments[0], named  # one form stored by itself: its items are bare ids
    return None, None
