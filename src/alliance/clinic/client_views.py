"""A client's page: the chart, the table of scores, the timeline of ruptures and repair, the
measure plan, and what sharing and safety need there."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from alliance.audit.trail import record_for_client
from alliance.care.models import (
    RepairStep,
    Rupture,
    SignalAcknowledgement,
)
from alliance.care.services.access import may_change
from alliance.care.services.chart import ChartData, client_chart
from alliance.care.services.clients import open_episode
from alliance.care.services.plans import describe_plan
from alliance.care.services.ruptures import MARKERS
from alliance.safety.services import held_answer_rows
from alliance.web.member_request import MemberRequest

from .chart_spec import vega_spec
from .lookups import visible_client


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
