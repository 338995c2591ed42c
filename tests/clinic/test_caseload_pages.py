"""The caseload and client pages: own clients only, most pressing first, a query count
that does not grow with the caseload."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as Browser

from alliance.care.models import Client, Episode, Membership, Organization
from alliance.care.services.administrations import import_episode_forms
from alliance.measures import score

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def srs(total_line: float) -> object:
    return score("srs", {str(n): total_line for n in range(1, 5)})


def phq9(item9: int) -> object:
    return score("phq-9", {str(n): 1 for n in range(1, 9)} | {"9": item9})


def add_client(user: object, code: str, forms: list[tuple[int, str, object]]) -> Client:
    organization, _ = Organization.objects.get_or_create(slug="org", defaults={"name": "Org"})
    # A clinician reaches their clients within their own organization only: one who is not
    # yet a member of any becomes a clinician of this one.
    if not Membership.objects.filter(user=user).exists():
        Membership.objects.create(organization=organization, user=user, role="clinician")
    client = Client.objects.create(organization=organization, clinician=user, code=code)
    episode = Episode.objects.create(client=client, started_on=DAY)
    import_episode_forms(
        episode=episode,
        forms=[(n, DAY + dt.timedelta(weeks=n), name, s) for n, name, s in forms],
    )
    return client


@pytest.fixture
def clinician() -> object:
    return get_user_model().objects.create_user("clinician1", password="pw-clinician-1")


@pytest.fixture
def other() -> object:
    # Another clinician of the same organization: must see none of clinician1's clients.
    return get_user_model().objects.create_user("clinician2", password="pw-clinician-2")


def signed_in(user: object) -> Browser:
    browser = Browser()
    browser.force_login(user)  # type: ignore[arg-type]
    return browser


def test_it_sends_an_anonymous_visitor_to_sign_in() -> None:
    response = Browser().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert Browser().get("/login/").status_code == 200


def test_it_lists_own_clients_most_pressing_first(clinician: object, other: object) -> None:
    add_client(clinician, "A-calm", [(1, "srs", srs(9.8)), (2, "srs", srs(9.8))])
    add_client(clinician, "B-rupture", [(1, "srs", srs(9.8)), (2, "srs", srs(7.0))])
    add_client(clinician, "C-urgent", [(1, "srs", srs(9.8)), (1, "phq-9", phq9(2))])
    add_client(other, "D-elsewhere", [(1, "srs", srs(5.0))])
    page = signed_in(clinician).get("/").content.decode()
    order = [page.index(code) for code in ("C-urgent", "B-rupture", "A-calm")]
    assert order == sorted(order)
    assert "D-elsewhere" not in page
    assert "self harm risk" in page and "possible rupture" in page


def test_it_reads_the_caseload_in_a_fixed_number_of_queries(
    clinician: object, django_assert_num_queries: object
) -> None:
    browser = signed_in(clinician)
    add_client(clinician, "X-0", [(1, "srs", srs(8.0))])
    with django_assert_num_queries(9):  # type: ignore[operator]
        browser.get("/")  # session, user, membership, clients, signals, supervisees; the
        # session renewed (savepoint, update, release) so that it expires only after inactivity
    for n in range(1, 25):
        add_client(clinician, f"X-{n}", [(1, "srs", srs(8.0)), (2, "srs", srs(9.0))])
    with django_assert_num_queries(9):  # type: ignore[operator]
        response = browser.get("/")
    assert response.content.decode().count('href="/clients/') == 25


def test_it_shows_a_client_only_to_their_clinician(clinician: object, other: object) -> None:
    client = add_client(clinician, "A-17", [(1, "srs", srs(9.0)), (2, "srs", srs(7.5))])
    page = signed_in(clinician).get(f"/clients/{client.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "A-17" in text and "Possible rupture" in text and "36" in text
    assert signed_in(other).get(f"/clients/{client.pk}/").status_code == 404


def test_it_escapes_markup_in_a_client_code(clinician: object) -> None:
    add_client(clinician, "<b>x</b>", [(1, "srs", srs(9.0))])
    page = signed_in(clinician).get("/").content.decode()
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_it_draws_the_chart_from_a_spec_with_the_same_numbers_as_the_table(
    clinician: object,
) -> None:
    import json
    import re

    forms = [
        (1, "srs", srs(9.5)),
        (2, "srs", srs(9.5)),
        (3, "srs", srs(7.0)),
        (1, "phq-9", phq9(0)),
    ]
    client = add_client(clinician, "A-9", forms)
    page = signed_in(clinician).get(f"/clients/{client.pk}/").content.decode()
    raw = re.search(r'<script id="chart-spec" type="application/json">(.*?)</script>', page, re.S)
    assert raw is not None
    spec = json.loads(raw.group(1))
    srs_layer, cutoff, markers, recorded, steps = spec["vconcat"][0]["layer"]
    assert [v["total"] for v in srs_layer["data"]["values"]] == [38.0, 38.0, 28.0]
    assert cutoff["data"]["values"] == [{"cutoff": 36}]
    assert markers["data"]["values"] == [{"session": 3, "total": 28.0, "event": "drop (scores)"}]
    assert recorded["data"]["values"] == [] and steps["data"]["values"] == []
    symptoms = spec["vconcat"][1]["layer"]
    assert symptoms[0]["data"]["values"] == []  # no reference: no expected band
    assert symptoms[2]["data"]["values"] == [{"measure": "PHQ-9", "caseness": 10}]


def test_a_long_caseload_comes_a_page_at_a_time_most_pressing_first(
    clinician: object, django_assert_num_queries: object
) -> None:
    for n in range(104):
        add_client(clinician, f"Q-{n:03d}", [(1, "srs", srs(9.8))])
    add_client(clinician, "Z-harm", [(1, "phq-9", phq9(2))])
    browser = signed_in(clinician)
    with django_assert_num_queries(9):  # type: ignore[operator]
        first = browser.get("/").content.decode()
    assert first.count('href="/clients/') == 100 and "1\N{EN DASH}100 of 105 clients" in first
    assert first.index("Z-harm") < first.index("Q-000")  # urgent first, across pages
    second = browser.get("/?page=2").content.decode()
    assert second.count('href="/clients/') == 5 and "Q-103" in second and "Z-harm" not in second
    assert browser.get("/?page=99").content.decode().count('href="/clients/') == 5  # last page


def test_a_long_course_shows_the_latest_timeline_and_open_safety_signals(
    clinician: object,
) -> None:
    forms = [(n, "srs", srs(8.0)) for n in range(1, 31)] + [(2, "phq-9", phq9(1))]
    client = add_client(clinician, "L-30", forms)
    browser = signed_in(clinician)
    page = browser.get(f"/clients/{client.pk}/").content.decode()
    timeline = page[page.index("<h2>Timeline") :]
    shown = [int(n) for n in re.findall(r"<h3>Session (\d+) ", timeline)]
    assert shown == [2, *range(11, 31)]  # the unacted safety signal, then the latest 20
    assert "Show the whole timeline</a> (9 earlier sessions with events)" in timeline
    whole = browser.get(f"/clients/{client.pk}/?timeline=all").content.decode()
    whole_timeline = whole[whole.index("<h2>Timeline") :]
    assert [int(n) for n in re.findall(r"<h3>Session (\d+) ", whole_timeline)] == list(range(1, 31))


def test_starting_a_session_keeps_the_clients_flags_in_view(clinician: object) -> None:
    from alliance.care.services.sessions import start_session

    client = add_client(clinician, "K-1", [(1, "srs", srs(9.5)), (2, "srs", srs(7.0))])
    before = signed_in(clinician).get("/").content.decode()
    assert "possible rupture" in before
    start_session(client=client)  # session 3, no forms yet
    after = signed_in(clinician).get("/").content.decode()
    assert "possible rupture" in after and "alliance concern" in after


def test_the_latest_wai_sr_profile_guidance_shows_under_the_chart(clinician: object) -> None:
    def wai(task: int) -> object:
        keys = {"task": (1, 2, 10, 12), "bond": (3, 5, 7, 9), "goal": (4, 6, 8, 11)}
        return score("wai-sr", {str(i): (task if i in keys["task"] else 5) for i in range(1, 13)})

    client = add_client(clinician, "W-1", [(3, "wai-sr", wai(4)), (8, "wai-sr", wai(2))])
    page = signed_in(clinician).get(f"/clients/{client.pk}/").content.decode()
    guidance = page[page.index('class="guidance"') :].split("</p>")[0]
    assert "WAI-SR, session 8:" in guidance and "Task (mean 2" in guidance
    assert "approach irrelevant" in guidance
