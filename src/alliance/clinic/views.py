"""Thin views: fetch through the signed-in clinician, call a service, render."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance.care.models import (
    Client,
    RepairStep,
    Rupture,
    Session,
    SignalAcknowledgement,
    SignalRecord,
)
from alliance.care.services.acknowledgements import AcknowledgementError, acknowledge_signal
from alliance.care.services.caseload import clinician_caseload
from alliance.care.services.chart import client_chart, vega_spec, wai_profile
from alliance.care.services.clients import ClientError, add_client
from alliance.care.services.forms import (
    create_form_link,
    due_measures,
    session_feedback,
    start_session,
)
from alliance.care.services.ruptures import MARKERS
from alliance.respond.kiosk import open_kiosk


def _own_session(request: HttpRequest, pk: int) -> Session:
    sessions = Session.objects.filter(episode__client__clinician=request.user)
    return get_object_or_404(sessions.select_related("episode__client"), pk=pk)


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
    return render(request, "clinic/caseload.html", {"rows": clinician_caseload(request.user)})


@login_required
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Through the owner: another clinician's client is a 404, not a 403 that confirms it.
    client = get_object_or_404(Client.objects.filter(clinician=request.user), pk=pk)
    chart = client_chart(client)
    context = {"client": client, "chart": chart, "spec": vega_spec(chart, wai_profile(client)),
               "actions": SignalAcknowledgement.Action.choices}  # fmt: skip
    context |= _rupture_choices(chart)
    return render(request, "clinic/client.html", context)


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
    client = get_object_or_404(Client.objects.filter(clinician=request.user), pk=pk)
    session = start_session(client=client)
    return redirect("session", pk=session.pk)


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _own_session(request, pk)
    context = {"session": session, "client": session.episode.client,
               "due": due_measures(session), "link_url": None}  # fmt: skip
    if request.method == "POST":
        _link, token = create_form_link(session=session, instruments=context["due"])
        url = request.build_absolute_uri(reverse("respond", args=[token]))
        context["link_url"] = url
        # Drawn here as inline SVG markup (no script, no image request that leaks the token).
        context["link_qr"] = segno.make(url, error="m").svg_inline(
            scale=5, title="Link to the forms"
        )
    return render(request, "clinic/session.html", context)


@login_required
@require_POST
def session_kiosk(request: HttpRequest, pk: int) -> HttpResponse:
    session = _own_session(request, pk)
    return open_kiosk(request, session, due_measures(session))


@login_required
def session_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(session_feedback(_own_session(request, pk)))


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
