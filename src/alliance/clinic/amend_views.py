"""Correcting a stored form: the original is kept as it was; the correction is a new,
linked amendment with the reason and who entered it, and the signals follow the correction."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from alliance.audit.trail import record_for_client
from alliance.care.services.administrations import SubmissionError, record_administration
from alliance.measures import get_definition
from alliance.measures.wording import form_text
from alliance.respond.questionnaires import answers_from
from alliance.web.member_request import MemberRequest

from .lookups import own_administration


@login_required
def form_correct(request: MemberRequest, pk: int) -> HttpResponse:
    original = own_administration(request, pk)
    posted: Any = original.score["answers"]
    if request.method != "POST":
        record_for_client("read", original, original.session.episode.client, detail="form")
    problems: list[str] = []
    if request.method == "POST":
        posted = {item: request.POST.get(f"{original.instrument}-{item}", "")
                  for item in original.score["answers"]}  # fmt: skip
        try:
            record_administration(
                session=original.session,
                instrument=original.instrument,
                answers=answers_from(request, original.instrument),
                amends=original,
                reason=request.POST.get("reason", ""),
                entered_by=request.user,
            )
        except SubmissionError as exc:
            problems = [problem.message for problem in exc.problems]
        else:
            messages.success(request, f"{original.instrument.upper()} corrected.")
            return redirect("session", pk=original.session_id)
    context = {
        "original": original,
        "session": original.session,
        "client": original.session.episode.client,
        "items": _items(original.instrument, posted),
        "reason": request.POST.get("reason", ""),
        "problems": problems,
    }
    return render(request, "clinic/correct.html", context, status=400 if problems else 200)


def _items(instrument: str, answers: dict[str, Any]) -> list[dict[str, Any]]:
    definition = get_definition(instrument)
    text = dict(form_text(instrument).items)
    ids = [*definition.item_ids, *(s.id for s in definition.supplementary)]
    points = {s.id: s.points for s in definition.supplementary}
    return [
        {
            "id": item,
            "field": f"{instrument}-{item}",
            "text": text.get(item, item),
            "value": _shown(answers.get(item)),
            "vas": definition.scale.kind == "vas",
            "points": points.get(item, definition.scale.points),
        }
        for item in ids
    ]


def _shown(value: Any) -> str:
    """An answer as the form field holds it: 4 for the point 4.0, 7.5 for a line."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
