"""Thin views: fetch through the signed-in clinician, call a service, render."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance.audit.trail import record, record_for_client
from alliance.care.models import (
    Membership,
    RepairStep,
    Rupture,
    Session,
    SignalAcknowledgement,
)
from alliance.care.services.access import may_change, supervisions
from alliance.care.services.acknowledgements import AcknowledgementError, acknowledge_signal
from alliance.care.services.administrations import SubmissionError, record_administration
from alliance.care.services.caseload import clinician_caseload
from alliance.care.services.chart import ChartData, client_chart
from alliance.care.services.clients import ClientError, add_client, open_episode
from alliance.care.services.due import due_instruments, outstanding_instruments
from alliance.care.services.feedback import session_feedback
from alliance.care.services.links import create_form_link, open_links, revoke_link
from alliance.care.services.plans import PlanError, describe_plan, update_measure_plan
from alliance.care.services.privacy import ErasureError, erase_client, export_client
from alliance.care.services.ruptures import MARKERS
from alliance.care.services.sessions import start_session
from alliance.care.services.signals import refresh_signals
from alliance.errors import Problem
from alliance.respond.kiosk_lock import open_kiosk
from alliance.respond.questionnaires import answers_from, forms_context
from alliance.safety.services import held_answer_rows
from alliance.web.member_request import MemberRequest

from .chart_spec import vega_spec
from .lookups import own_client, own_link, own_session, own_signal, visible_client

CASELOAD_PAGE = 100


@login_required
def caseload(request: MemberRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            client = add_client(
                clinician=request.user,
                organization=request.organization,
                code=request.POST.get("code", ""),
                symptom_instruments=request.POST.get("symptom_instruments", "phq-9+gad-7"),
            )
        except ClientError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("client", pk=client.pk)
    # Most pressing first, a page at a time: each client's place is stored with the client,
    # so the page is one ordered, limited query (and a count), whatever the caseload's size.
    rows = clinician_caseload(request.user, request.organization)
    page = Paginator(rows, CASELOAD_PAGE).get_page(request.GET.get("page"))
    is_clinician = request.role == Membership.Role.CLINICIAN or page.paginator.count > 0
    supervision = [
        (link.supervisee, Paginator(clinician_caseload(link.supervisee, link.organization),
                                    CASELOAD_PAGE).get_page(1))
        for link in supervisions(request.user)
    ]  # fmt: skip
    _audit_listed(request, [(request.user, page), *supervision])
    context = {"page": page, "supervision": supervision, "is_clinician": is_clinician,
               "is_admin": request.role == Membership.Role.ADMIN}  # fmt: skip
    return render(request, "clinic/caseload.html", context)


def _audit_listed(request: MemberRequest, shown: list[tuple[Any, Any]]) -> None:
    """One entry for the page view: the ids of the clients listed and whose they are (a
    supervisor's page lists their supervisees' clients, which each supervisee's own trail
    then shows). A page that lists no one read nothing."""
    for _owner, listed in shown:
        # Evaluated here, once: the template iterates these same lists, no second query.
        listed.object_list = list(listed.object_list)
    clients = [client.pk for _owner, listed in shown for client in listed.object_list]
    owners = [owner.pk for owner, listed in shown if listed.object_list]
    if clients:
        organization = request.organization
        record("read", object_type="caseload", object_id=request.user.pk, clients=clients,
               listed_owners=owners,
               organization_id=organization.pk if organization is not None else None)  # fmt: skip


@login_required
def client_detail(request: MemberRequest, pk: int) -> HttpResponse:
    client = visible_client(request, pk)
    chart = client_chart(client)
    record_for_client("read", client, client, detail="chart")
    spec = vega_spec(chart)
    context = {"client": client, "chart": chart, "spec": spec,
               "actions": SignalAcknowledgement.Action.choices,
               "can_edit": may_change(request.user, client),
               "held_answers": held_answer_rows(client_id=client.pk)}  # fmt: skip
    context |= _rupture_choices(chart)
    context |= _timeline(chart, whole=request.GET.get("timeline") == "all")
    episode = open_episode(client)
    context["plan"] = describe_plan(episode.measure_plan) if episode else None
    return render(request, "clinic/client.html", context)


TIMELINE_RECENT = 20


def _timeline(chart: ChartData, *, whole: bool) -> dict[str, Any]:
    """The timeline's sessions: by default the latest ones and any session with a safety
    signal not yet acted on (a long course would otherwise make a page of megabytes)."""
    rows = [row for row in chart.rows if row.has_events]
    if whole:
        return {"timeline": rows, "timeline_hidden": 0}
    recent = {row.session_number for row in chart.rows[-TIMELINE_RECENT:]}
    urgent = {signal.session_number for signal in chart.urgent_open}
    shown = [row for row in rows if row.session_number in recent or row.session_number in urgent]
    return {"timeline": shown, "timeline_hidden": len(rows) - len(shown)}


def _rupture_choices(chart: ChartData) -> dict[str, Any]:
    """What the rupture forms offer; the session defaults to the latest score-suggested
    rupture not yet recorded, else the latest session."""
    recorded = {r.session_number for r in chart.ruptures}
    suggested = [
        row.session_number
        for row in chart.rows
        for s in row.signals
        if s.kind == "possible_rupture" and row.session_number not in recorded
    ]
    return {
        "last_session": chart.rows[-1].session_number if chart.rows else None,
        "suggested_rupture_session": suggested[-1] if suggested else None,
        "rupture_types": Rupture.Type.choices,
        "noticed_choices": Rupture.NoticedVia.choices,
        "marker_groups": [(kind, pairs) for kind, pairs in MARKERS.items()],
        "step_choices": RepairStep.Step.choices,
        "outcome_choices": Rupture.Outcome.choices,
    }


@login_required
@require_POST
def session_start(request: MemberRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    session = start_session(client=client)
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


def _phases(session: Session, due: list[str]) -> list[dict[str, Any]]:
    """The session's forms by phase, as the page lists them: the start forms (when the plan
    has any due), then the end forms; each with what is stored and what is still to fill."""
    plan = session.episode.measure_plan
    outstanding = outstanding_instruments(session)
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
    due = due_instruments(session)
    return {
        "session": session,
        "client": session.episode.client,
        "due": due["client"],
        "phases": _phases(session, due["client"]),
        "fresh": None,
        "therapist_forms": forms_context(
            _therapist_unfilled(session, due["therapist"]), posted or {}, problems
        ),
        "stored": session.administrations.filter(amended_by__isnull=True).order_by("id"),
        "open_links": open_links(session),
        "submission_key": secrets.token_hex(16),
        "held_answers": held_answer_rows(session),
        "actions": SignalAcknowledgement.Action.choices,
    }


def _therapist_unfilled(session: Session, due: list[str]) -> list[str]:
    """The therapist's forms due at this session and not yet filled in it."""
    filled = set(session.administrations.values_list("instrument", flat=True))
    return [name for name in due if name not in filled]


