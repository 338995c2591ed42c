"""Thin views: fetch through the signed-in clinician, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
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
from alliance.care.services.caseload import clinician_caseload
from alliance.care.services.chart import ChartData, client_chart
from alliance.care.services.clients import ClientError, add_client, open_episode
from alliance.care.services.plans import PlanError, describe_plan, update_measure_plan
from alliance.care.services.privacy import ErasureError, erase_client, export_client
from alliance.care.services.ruptures import MARKERS
from alliance.safety.services import held_answer_rows
from alliance.web.member_request import MemberRequest

from .chart_spec import vega_spec
from .lookups import own_client, own_signal, visible_client

CASELOAD_PAGE = 100


@login_required
def caseload(request: MemberRequest) -> HttpResponse:
    if request.method == "POST":
        if request.role != Membership.Role.CLINICIAN:
            # A client belongs to the clinician who sees them: a supervisor or an admin
            # adding one would hold a caseload nobody treats.
            context = {"message": "Only a clinician adds clients, to their own caseload."}
            return render(request, "clinic/refused.html", context, status=403)
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
