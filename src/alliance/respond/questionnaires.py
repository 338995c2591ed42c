"""A questionnaire as an HTML form, for the client's link, the kiosk and the clinician's own
pages (the therapist's WAI-SR, corrections): the fields each instrument shows, and the
answers read back from a post, left for scoring to check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest

from alliance.errors import Problem
from alliance.measures import get_definition
from alliance.measures.wording import form_text


def answers_from(request: HttpRequest, instrument: str) -> dict[str, Any]:
    definition = get_definition(instrument)
    ids = [*definition.item_ids, *(s.id for s in definition.supplementary)]
    answers: dict[str, Any] = {}
    for item in ids:
        raw = request.POST.get(f"{instrument}-{item}", "").strip()
        if not raw:
            continue  # missing: scoring names it (item 10 of the PHQ-9 may stay empty)
        try:
            answers[item] = float(raw) if "." in raw else int(raw)
        except ValueError:
            answers[item] = raw  # scoring refuses it with a message naming the item
    return answers


def forms_context(
    instruments: list[str], posted: Any, problems: Sequence[Problem]
) -> dict[str, Any]:
    forms = []
    for name in instruments:
        definition = get_definition(name)
        text = form_text(name)
        items = [
            {"id": item_id, "text": item_text, "field": f"{name}-{item_id}",
             "value": posted.get(f"{name}-{item_id}", "")}
            for item_id, item_text in text.items
        ]  # fmt: skip
        forms.append(
            {
                "id": name,
                "name": definition.name,
                "text": text,
                "vas": definition.scale.kind == "vas",
                "points": definition.scale.points,
                "items": items,
                "supplementary": [
                    {
                        "id": s.id,
                        "text": s.wording or s.label,
                        "field": f"{name}-{s.id}",
                        "points": s.points,
                        "value": posted.get(f"{name}-{s.id}", ""),
                    }
                    for s in definition.supplementary
                ],
            }
        )
    return {"forms": forms, "problems": [problem.message for problem in problems]}