@login_required
@require_POST
def session_therapist_forms(request: MemberRequest, pk: int) -> HttpResponse:
    """The therapist's own forms (the WAI-SR therapist version), stored whole or not at all."""
    session = own_session(request, pk)
    names = _therapist_unfilled(session, due_instruments(session)["therapist"])
    if not names:
        # Already stored (a double tap) or not in the plan for this session.
        messages.info(request, "No form of yours is due at this session.")
        return redirect("session", pk=session.pk)
    key = request.POST.get("submission_key", "")[:40]
    try:
        with transaction.atomic():
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
def episode_plan(request: MemberRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    episode = open_episode(client)
    if episode is None:
        messages.error(request, "this client has no open episode")
    else:
        try:
            update_measure_plan(
                episode=episode,
                every_session=request.POST.getlist("every_session"),
                wai_windows=request.POST.get("wai_windows", ""),
                therapist_wai=request.POST.get("therapist_wai") == "on",
                start=request.POST.getlist("start"),
            )
        except PlanError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Measure plan saved.")
    return redirect(f"{reverse('client', args=[client.pk])}#plan")


@login_required
def client_export(request: MemberRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    response = JsonResponse(export_client(client), json_dumps_params={"indent": 1})
    response["Content-Disposition"] = f'attachment; filename="client-{client.pk}.json"'
    return response


@login_required
@require_POST
def client_erase(request: MemberRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    try:
        erase_client(client=client, confirm_code=request.POST.get("confirm", ""))
    except ErasureError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('client', args=[client.pk])}#privacy")
    messages.success(request, "The client's record is erased.")
    return redirect("caseload")


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


@login_required
def session_status(request: MemberRequest, pk: int) -> JsonResponse:
    session = own_session(request, pk)
    feedback = session_feedback(session)
    # What the page's hand-over buttons and fresh link follow: a used link leaves the page.
    feedback["outstanding"] = outstanding_instruments(session)
    feedback["open_links"] = [link.pk for link in open_links(session)]
    # Polled every 2 s: audited when it shows forms not shown before, not at every poll.
    seen_key = f"audit-seen-{session.pk}"
    if feedback["forms"] and request.session.get(seen_key) != len(feedback["forms"]):
        request.session[seen_key] = len(feedback["forms"])
        record_for_client("read", session, session.episode.client, detail="session feedback")
    return JsonResponse(feedback)


@login_required
@require_POST
def signal_acknowledge(request: MemberRequest, pk: int) -> HttpResponse:
    signal = own_signal(request, pk)
    try:
        acknowledge_signal(
            signal=signal,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
            user=request.user,
        )
    except AcknowledgementError as exc:
        messages.error(request, exc.message)
    if request.POST.get("from") == "session":
        # Recorded from the session page's feedback card: back to that session.
        session = Session.objects.filter(
            episode=signal.episode, number=signal.session_number
        ).first()
        if session is not None:
            return redirect(f"{reverse('session', args=[session.pk])}#live")
    return redirect(f"{reverse('client', args=[signal.episode.client_id])}#s{signal.pk}")
