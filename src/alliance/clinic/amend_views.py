"""Correcting a stored form: the original is kept as it was; the correction is a new,
linked amendment with the reason and who entered it, and the signals follow the correction."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from alliance.audit.trail import record_for_client
from alliance.care.models import Administration
from alliance.care.services.administrations import SubmissionError, record_administration
from alliance.errors import Problem
from alliance.measures import get_definition
from alliance.measures.wording import form_text
from alliance.respond.questionnaires import answers_from
from alliance.web.member_request import MemberRequest

from .lookups import own_administration


@login_required
def form_correct(request: MemberRequest, pk: int) -> HttpResponse:
    try:
        original = own_administration(request, pk)
    except Http404:
        # A correction of a form corrected meanwhile (another tab, a double click, the
        # back button): said so, with the latest version, rather than "not found".
        latest = _latest_version(request, pk) if request.method == "POST" else None
        if latest is None:
            raise
        return _conflict(request, latest)
    if request.method != "POST":
        record_for_client("read", original, original.session.episode.client, detail="form")
        return _page(request, original, original.score["answers"])
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
        latest = _latest_version(request, pk) if exc.code == "already_amended" else None
        if latest is not None:
            return _conflict(request, latest)
        return _page(request, original, posted, [_said(p) for p in exc.problems], status=400)
    messages.success(request, f"{original.instrument.upper()} corrected.")
    return redirect("session", pk=original.session_id)


def _page(
    request: MemberRequest,
    original: Administration,
    answers: dict[str, Any],
    problems: list[str] | None = None,
    *,
    status: int = 200,
    conflict: bool = False,
) -> HttpResponse:
    context = {
        "original": original,
        "session": original.session,
        "client": original.session.episode.client,
        "items": _items(original.instrument, answers),
        "reason": "" if conflict else request.POST.get("reason", ""),
        "problems": problems or [],
        "conflict": conflict,
    }
    return render(request, "clinic/correct.html", context, status=status)


def _conflict(request: MemberRequest, latest: Administration) -> HttpResponse:
    # Nothing was stored; the page shows the version now in force, to correct if need be.
    record_for_client("read", latest, latest.session.episode.client, detail="form")
    return _page(request, latest, latest.score["answers"], status=409, conflict=True)


def _latest_version(request: MemberRequest, pk: int) -> Administration | None:
    """The version in force of form `pk`, once corrected, when it is the member's own (the
    owner check is the lookup's: anyone else's form stays "not found")."""
    newer = pk
    for _step in range(MAX_CORRECTIONS):
        newer_pk = Administration.objects.filter(amends_id=newer).values_list("pk", flat=True)
        found = newer_pk.first()
        if found is None:
            return None
        newer = found
        try:
            return own_administration(request, newer)
        except Http404:
            continue  # corrected again since, or not theirs: the next version decides
    return None


MAX_CORRECTIONS = 100  # a form is corrected a handful of times; this bounds a broken chain


def _said(problem: Problem) -> str:
    if problem.code == "wrong_type" and problem.item is not None:
        return f"item {problem.item}: use the digits 0 to 9, and a dot for tenths (e.g. 7.5)"
    return problem.message


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
