"""The demo's ORS clients keep the ORS: their episode's plan asks for the ORS every session
(not the PHQ-9 and GAD-7 of the default plan), and their chart has the ORS panel."""

from __future__ import annotations

import json
import re

import pytest

from alliance.care.measure_plan import MeasurePlan
from alliance.care.models import Administration, Episode
from alliance.care.services.demo import create_demo

from ..cast import signed_in

pytestmark = pytest.mark.django_db


def test_the_demos_ors_clients_get_an_ors_plan_and_an_ors_panel() -> None:
    create_demo(password="demo-pass-11", clients_per_clinician=4)
    ors = Episode.objects.filter(sessions__administrations__instrument="ors").distinct()
    others = Episode.objects.exclude(pk__in=ors)
    assert ors.count() == 2 and others.count() == 6
    assert {e.measure_plan for e in ors} == {MeasurePlan.default("ors")}
    assert {e.measure_plan for e in others} == {MeasurePlan.default()}
    assert not Administration.objects.filter(
        session__episode__in=ors, instrument__in=["phq-9", "gad-7"]
    ).exists()
    episode = ors.select_related("client__clinician").first()
    assert episode is not None
    page = signed_in(episode.client.clinician).get(f"/clients/{episode.client_id}/")
    found = re.search(r'<script id="chart-spec" type="application/json">(.*?)</script>',
                      page.content.decode(), re.S)  # fmt: skip
    assert found is not None
    titles = [panel["title"]["text"] for panel in json.loads(found.group(1))["vconcat"]]
    assert "ORS" in titles and "Symptoms" not in titles
