"""The caseload and client pages: own clients only, most pressing first, a query count
that does not grow with the caseload."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser

from ..cast import client_of, phq9, signed_in, srs

pytestmark = pytest.mark.django_db


def test_it_sends_an_anonymous_visitor_to_sign_in() -> None:
    response = Browser().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert Browser().get("/login/").status_code == 200


def test_it_lists_own_clients_most_pressing_first(clinician: User, colleague: User) -> None:
    client_of(clinician, "A-calm", [(1, "srs", srs(9.8)), (2, "srs", srs(9.8))])
    client_of(clinician, "B-rupture", [(1, "srs", srs(9.8)), (2, "srs", srs(7.0))])
    client_of(clinician, "C-urgent", [(1, "srs", srs(9.8)), (1, "phq-9", phq9(2))])
    client_of(colleague, "D-elsewhere", [(1, "srs", srs(5.0))])
    page = signed_in(clinician).get("/").content.decode()
    order = [page.index(code) for code in ("C-urgent", "B-rupture", "A-calm")]
    assert order == sorted(order)
    assert "D-elsewhere" not in page
    assert '<span class="tag urgent">Self harm risk</span>' in page
    assert '<span class="tag warning">Alliance concern</span>' in page  # B-rupture's headline
    assert "also Possible rupture" in page


def test_it_reads_the_caseload_in_a_fixed_number_of_queries(
    clinician: User, django_assert_num_queries: object
) -> None:
    browser = signed_in(clinician)
    client_of(clinician, "X-0", [(1, "srs", srs(8.0))])
    with django_assert_num_queries(14):  # type: ignore[operator]
        browser.get("/")  # session, user, membership, clients, signals, supervisees; the
        # caseload's audit entry (savepoint, the trail's head, insert, head update, release);
        # the session renewed (savepoint, update, release) so that it expires only after
        # inactivity
    for n in range(1, 25):
        client_of(clinician, f"X-{n}", [(1, "srs", srs(8.0)), (2, "srs", srs(9.0))])
    with django_assert_num_queries(14):  # type: ignore[operator]
        response = browser.get("/")
    assert response.content.decode().count('href="/clients/') == 25


def test_it_shows_a_client_only_to_their_clinician(
    clinician: User, colleague: User, outsider: User
) -> None:
    client = client_of(clinician, "A-17", [(1, "srs", srs(9.0)), (2, "srs", srs(7.5))])
    page = signed_in(clinician).get(f"/clients/{client.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "A-17" in text and "Possible rupture" in text and "36" in text
    assert signed_in(colleague).get(f"/clients/{client.pk}/").status_code == 404
    assert signed_in(outsider).get(f"/clients/{client.pk}/").status_code == 404


def test_it_escapes_markup_in_a_client_code(clinician: User) -> None:
    client_of(clinician, "<b>x</b>", [(1, "srs", srs(9.0))])
    page = signed_in(clinician).get("/").content.decode()
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_it_draws_the_chart_from_a_spec_with_the_same_numbers_as_the_table(
    clinician: User,
) -> None:
    import json
    import re

    forms = [
        (1, "srs", srs(9.5)),
        (2, "srs", srs(9.5)),
        (3, "srs", srs(7.0)),
        (1, "phq-9", phq9(0)),
    ]
    client = client_of(clinician, "A-9", forms)
    page = signed_in(clinician).get(f"/clients/{client.pk}/").content.decode()
    raw = re.search(r'<script id="chart-spec" type="application/json">(.*?)</script>', page, re.S)
    assert raw is not None
    spec = json.loads(raw.group(1))
    # No rupture recorded, so no layer for ruptures or repair steps. The line and its points
    # draw one dataset, sent once.
    line, points, cutoff, markers = spec["vconcat"][0]["layer"]
    assert points["data"] == line["data"] and list(line["data"]) == ["name"]
    srs_totals = spec["datasets"][line["data"]["name"]]
    assert [v["total"] for v in srs_totals] == [38.0, 38.0, 28.0]
    assert cutoff["data"]["values"] == [{"cutoff": 36, "said": "alliance concern at 36"}]
    assert markers["data"]["values"] == [
        {"session": 3, "total": 28.0, "event": "drop (scores)",
         "said": "SRS drop to 28 at session 3"}
    ]  # fmt: skip
    # No reference, so no expected band: the PHQ-9's line, its points and its caseness.
    line, points, caseness = spec["vconcat"][1]["layer"]
    assert points["data"] == line["data"]
    phq9_totals = spec["datasets"][points["data"]["name"]]
    assert [(v["session"], v["total"]) for v in phq9_totals] == [(1, 8.0)]
    assert caseness["data"]["values"] == [
        {"event": "PHQ-9", "caseness": 10, "said": "PHQ-9 caseness at 10"}
    ]


def test_a_long_caseload_comes_a_page_at_a_time_most_pressing_first(
    clinician: User, django_assert_num_queries: object
) -> None:
    for n in range(104):
        client_of(clinician, f"Q-{n:03d}", [(1, "srs", srs(9.8))])
    client_of(clinician, "Z-harm", [(1, "phq-9", phq9(2))])
    browser = signed_in(clinician)
    with django_assert_num_queries(14):  # type: ignore[operator]
        first = browser.get("/").content.decode()
    assert first.count('href="/clients/') == 100 and "1\N{EN DASH}100 of 105 clients" in first
    assert first.index("Z-harm") < first.index("Q-000")  # urgent first, across pages
    second = browser.get("/?page=2").content.decode()
    assert second.count('href="/clients/') == 5 and "Q-103" in second and "Z-harm" not in second
    assert browser.get("/?page=99").content.decode().count('href="/clients/') == 5  # last page


def test_a_long_course_shows_the_latest_timeline_and_open_safety_signals(
    clinician: User,
) -> None:
    forms = [(n, "srs", srs(8.0)) for n in range(1, 31)] + [(2, "phq-9", phq9(1))]
    client = client_of(clinician, "L-30", forms)
    browser = signed_in(clinician)
    page = browser.get(f"/clients/{client.pk}/").content.decode()
    timeline = page[page.index("<h2>Timeline") :]
    shown = [int(n) for n in re.findall(r"<h3>Session (\d+) ", timeline)]
    assert shown == [2, *range(11, 31)]  # the unacted safety signal, then the latest 20
    assert "Show the whole timeline</a> (9 earlier sessions with events)" in timeline
    whole = browser.get(f"/clients/{client.pk}/?timeline=all").content.decode()
    whole_timeline = whole[whole.index("<h2>Timeline") :]
    assert [int(n) for n in re.findall(r"<h3>Session (\d+) ", whole_timeline)] == list(range(1, 31))


def test_starting_a_session_keeps_the_clients_flags_in_view(clinician: User) -> None:
    from alliance.care.services.sessions import start_session

    client = client_of(clinician, "K-1", [(1, "srs", srs(9.5)), (2, "srs", srs(7.0))])
    before = signed_in(clinician).get("/").content.decode()
    assert "Possible rupture" in before
    start_session(client=client)  # session 3, no forms yet
    after = signed_in(clinician).get("/").content.decode()
    assert "Possible rupture" in after and "Alliance concern" in after


def test_the_latest_wai_sr_profile_guidance_shows_under_the_chart(clinician: User) -> None:
    def wai(task: int) -> dict[str, int]:
        keys = {"task": (1, 2, 10, 12), "bond": (3, 5, 7, 9), "goal": (4, 6, 8, 11)}
        return {str(i): (task if i in keys["task"] else 5) for i in range(1, 13)}

    client = client_of(clinician, "W-1", [(3, "wai-sr", wai(4)), (8, "wai-sr", wai(2))])
    page = signed_in(clinician).get(f"/clients/{client.pk}/").content.decode()
    guidance = page[page.index('class="guidance"') :].split("</p>")[0]
    assert "WAI-SR, session 8:" in guidance and "Task (mean 2" in guidance
    assert "approach irrelevant" in guidance
