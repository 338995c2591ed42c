"""Recording a rupture, its repair steps and outcome from the client page: it shows in the
ruptures list, the timeline and the chart; only the owning clinician may record."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser

from alliance.care.models import Client, RepairStep, Rupture

from ..cast import client_of, signed_in, srs

pytestmark = pytest.mark.django_db


def dipping_client(clinician: User) -> Client:
    # A drop at session 3 and a return at session 4: the scores suggest a rupture.
    lines = [9.5, 9.5, 7.0, 9.6, 9.6]
    return client_of(clinician, "R-7", [(n, "srs", srs(v)) for n, v in enumerate(lines, 1)])


def spec_of(page: str) -> dict[str, object]:
    raw = re.search(r'<script id="chart-spec" type="application/json">(.*?)</script>', page, re.S)
    assert raw is not None
    return json.loads(raw.group(1))  # type: ignore[no-any-return]


def test_the_form_offers_the_session_the_scores_point_at(clinician: User) -> None:
    client = dipping_client(clinician)
    page = signed_in(clinician).get(f"/clients/{client.pk}/").content.decode()
    form = page[page.index('action="/clients/') :]
    assert re.search(r'name="session_number" min="1" max="5" value="3"', form)


def test_a_clinician_records_a_rupture_its_repair_and_outcome(clinician: User) -> None:
    client = dipping_client(clinician)
    browser = signed_in(clinician)
    response = browser.post(
        f"/clients/{client.pk}/ruptures/",
        {
            "session_number": "3",
            "rupture_type": "withdrawal",
            "noticed_via": "scores",
            "markers": ["minimal", "appeasing"],
            "description": "Agreed to <b>everything</b>",
        },
    )
    assert response.status_code == 302
    rupture = Rupture.objects.get()
    for step, session in (("noticed", "3"), ("marked", "4"), ("explored", "4")):
        browser.post(
            f"/ruptures/{rupture.pk}/steps/",
            {"step": step, "session_number": session, "note": f"{step} it"},
        )
    browser.post(
        f"/ruptures/{rupture.pk}/outcome/",
        {"outcome": "resolved", "session_number": "5", "note": "talked it through"},
    )
    assert RepairStep.objects.count() == 3
    page = browser.get(f"/clients/{client.pk}/").content.decode()
    ruptures = page[page.index('id="ruptures"') : page.index("<h2>Timeline")]
    assert "Session 3: Withdrawal" in ruptures
    assert "Minimal or curt answers" in ruptures and "Defers or appeases" in ruptures
    assert "Agreed to &lt;b&gt;everything&lt;/b&gt;" in page and "<b>everything</b>" not in page
    assert "Marked with the client (session 4): marked it" in ruptures
    assert "Outcome:</strong> Resolved (session 5): talked it through" in ruptures
    assert 'action="/ruptures/' + str(rupture.pk) + '/steps/"' not in ruptures  # all 3 done
    timeline = page[page.index("<h2>Timeline") :]
    assert timeline.index("Rupture recorded: Withdrawal") < timeline.index("Repair: Noticed")
    assert timeline.index("Repair: Explored") < timeline.index("Rupture of session 3: Resolved")
    layers = spec_of(page)["vconcat"][0]["layer"]  # type: ignore[index]
    # The line, its points, the cutoff, the drop and return, the rupture, the repair steps.
    assert layers[4]["data"]["values"] == [
        {"session": 3, "event": "withdrawal", "outcome": "Resolved",
         "said": "withdrawal rupture recorded at session 3, resolved"}
    ]  # fmt: skip
    assert [(v["session"], v["letter"]) for v in layers[5]["data"]["values"]] == [
        (3, "N"),
        (4, "M"),
        (4, "E"),
    ]
    # The letters are explained under the chart.
    assert "repair steps: N noticed, M marked with the client, E explored" in page


def test_a_bad_rupture_comes_back_with_a_message_and_nothing_stored(clinician: User) -> None:
    client = dipping_client(clinician)
    browser = signed_in(clinician)
    url = f"/clients/{client.pk}/ruptures/"
    page = browser.post(url, {"session_number": "3", "noticed_via": "scores"}, follow=True)
    assert "Type: This field is required." in page.content.decode()
    page = browser.post(
        url,
        {
            "session_number": "3",
            "rupture_type": "withdrawal",
            "noticed_via": "scores",
            "markers": ["pressures"],
        },
        follow=True,
    )
    assert "Select a valid choice" not in page.content.decode()
    assert "not a withdrawal marker" in page.content.decode()
    page = browser.post(
        url,
        {"session_number": "8", "rupture_type": "unclear", "noticed_via": "scores"},
        follow=True,
    )
    assert "this episode has no session 8" in page.content.decode()
    assert not Rupture.objects.exists()


def test_only_the_owning_clinician_may_record(
    clinician: User, colleague: User, supervisor: User, outsider: User
) -> None:
    client = dipping_client(clinician)
    others = [signed_in(someone) for someone in (colleague, supervisor, outsider)]
    fields = {"session_number": "3", "rupture_type": "withdrawal", "noticed_via": "scores"}
    url = f"/clients/{client.pk}/ruptures/"
    assert [other.post(url, fields).status_code for other in others] == [404, 404, 404]
    assert Browser().post(url, fields).status_code == 302  # to sign in
    assert not Rupture.objects.exists()
    signed_in(clinician).post(url, fields)
    rupture = Rupture.objects.get()
    step = {"step": "noticed", "session_number": "3"}
    outcome = {"outcome": "resolved", "session_number": "4"}
    for other in others:
        assert other.post(f"/ruptures/{rupture.pk}/steps/", step).status_code == 404
        assert other.post(f"/ruptures/{rupture.pk}/outcome/", outcome).status_code == 404
    assert len(others) == 3
    assert not RepairStep.objects.exists() and Rupture.objects.get().outcome == "open"


def test_the_client_page_query_count_does_not_grow_with_ruptures(clinician: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = dipping_client(clinician)
    browser = signed_in(clinician)
    url = f"/clients/{client.pk}/"
    fields = {"rupture_type": "unclear", "noticed_via": "scores"}

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(url).status_code == 200
        return len(queries)

    browser.post(f"/clients/{client.pk}/ruptures/", fields | {"session_number": "2"})
    one = count()
    for n in (3, 4, 5):
        browser.post(f"/clients/{client.pk}/ruptures/", fields | {"session_number": str(n)})
    for rupture in Rupture.objects.all():
        browser.post(f"/ruptures/{rupture.pk}/steps/", {"step": "noticed", "session_number": "5"})
    assert Rupture.objects.count() == 4 and RepairStep.objects.count() == 4
    assert count() == one
