"""The client chart's spec shows what matters: every SRS inside its panel (a 13 too), the ORS
(higher is better) apart from the PHQ-9 and GAD-7 (higher is worse), WAI-SR bars from the
scale's floor, self-harm answers on the symptom panel, a legend of only what is drawn, one
session axis from 1, and the SRS's four lines session by session."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import User

from alliance.care.models import Client, HeldSelfHarmAnswer, Session
from alliance.care.services.chart import client_chart
from alliance.care.services.ruptures import record_repair_step, record_rupture
from alliance.clinic.chart_spec import session_ticks, vega_spec, with_shared_data
from alliance.safety.services import acknowledge_held_answer

from ..cast import client_of, phq9, signed_in, srs

pytestmark = pytest.mark.django_db

ORS_PLAN = {"every_session": ["srs", "ors"]}
ALL_PLAN = {"every_session": ["srs", "phq-9", "gad-7", "ors"]}
SRS_13 = {"1": 2.5, "2": 3.5, "3": 3.0, "4": 4.0}  # the relationship lowest


def spec_of(client: Client) -> dict[str, Any]:
    return vega_spec(client_chart(client))


def panel(spec: dict[str, Any], title: str) -> dict[str, Any]:
    found = [p for p in spec["vconcat"] if p["title"]["text"] == title]
    assert len(found) == 1, [p["title"]["text"] for p in spec["vconcat"]]
    return found[0]


def layer(panel: dict[str, Any], mark: str, field: str | None = None) -> dict[str, Any]:
    """The panel's one layer of `mark` (and, if given, whose data has `field`)."""
    found = [
        lay
        for lay in panel["layer"]
        if lay["mark"]["type"] == mark and (field is None or field in lay["data"]["values"][0])
    ]
    assert len(found) == 1, [lay["mark"]["type"] for lay in panel["layer"]]
    return found[0]


def ors(line: float) -> dict[str, float]:
    return {str(n): line for n in range(1, 5)}


def test_an_srs_of_13_lies_inside_the_srs_axis(clinician: User) -> None:
    client = client_of(clinician, "A-13", [(1, "srs", srs(9.5)), (2, "srs", SRS_13)])
    srs_panel = panel(spec_of(client), "SRS")
    line = layer(srs_panel, "line")
    low, high = line["encoding"]["y"]["scale"]["domain"]
    assert [v["total"] for v in line["data"]["values"]] == [38.0, 13.0]
    assert low < 13.0 and high == 40.0
    assert low == 10  # a little below the lowest score, not from 0
    # Every layer draws only inside the panel.
    assert all(lay["mark"]["clip"] is True for lay in srs_panel["layer"])


def test_a_client_rating_high_keeps_the_srs_axis_from_20(clinician: User) -> None:
    client = client_of(clinician, "A-38", [(1, "srs", srs(9.5)), (2, "srs", srs(9.0))])
    line = layer(panel(spec_of(client), "SRS"), "line")
    assert line["encoding"]["y"]["scale"]["domain"] == [20.0, 40.0]


def test_the_ors_has_its_own_panel_apart_from_the_phq9_and_gad7(clinician: User) -> None:
    forms = [(n, "srs", srs(9.0)) for n in (1, 2)] + [(n, "ors", ors(4.0)) for n in (1, 2)]
    forms += [(n, "phq-9", phq9(0)) for n in (1, 2)]
    spec = spec_of(client_of(clinician, "A-all", forms, plan=ALL_PLAN))
    assert [p["title"]["text"] for p in spec["vconcat"]] == ["SRS", "Symptoms", "ORS",
                                                            "SRS by line"]  # fmt: skip
    symptoms, ors_panel = panel(spec, "Symptoms"), panel(spec, "ORS")
    assert {v["event"] for v in layer(symptoms, "line")["data"]["values"]} == {"PHQ-9"}
    ors_line = layer(ors_panel, "line")
    assert {v["event"] for v in ors_line["data"]["values"]} == {"ORS"}
    assert ors_line["encoding"]["y"]["scale"]["domain"] == [0.0, 40.0]
    assert "higher is better" in ors_panel["title"]["subtitle"]
    assert "higher is worse" in symptoms["title"]["subtitle"]
    assert layer(ors_panel, "rule")["data"]["values"] == [
        {"event": "ORS", "caseness": 25.0, "said": "ORS caseness at 25"}
    ]


