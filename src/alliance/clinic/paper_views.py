"""Entering a form the client filled on paper, from the session page."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from alliance.audit.trail import record_for_client
from alliance.care.models import Session
from alliance.care.services.administrations import SubmissionError
from alliance.care.services.paper import paper_instruments, record_paper_form
from alliance.errors import Problem
from alliance.measures import get_definition
from alliance.web.member_request import MemberRequest

from .lookups import own_session


@login_required
def paper_form(request: MemberRequest, pk: int, instrument: str) -> HttpResponse:
    session = own_session(request, pk)
    if instrument not in paper_instruments(session) and request.method != "POST":
        raise Http404
    if request.method == "POST":
        try:
            record_paper_form(session=session, instrument=instrument, posted=request.POST,
                              user=request.user,
                              key=request.POST.get("submission_key", "")[:40])  # fmt: skip
        except SubmissionError as exc:
            if exc.code == "not_due":
                messages.error(request, exc.message)
                return redirect("session", pk=session.pk)
            return _page(request, session, instrument, exc.problems, status=400)
        messages.success(request, f"{instrument.upper()} entered from paper.")
        return redirect("session", pk=session.pk)
    record_for_client("read", session, session.episode.client, detail="paper entry")
    return _page(request, session, instrument, ())


def _page(
    request: MemberRequest,
    session: Session,
    instrument: str,
    problems: Any,
    status: int = 200,
) -> HttpResponse:
    definition = get_definition(instrument)
    errors = {p.item: p.message for p in problems if isinstance(p, Problem)}
    items = [
        {
            "id": item.id,
            "field": f"{instrument}-{item.id}",
            "label": item.label,
            "value": request.POST.get(f"{instrument}-{item.id}", ""),
            "error": errors.get(item.id),
        }
        for item in definition.items
    ]
    supplementary = [
        {"field": f"{instrument}-{s.id}", "label": s.label, "points": s.points,
         "value": request.POST.get(f"{instrument}-{s.id}", "")}
        for s in definition.supplementary
    ]  # fmt: skip
    context = {
        "session": session,
        "client": session.episode.client,
        "instrument": instrument,
        "name": definition.abbreviation,
        "vas": definition.scale.kind == "vas",
        "points": definition.scale.points,
        "items": items,
        "supplementary": supplementary,
        "problems": [p.message for p in problems],
        "submission_key": request.POST.get("submission_key") or secrets.token_hex(16),
    }
    return render(request, "clinic/paper.html", context, status=status)
