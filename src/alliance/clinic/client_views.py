"""A client's page: the chart, the table of scores, the timeline of ruptures and repair, the
measure plan, and what sharing and safety need there.

The page stays light on a long course: the data come in a fixed number of queries
(`client_chart`), and what the page repeats (the table's rows, the timeline's signal cards,
the rupture cards, each with its forms) is written once as HTML (`client_cards`), its values
formatted once and its URLs reversed once, not once a row. The read's audit entry and the
renewal of the member's session are one commit.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.template.backends.utils import csrf_input
from django.utils.safestring import SafeString, mark_safe

from alliance.audit.trail import record_for_client
from alliance.care.models import Rupture
from alliance.care.services.access import may_change
from alliance.care.services.chart import episode_chart
from alliance.care.services.chart_types import ChartData
from alliance.care.services.episode_summary import current_of, episode_history
from alliance.care.services.plans import describe_plan
from alliance.care.services.ruptures import MARKERS
from alliance.safety.services import held_answer_rows
from alliance.web.activity import renewing_session
from alliance.web.member_request import MemberRequest

from .chart_spec import STEP_LETTERS, vega_spec, with_shared_data
from .client_cards import Forms, rupture_cards, table_rows, timeline
from .lookups import visible_client


@login_required
def client_detail(request: MemberRequest, pk: int) -> HttpResponse:
    client = visible_client(request, pk)
    # Every course of treatment, the latest first; the chart draws the current one.
    episodes = episode_history(client, open_outcome=False)
    whole_timeline = request.GET.get("timeline") == "all"
    chart = episode_chart(client, current_of(episodes), whole_timeline=whole_timeline)
    # The held self-harm answers that still stand; none to look for if none was ever held.
    held_answers = held_answer_rows(client_id=client.pk) if chart.any_held_answer else []
    # The read's audit entry and the session's renewal: one commit.
    with renewing_session(request):
        record_for_client("read", client, client, detail="chart")
    can_edit = may_change(request.user, client)
    last_session = chart.rows[-1].session_number if chart.rows else None
    # One hidden token for the page's many forms (each {% csrf_token %} masks anew).
    forms = Forms.of(can_edit=can_edit, csrf_field=csrf_input(request), last_session=last_session)
    spec = vega_spec(chart)
    context = {"client": client, "chart": chart,
               "spec_json": _script_json(with_shared_data(spec)) if spec["vconcat"] else None,
               "step_letters": STEP_LETTERS if any(r.step_list for r in chart.ruptures) else "",
               "table_rows": table_rows(chart),
               "can_edit": can_edit,
               "held_answers": held_answers,
               "timeline": timeline(chart.timeline, forms),
               "timeline_hidden": chart.timeline_hidden,
               "rupture_cards": rupture_cards(chart.ruptures, forms),
               "last_session": last_session}  # fmt: skip
    context |= _rupture_choices(chart)
    # The chart's episode is the open one when there is one (`current_episode`).
    episode = chart.episode if chart.episode and chart.episode.ended_on is None else None
    context["plan"] = describe_plan(episode.measure_plan) if episode else None
    context["episodes"] = episodes
    return render(request, "clinic/client.html", context)


# As the `json_script` filter escapes: nothing in the data can end the script element.
_SCRIPT_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


def _script_json(spec: dict[str, Any]) -> SafeString:
    """The chart's spec as the text of its script element: compact (a long course's spec
    is most of the page), escaped as `json_script` escapes it, in a few string passes rather
    than its character-by-character translation."""
    text = json.dumps(spec, separators=(",", ":"), cls=DjangoJSONEncoder)
    for character, escaped in _SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    return mark_safe(text)


def _rupture_choices(chart: ChartData) -> dict[str, Any]:
    """What the form to record a rupture offers; the session defaults to the latest
    score-suggested rupture not yet recorded, else the latest session."""
    recorded = {r.session_number for r in chart.ruptures}
    suggested = [d.session for d in chart.score_ruptures if d.session not in recorded]
    return {
        "suggested_rupture_session": max(suggested) if suggested else None,
        "rupture_types": Rupture.Type.choices,
        "noticed_choices": Rupture.NoticedVia.choices,
        "marker_groups": [(kind, pairs) for kind, pairs in MARKERS.items()],
    }
