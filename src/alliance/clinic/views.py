"""Thin views: fetch through the signed-in clinician, call a service, render."""

from __future__ import annotations

import secrets
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance.audit.trail import record_for_client
from alliance.care.models import (
    FormLink,
    Membership,
    RepairStep,
    Rupture,
    Session,
    SignalAcknowledgement,
    SignalRecord,
)
from alliance.care.services.access import may_change, supervisions, visible_clients
from alliance.care.services.acknowledgements import AcknowledgementError, acknowledge_signal
from alliance.care.services.administrations import (
    SubmissionError,
    record_administration,
    refresh_signals,
)
from alliance.care.services.caseload import clinician_caseload
from alliance.care.services.chart import client_chart, expected_bands, vega_spec, wai_profile
from alliance.care.services.clients import ClientError, add_client, open_episode
from alliance.care.services.forms import (
    create_form_link,
    due_forms,
    due_measures,
    open_links,
    revoke_link,
    session_feedback,
    start_session,
)
from alliance.care.services.plans import PlanError, describe_plan, update_measure_plan
from alliance.care.services.privacy import ErasureError, erase_client, export_client
from alliance.care.services.ruptures import MARKERS
from alliance.respond.kiosk import open_kiosk
from alliance.respond.views import answers_from, forms_context

from .lookups import own_client, own_session

CASELOAD_PAGE = 100


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            client = add_client(
                clinician=request.user,
                code=request.POST.get("code", ""),
                symptom_measures=request.POST.get("symptom_measures", "phq-9+gad-7"),
            )
        except ClientError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("client", pk=client.pk)
    rows = clinician_caseload(request.user)
    roles = set(Membership.objects.filter(user=request.user).values_list("role", flat=True))
    is_clinician = bool(rows) or Membership.Role.CLINICIAN in roles
    # Most pressing first, a page at a time: the order is computed over the whole caseload
    # (fixed queries), only the page is rendered.
    page = Paginator(rows, CASELOAD_PAGE).get_page(request.GET.get("page"))
    supervision = [
        (link.supervisee, Paginator(clinician_caseload(link.supervisee, link.organization),
                                    CASELOAD_PAGE).get_page(1))
        for link in supervisions(request.user)
    ]  # fmt: skip
    context = {"page": page, "supervision": supervision, "is_clinician": is_clinician,
               "is_admin": Membership.Role.ADMIN in roles}  # fmt: skip
    return render(request, "clinic/caseload.html", context)


@login_required
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Through the owner: another clinician's client is a 404, not a 403 that confirms it.
    client = get_object_or_404(visible_clients(request.user).select_related("clinician"), pk=pk)
    chart = client_chart(client)
    record_for_client("read", client, client, detail="chart")
    spec = vega_spec(chart, wai_profile(client), expected_bands(client, chart))
    context = {"client": client, "chart": chart, "spec": spec,
               "actions": SignalAcknowledgement.Action.choices,
               "can_edit": may_change(request.user, client)}  # fmt: skip
    context |= _rupture_choices(chart)
    context |= _timeline(chart, whole=request.GET.get("timeline") == "all")
    episode = open_episode(client)
    context["plan"] = describe_plan(episode.measure_plan) if episode else None
    return render(request, "clinic/client.html", context)


TIMELINE_RECENT = 20


def _timeline(chart: dict[str, Any], *, whole: bool) -> dict[str, Any]:
    """The timeline's sessions: by default the latest ones and any session with a safety
    signal not yet acted on (a long course would otherwise make a page of megabytes)."""
    rows = [row for row in chart["rows"] if row.has_events]
    if whole:
        return {"timeline": rows, "timeline_hidden": 0}
    recent = {row.number for row in chart["rows"][-TIMELINE_RECENT:]}
    urgent = {signal.session_number for signal in chart["urgent_open"]}
    shown = [row for row in rows if row.number in recent or row.number in urgent]
    return {"timeline": shown, "timeline_hidden": len(rows) - len(shown)}


def _rupture_choices(chart: dict[str, Any]) -> dict[str, Any]:
    """What the rupture forms offer; the session defaults to the latest score-suggested
    rupture not yet recorded, else the latest session."""
    recorded = {r.session_number for r in chart["ruptures"]}
    suggested = [
        row.number
        for row in chart["rows"]
        for s in row.signals
        if s.kind == "possible_rupture" and row.number not in recorded
    ]
    return {
        "last_session": chart["rows"][-1].number if chart["rows"] else None,
        "suggested_rupture_session": suggested[-1] if suggested else None,
        "rupture_types": Rupture.Type.choices,
        "noticed_choices": Rupture.NoticedVia.choices,
        "marker_groups": [(kind, pairs) for kind, pairs in MARKERS.items()],
        "step_choices": RepairStep.Step.choices,
        "outcome_choices": Rupture.Outcome.choices,
    }


