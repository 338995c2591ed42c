"""A session's page: the client's forms by phase (a link or a hand-over for each), the
therapist's own form, the live feedback card, and the links still open."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance.audit.trail import appended_together, record_for_client
from alliance.care.models import (
    Session,
    SignalAcknowledgement,
)
from alliance.care.services.administrations import SubmissionError, record_administration
from alliance.care.services.due import SessionForms, outstanding_instruments, session_forms
from alliance.care.services.feedback import session_feedback
from alliance.care.services.links import create_form_link, open_links, revoke_link
from alliance.care.services.sessions import SessionError, start_session
from alliance.care.services.signals import refresh_signals
from alliance.errors import Problem
from alliance.respond.kiosk_lock import open_kiosk
from alliance.respond.questionnaires import answers_from, forms_context
from alliance.safety.services import held_answer_rows
from alliance.web.activity import is_background_poll, signed_out_answer
from alliance.web.member_request import MemberRequest

from .lookups import own_client, own_link, own_session


@login_required
@require_POST
def session_start(request: MemberRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    try:
        session = start_session(client=client)
    except SessionError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('client', args=[client.pk])}#episodes")
    return redirect("session", pk=session.pk)


@login_required
def session_detail(request: MemberRequest, pk: int) -> HttpResponse:
    session = own_session(request, pk)
    if request.method == "POST":
        # Post, then redirect: a reload shows the page again and never makes another link.
        phase = _phase_to_give(session, request.POST.get("phase", ""))
        if phase is None:
            messages.error(request, "Every form of this session is stored: nothing to send.")
        else:
            link, token = create_form_link(session=session, instruments=phase[1])
            fresh = request.session.get(FRESH_LINKS, {})
            fresh[str(session.pk)] = {"token": token, "link": link.pk, "phase": phase[0]}
            request.session[FRESH_LINKS] = fresh
        return redirect(f"{reverse('session', args=[session.pk])}#forms")
    context = _session_context(session)
    record_for_client("read", session, session.episode.client, detail="session forms")
    # The link made by the post just before, shown once (the token is never stored with it).
    fresh = request.session.get(FRESH_LINKS, {})
    made = fresh.pop(str(session.pk), None)
    if made is not None:
        request.session[FRESH_LINKS] = fresh
        if any(link.pk == made["link"] for link in context["open_links"]):
            url = request.build_absolute_uri(reverse("respond", args=[made["token"]]))
            context["fresh"] = {
                "phase": made["phase"],
                "link": made["link"],
                "url": url,
                # Inline SVG markup: no script, no image request that leaks the token.
                "qr": segno.make(url, error="m").svg_inline(scale=5, title="Link to the forms"),
            }
    return render(request, "clinic/session.html", context)


FRESH_LINKS = "fresh-links"
PHASE_TITLES = {"start": "At the start of the session", "end": "At the end of the session"}


def _phase_to_give(session: Session, asked: str) -> tuple[str, list[str]] | None:
    """The phase a link or hand-over is for, with its forms still to fill: the one asked for,
    else the first with any."""
    outstanding = outstanding_instruments(session)
    if outstanding.get(asked):  # type: ignore[call-overload]
        return asked, outstanding[asked]  # type: ignore[index]
    for phase, names in outstanding.items():
        if names:
            return phase, names
    return None


def _phases(session: Session, forms: SessionForms) -> list[dict[str, Any]]:
    """The session's forms by phase, as the page lists them: the start forms (when the plan
    has any due), then the end forms; each with what is stored and what is still to fill."""
    plan = session.episode.measure_plan
    due, outstanding = forms.due["client"], forms.outstanding
    phases = []
    for phase in ("start", "end"):
        names = [name for name in due if plan.phase_of(name) == phase]
        if not names:
            continue
        phases.append(
            {
                "name": phase,
                "title": PHASE_TITLES[phase],
                "forms": [(name, name not in outstanding[phase]) for name in names],
                "outstanding": outstanding[phase],
            }
        )
    if len(phases) == 1:
        phases[0]["title"] = "This session's forms"
    return phases


def _session_context(
    session: Session, posted: Any = None, problems: Sequence[Problem] = ()
) -> dict[str, Any]:
    """The session page: the client's forms by phase, and the therapist's own form when the
    plan has one due and it is not yet filled."""
    forms = session_forms(session)
    return {
        "session": session,
        "client": session.episode.client,
        "due": forms.due["client"],
        "phases": _phases(session, forms),
        "fresh": None,
        "therapist_forms": forms_context(forms.therapist_unfilled, posted or {}, problems),
        "stored": session.administrations.filter(amended_by__isnull=True).order_by("id"),
        "open_links": open_links(session),
        "submission_key": secrets.token_hex(16),
        "held_answers": held_answer_rows(session),
        "actions": SignalAcknowledgement.Action.choices,
    }


@login_required
@require_POST
def session_therapist_forms(request: MemberRequest, pk: int) -> HttpResponse:
    """The therapist's own forms (the WAI-SR therapist version), stored whole or not at all."""
    session = own_session(request, pk)
    names = session_forms(session).therapist_unfilled
    if not names:
        # Already stored (a double tap) or not in the plan for this session.
        messages.info(request, "No form of yours is due at this session.")
        return redirect("session", pk=session.pk)
    key = request.POST.get("submission_key", "")[:40]
    try:
        with transaction.atomic(), appended_together():
            for name in names:
                record_administration(
                    session=session,
                    instrument=name,
                    answers=answers_from(request, name),
                    submission_key=f"{key}:{name}" if key else None,
                    refresh=False,
                )
            refresh_signals(
                session.episode, because=f"therapist forms of session {session.number} stored"
            )
    except SubmissionError as exc:
        context = _session_context(session, request.POST, exc.problems)
        return render(request, "clinic/session.html", context, status=400)
    messages.success(request, "Your form is stored.")
    return redirect("session", pk=session.pk)