def test_an_ors_client_has_no_symptom_panel(clinician: User) -> None:
    forms = [(n, "srs", srs(9.0)) for n in (1, 2)] + [(n, "ors", ors(5.0)) for n in (1, 2)]
    spec = spec_of(client_of(clinician, "A-ors", forms, plan=ORS_PLAN))
    assert [p["title"]["text"] for p in spec["vconcat"]] == ["SRS", "ORS", "SRS by line"]


def test_wai_bars_start_at_the_scales_floor_with_their_subscales_named(clinician: User) -> None:
    wai = {str(n): 4 for n in range(1, 13)} | {"3": 2, "5": 2, "7": 2, "9": 2}  # bond lowest
    client = client_of(clinician, "A-wai", [(3, "srs", srs(9.0)), (3, "wai-sr", wai)])
    wai_panel = panel(spec_of(client), "WAI-SR profile")
    encoding = wai_panel["encoding"]
    assert encoding["y"]["scale"]["domain"] == [1.0, 5.0] and encoding["y2"] == {"datum": 1.0}
    assert encoding["x"]["axis"]["labelAngle"] == 0
    assert [(v["subscale"], v["mean"]) for v in wai_panel["data"]["values"]] == [
        ("Task", 4.0), ("Bond", 2.0), ("Goal", 4.0)
    ]  # fmt: skip
    assert wai_panel["data"]["values"][1]["said"] == "Bond mean 2 of 5 at session 3"
    assert wai_panel["title"]["subtitle"] == "subscale means, 1-5"


def test_the_profile_draws_the_latest_four_wai_forms_and_says_so(clinician: User) -> None:
    wai = {str(n): 4 for n in range(1, 13)}
    forms = [(n, "wai-sr", wai) for n in (3, 8, 13, 18, 23)]
    wai_panel = panel(spec_of(client_of(clinician, "A-wai5", forms)), "WAI-SR profile")
    assert {v["session"] for v in wai_panel["data"]["values"]} == {"S8", "S13", "S18", "S23"}
    assert wai_panel["title"]["subtitle"] == "subscale means, 1-5 · the latest 4 of 5"


def test_self_harm_answers_are_marked_on_the_symptom_panel(clinician: User) -> None:
    forms = [(n, "phq-9", phq9(item9)) for n, item9 in ((1, 0), (2, 1), (3, 0), (4, 2))]
    symptoms = panel(spec_of(client_of(clinician, "A-harm", forms)), "Symptoms")
    harm = [lay for lay in symptoms["layer"] if lay["mark"]["type"] == "rule"
            and "caseness" not in lay["data"]["values"][0]]  # fmt: skip
    assert len(harm) == 1
    assert harm[0]["data"]["values"] == [
        {"session": 2, "event": "self-harm answer",
         "said": "self-harm answer (PHQ-9 item 9) at session 2"},
        {"session": 4, "event": "self-harm answer",
         "said": "self-harm answer (PHQ-9 item 9) at session 4"},
    ]  # fmt: skip
    colours = harm[0]["encoding"]["color"]["scale"]
    assert colours["domain"] == ["PHQ-9", "self-harm answer"]  # no GAD-7: none filled
    assert colours["range"] == ["#0072b2", "#b3261e"]