@login_required
@require_POST
def session_start(request: HttpRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    session = start_session(client=client)
    return redirect("session", pk=session.pk)


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = own_session(request, pk)
    context = _session_context(session)
    record_for_client("read", session, session.episode.client, detail="session forms")
    if request.method == "POST":
        _link, token = create_form_link(session=session, instruments=context["due"])
        url = request.build_absolute_uri(reverse("respond", args=[token]))
        context["link_url"] = url
        # Drawn here as inline SVG markup (no script, no image request that leaks the token).
        context["link_qr"] = segno.make(url, error="m").svg_inline(
            scale=5, title="Link to the forms"
        )
    return render(request, "clinic/session.html", context)


def _session_context(
    session: Session, posted: Any = None, problems: list[tuple[str | None, str]] | None = None
) -> dict[str, Any]:
    """The session page: the client's measures due, and the therapist's own form when the
    plan has one due and it is not yet filled."""
    due = due_forms(session)
    return {
        "session": session,
        "client": session.episode.client,
        "due": due["client"],
        "link_url": None,
        "therapist_forms": forms_context(
            _therapist_unfilled(session, due["therapist"]), posted or {}, problems or []
        ),
        "stored": session.administrations.filter(amended_by__isnull=True).order_by("id"),
        "open_links": open_links(session),
        "submission_key": secrets.token_hex(16),
    }


def _therapist_unfilled(session: Session, due: list[str]) -> list[str]:
    """The therapist's forms due at this session and not yet filled in it."""
    filled = set(session.administrations.values_list("instrument", flat=True))
    return [name for name in due if name not in filled]


@login_required
@require_POST
def session_therapist_forms(request: HttpRequest, pk: int) -> HttpResponse:
    """The therapist's own forms (the WAI-SR therapist version), stored whole or not at all."""
    session = own_session(request, pk)
    names = _therapist_unfilled(session, due_forms(session)["therapist"])
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
            refresh_signals(session.episode)
    except SubmissionError as exc:
        problems = exc.problems or [(None, exc.message)]
        context = _session_context(session, request.POST, problems)
        return render(request, "clinic/session.html", context, status=400)
    messages.success(request, "Your form is stored.")
    return redirect("session", pk=session.pk)


@login_required
@require_POST
def episode_plan(request: HttpRequest, pk: int) -> HttpResponse:
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
            )
        except PlanError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Measure plan saved.")
    return redirect(f"{reverse('client', args=[client.pk])}#plan")


@login_required
def client_export(request: HttpRequest, pk: int) -> HttpResponse:
    client = own_client(request, pk)
    response = JsonResponse(export_client(client), json_dumps_params={"indent": 1})
    response["Content-Disposition"] = f'attachment; filename="client-{client.pk}.json"'
    return response


@login_required
@require_POST
def client_erase(request: HttpRequest, pk: int) -> HttpResponse:
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
def link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(
        FormLink.objects.filter(session__episode__client__clinician=request.user), pk=pk
    )
    revoke_link(link=link)
    messages.success(request, "The link is withdrawn: it no longer opens the forms.")
    return redirect("session", pk=link.session_id)


@login_required
@require_POST
def session_kiosk(request: HttpRequest, pk: int) -> HttpResponse:
    session = own_session(request, pk)
    return open_kiosk(request, session, due_measures(session))


@login_required
def session_status(request: HttpRequest, pk: int) -> JsonResponse:
    session = own_session(request, pk)
    feedback = session_feedback(session)
    # Polled every 2 s: audited when it shows forms not shown before, not at every poll.
    seen_key = f"audit-seen-{session.pk}"
    if feedback["forms"] and request.session.get(seen_key) != len(feedback["forms"]):
        request.session[seen_key] = len(feedback["forms"])
        record_for_client("read", session, session.episode.client, detail="session feedback")
    return JsonResponse(feedback)


@login_required
@require_POST
def signal_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    signal = get_object_or_404(
        SignalRecord.objects.filter(episode__client__clinician=request.user).select_related(
            "episode"
        ),
        pk=pk,
    )
    try:
        acknowledge_signal(
            signal=signal,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
            user=request.user,
        )
    except AcknowledgementError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('client', args=[signal.episode.client_id])}#s{signal.pk}")