@login_required
@require_POST
def link_revoke(request: MemberRequest, pk: int) -> HttpResponse:
    link = own_link(request, pk)
    revoke_link(link=link)
    messages.success(request, "The link is withdrawn: it no longer opens the forms.")
    return redirect("session", pk=link.session_id)


@login_required
@require_POST
def session_kiosk(request: MemberRequest, pk: int) -> HttpResponse:
    session = own_session(request, pk)
    phase = _phase_to_give(session, request.POST.get("phase", ""))
    if phase is None:
        messages.error(request, "Every form of this session is stored: nothing to hand over.")
        return redirect("session", pk=session.pk)
    return open_kiosk(request, session, phase[1])


def session_status(request: MemberRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        # The page's poll gets JSON it shows ("signed out ... sign in again"), not the
        # sign-in page, which its fetch would follow without a word.
        if is_background_poll(request):
            return signed_out_answer(request)
        return redirect_to_login(request.get_full_path())
    session = own_session(request, pk)
    feedback = session_feedback(session)
    # What the page's hand-over buttons and fresh link follow: a used link leaves the page.
    feedback["outstanding"] = outstanding_instruments(session)
    feedback["open_links"] = [link.pk for link in open_links(session)]
    # Polled every 2 s: audited when it shows forms not shown before, not at every poll. What
    # was shown is kept in the cache, not the browser session: a poll that changed the
    # session would save it, and so renew its inactivity clock (see alliance.web.activity).
    seen_key = f"audit-seen:{request.user.pk}:{session.pk}"
    if feedback["forms"] and cache.get(seen_key) != len(feedback["forms"]):
        cache.set(seen_key, len(feedback["forms"]), SEEN_FOR)
        record_for_client("read", session, session.episode.client, detail="session feedback")
    return JsonResponse(feedback)


# How long a member's page is known to have shown a session's forms: a page still open after
# that records one more read.
SEEN_FOR = 12 * 60 * 60  # seconds