def test_the_legends_list_only_what_is_drawn_in_the_colours_it_is_drawn_in(
    clinician: User,
) -> None:
    lines = [9.5, 9.5, 7.0, 9.6, 9.6]  # a drop at 3 and a return at 4
    client = client_of(clinician, "A-leg", [(n, "srs", srs(v)) for n, v in enumerate(lines, 1)])
    srs_panel = panel(spec_of(client), "SRS")
    markers = layer(srs_panel, "point", "event")
    assert markers["encoding"]["color"]["scale"] == {
        "domain": ["drop (scores)", "return (scores)"], "range": ["#b3261e", "#2e6b3a"]
    }  # fmt: skip
    # Once a rupture and a repair step are recorded, they join the legend, and every layer
    # of the panel shares the one scale.
    episode = client.episodes.get()
    rupture = record_rupture(episode=episode, session_number=3, rupture_type="confrontation",
                             noticed_via="scores", user=clinician)  # fmt: skip
    record_repair_step(rupture=rupture, step="noticed", session_number=3, user=clinician)
    srs_panel = panel(spec_of(client), "SRS")
    scales = [lay["encoding"]["color"]["scale"] for lay in srs_panel["layer"]
              if "color" in lay["encoding"]]  # fmt: skip
    assert len(scales) == 3 and all(scale == scales[0] for scale in scales)
    assert scales[0]["domain"] == [
        "drop (scores)", "return (scores)", "confrontation", "repair step (N, M, E)"
    ]  # fmt: skip
    assert layer(srs_panel, "text")["data"]["values"][0]["letter"] == "N"


def test_every_panel_shares_one_session_axis_from_session_1(clinician: User) -> None:
    forms = [(n, "srs", srs(9.0)) for n in range(1, 13)] + [(2, "phq-9", phq9(0))]
    spec = spec_of(client_of(clinician, "A-axis", forms))
    # Every layer drawn along the sessions (all but the horizontal cutoff lines).
    axes = [lay["encoding"]["x"] for p in spec["vconcat"] for lay in p.get("layer", [p])
            if "x" in lay["encoding"]]  # fmt: skip
    assert len(axes) >= 5 and all(x["scale"] == axes[0]["scale"] for x in axes)
    assert axes[0]["scale"]["domain"] == [0.5, 12.5]  # each session in its own width
    assert axes[0]["axis"]["values"] == [1, 3, 5, 7, 9, 11] and axes[0]["axis"]["format"] == "d"
    assert session_ticks(1) == [1] and session_ticks(6) == [1, 2, 3, 4, 5, 6]
    assert session_ticks(200) == [1, *range(20, 201, 20)]


def test_the_srs_lines_view_shows_which_line_was_low_at_each_session(clinician: User) -> None:
    forms = [(1, "srs", srs(9.5)), (2, "srs", SRS_13), (3, "srs", {"1": 9, "2": 9, "3": 6, "4": 9})]
    lines = panel(spec_of(client_of(clinician, "A-lines", forms)), "SRS by line")
    # One datum a session with its four lines, and the lowest named where one is lowest
    # (session 1: all four alike).
    assert lines["data"]["values"] == [
        {"session": 1, "Relationship": 9.5, "Goals": 9.5, "Approach": 9.5, "Overall": 9.5},
        {"session": 2, "Relationship": 2.5, "Goals": 3.5, "Approach": 3.0, "Overall": 4.0,
         "low": "Relationship"},
        {"session": 3, "Relationship": 9.0, "Goals": 9.0, "Approach": 6.0, "Overall": 9.0,
         "low": "Approach"},
    ]  # fmt: skip
    # Unfolded in the browser into a cell a line, in the definition's order, each with its
    # words for a screen reader.
    fold, start, end, said = lines["transform"]
    assert fold == {"fold": ["Relationship", "Goals", "Approach", "Overall"],
                    "as": ["line", "value"]}  # fmt: skip
    assert lines["encoding"]["y"]["sort"] == fold["fold"]
    # A cell spans its session's width on the shared session axis.
    assert (start["as"], end["as"]) == ("start", "end") and lines["encoding"]["x2"] == {
        "field": "end"
    }
    assert "datum.session - 0.5" in start["calculate"] and "+ 0.5" in end["calculate"]
    assert said["as"] == "said" and "', the lowest line'" in said["calculate"]
    assert lines["encoding"]["description"] == {"field": "said", "type": "nominal"}
    assert lines["encoding"]["color"]["field"] == "value" and lines["mark"]["clip"] is True


