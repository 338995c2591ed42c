"""A client's page: the chart, the table of scores, the timeline of ruptures and repair, the
measure plan, and what sharing and safety need there.

The page stays light on a long course: the data come in a fixed number of queries
(`client_chart`), the table's values are formatted there once, and the URLs the page repeats
(one form per signal and per rupture) are reversed once, not once a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from alliance.audit.trail import record_for_client
from alliance.care.models import (
    RepairStep,
    Rupture,
    SignalAcknowledgement,
)
from alliance.care.services.access import may_change
from alliance.care.services.chart import ChartData, client_chart
from alliance.care.services.episode_summary import episode_history
from alliance.care.services.plans import describe_plan
from alliance.care.services.ruptures import MARKERS
from alliance.safety.services import held_answer_rows
from alliance.web.activity import renewing_session
from alliance.web.member_request import MemberRequest

from .chart_spec import STEP_LETTERS, vega_spec
from .lookups import visible_client


@dataclass(frozen=True)
class PkUrl:
    """A URL naming one object, reversed once for a page that names many of its kind:
    the page writes `head`, the object's pk, `tail`."""

    head: str
    tail: str

    @classmethod
    def of(cls, name: str) -> PkUrl:
        marker = "987654321"
        head, tail = reverse(name, args=[int(marker)]).split(marker)
        return cls(head, tail)


@login_required
def client_detail(request: MemberRequest, pk: int) -> HttpResponse:
    client = visible_client(request, pk)
    chart = client_chart(client, whole_timeline=request.GET.get("timeline") == "all")
    held_answers = held_answer_rows(client_id=client.pk)
    # The read's audit entry and the session's renewal: one commit.
    with renewing_session(request):
        record_for_client("read", client, client, detail="chart")
    context = {"client": client, "chart": chart,
               "spec": spec if (spec := vega_spec(chart))["vconcat"] else None,
               "step_letters": STEP_LETTERS if any(r.step_list for r in chart.ruptures) else "",
               "action_options": format_html_join("", '<option value="{}">{}</option>',
                                                  SignalAcknowledgement.Action.choices),
               # One hidden token for the page's many forms (each {% csrf_token %} masks anew).
               "csrf_field": csrf_input(request),
               "table_rows": _table_rows(chart),
               "can_edit": may_change(request.user, client),
               "held_answers": held_answers,
               "timeline": chart.timeline, "timeline_hidden": chart.timeline_hidden,
               "acknowledge_url": PkUrl.of("signal-acknowledge"),
               "step_url": PkUrl.of("repair-step"),
               "outcome_url": PkUrl.of("rupture-outcome")}  # fmt: skip
    context |= _rupture_choices(chart)
    # The chart's episode is the open one when there is one (`current_episode`).
    episode = chart.episode if chart.episode and chart.episode.ended_on is None else None
    context["plan"] = describe_plan(episode.measure_plan) if episode else None
    context["episodes"] = episode_history(client, open_outcome=False)
    return render(request, "clinic/client.html", context)


def _table_rows(chart: ChartData) -> SafeString:
    """The table's rows as HTML, written once here: at 200 sessions a template loop over
    every cell cost more than all the page's queries."""
    # The cells are numbers care formatted (digits, a point, a dash for none): no markup.
    return mark_safe("\n".join(
        f'<tr><td class="num">{row.session_number}</td>'
        f'<td class="date">{escape(row.held_label)}</td>'
        + "".join(f'<td class="num">{cell}</td>' for cell in row.cells) + "</tr>"
        for row in chart.rows
    ))  # fmt: skip


def _rupture_choices(chart: ChartData) -> dict[str, Any]:
    """What the rupture forms offer; the session defaults to the latest score-suggested
    rupture not yet recorded, else the latest session."""
    recorded = {r.session_number for r in chart.ruptures}
    suggested = [d.session for d in chart.score_ruptures if d.session not in recorded]
    return {
        "last_session": chart.rows[-1].session_number if chart.rows else None,
        "suggested_rupture_session": max(suggested) if suggested else None,
        "rupture_types": Rupture.Type.choices,
        "noticed_choices": Rupture.NoticedVia.choices,
        "marker_groups": [(kind, pairs) for kind, pairs in MARKERS.items()],
        "step_choices": RepairStep.Step.choices,
        "outcome_choices": Rupture.Outcome.choices,
    }