def test_every_mark_has_words_and_no_layer_is_empty(clinician: User) -> None:
    forms = [(n, "srs", srs(v)) for n, v in enumerate((9.5, 9.5, 7.0, 9.6), 1)]
    forms += [(n, "phq-9", phq9(1 if n == 2 else 0)) for n in range(1, 5)]
    spec = spec_of(client_of(clinician, "A-words", forms))
    layers = [lay for p in spec["vconcat"] for lay in p.get("layer", [p])]
    assert len(layers) >= 8
    assert all(lay["data"]["values"] for lay in layers)
    assert all("description" in lay["encoding"] for lay in layers)
    # Words come with the data or are worked out from it in the browser.
    assert all(
        "said" in lay["data"]["values"][0]
        or any(t.get("as") == "said" for t in lay.get("transform", []))
        or "value" in lay["encoding"]["description"]
        for lay in layers
    )


def test_a_client_without_forms_has_no_chart(clinician: User) -> None:
    client = client_of(clinician, "A-none")
    browser = signed_in(clinician)
    page = browser.get(f"/clients/{client.pk}/").content.decode()
    assert 'id="chart-spec"' not in page and "No forms yet: the chart starts" in page
    # A session started, its forms not yet filled: still nothing to draw.
    assert browser.post(f"/clients/{client.pk}/sessions/").status_code == 302
    assert Session.objects.filter(episode__client=client).count() == 1
    page = browser.get(f"/clients/{client.pk}/").content.decode()
    assert 'id="chart-spec"' not in page and "No forms yet: the chart starts" in page


def test_a_held_self_harm_answer_is_marked_and_stays_marked_once_acted_on(
    clinician: User,
) -> None:
    # Session 2's form was refused as a whole; its self-harm answer was held.
    client = client_of(clinician, "A-held", [(1, "phq-9", phq9(0)), (2, "srs", srs(9.0))])
    session = Session.objects.get(episode__client=client, number=2)
    held = HeldSelfHarmAnswer.objects.create(
        session=session, instrument="phq-9", item="9", value=2, via="link"
    )

    def harm_sessions() -> list[int]:
        symptoms = panel(spec_of(client), "Symptoms")
        rules = [lay for lay in symptoms["layer"] if lay["mark"]["type"] == "rule"
                 and "caseness" not in lay["data"]["values"][0]]  # fmt: skip
        return [v["session"] for rule in rules for v in rule["data"]["values"]]

    assert harm_sessions() == [2]
    acknowledge_held_answer(held=held, action="safety", note="Safety plan made.", user=clinician)
    assert harm_sessions() == [2]


def test_the_page_sends_the_values_a_line_and_its_points_share_once(clinician: User) -> None:
    forms = [(n, "srs", srs(v)) for n, v in enumerate((9.5, 9.5, 7.0, 9.6), 1)]
    forms += [(n, "phq-9", phq9(1 if n == 2 else 0)) for n in range(1, 5)]
    client = client_of(clinician, "A-shared", forms)
    spec = spec_of(client)
    shared = with_shared_data(spec)
    # The SRS totals and the PHQ-9 totals, each drawn as a line and as points.
    assert len(shared["datasets"]) == 2
    named = [lay for p in shared["vconcat"] for lay in p.get("layer", []) if "name" in lay["data"]]
    assert sorted(lay["mark"]["type"] for lay in named) == ["line", "line", "point", "point"]
    # Each name read back, the layers are the ones the spec drew, in the same order.
    resolved = [
        [lay | {"data": {"values": shared["datasets"][lay["data"]["name"]]}}
         if "name" in lay["data"] else lay for lay in p.get("layer", [])]
        for p in shared["vconcat"]
    ]  # fmt: skip
    assert resolved == [p.get("layer", []) for p in spec["vconcat"]]
    assert len(json.dumps(shared)) < len(json.dumps(spec))
    # What the page sends is that spec.
    page = signed_in(clinician).get(f"/clients/{client.pk}/").content.decode()
    sent = re.search(r'<script id="chart-spec" type="application/json">(.*?)</script>', page)
    assert sent is not None and json.loads(sent.group(1)) == json.loads(json.dumps(shared))
