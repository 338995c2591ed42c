"""The client page stays light on a long course: as many queries at 40 sessions as at 4 (and
with every kind of record growing along the course), the table's values formatted once (as
the template filters printed them), and the page's many forms pointing at the right
addresses without reversing a URL a row."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.care.models import HeldSelfHarmAnswer, Session, SignalRecord
from alliance.care.services.acknowledgements import acknowledge_signal
from alliance.care.services.administrations import import_episode_forms
from alliance.care.services.episodes import begin_episode, close_episode
from alliance.care.services.ruptures import record_outcome, record_repair_step, record_rupture
from alliance.clinic.client_cards import PkUrl
from alliance.measures import score

from ..cast import DAY, client_of, phq9, signed_in, srs

pytestmark = pytest.mark.django_db


def queries_for(clinician: User, code: str, sessions: int) -> int:
    # Every session a drop or a return, an alliance concern, a PHQ-9: signals at each one.
    forms = [(n, "srs", srs(7.0 if n % 2 else 9.6)) for n in range(1, sessions + 1)]
    forms += [(n, "phq-9", phq9(1 if n == 2 else 0)) for n in range(1, sessions + 1)]
    client = client_of(clinician, code, forms)
    record_rupture(episode=client.episodes.get(), session_number=3, rupture_type="withdrawal",
                   noticed_via="scores", user=clinician)  # fmt: skip
    browser = signed_in(clinician)
    browser.get(f"/clients/{client.pk}/")  # the session's first page loads what it caches
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(f"/clients/{client.pk}/").status_code == 200
    return len(queries)


def test_a_long_course_costs_no_more_queries_than_a_short_one(clinician: User) -> None:
    short = queries_for(clinician, "Q-4", 4)
    long = queries_for(clinician, "Q-40", 40)
    assert SignalRecord.objects.filter(episode__client__code="Q-40").count() > 40
    assert long == short


def a_course_of(clinician: User, code: str, sessions: int) -> int:
    """A client of `sessions` sessions after a closed first course, with every record the
    page reads growing along the course: SRS, PHQ-9, GAD-7 and WAI-SR forms, a self-harm
    answer early on (its safety signal outside the timeline's latest sessions) and held
    answers, a rupture every 5 sessions with its steps and outcome, a note on every other
    warning. Returns the client's pk."""
    first = client_of(clinician, code, [(1, "srs", srs(9.5)), (1, "phq-9", phq9(0))])
    close_episode(client=first, user=clinician)
    episode = begin_episode(client=first, user=clinician, symptom_instruments="phq-9+gad-7")
    wai = {str(n): 4 for n in range(1, 13)}
    forms = [(n, "srs", srs(7.0 if n % 2 else 9.6)) for n in range(1, sessions + 1)]
    forms += [(n, "phq-9", phq9(2 if n == 2 else 0)) for n in range(1, sessions + 1)]
    forms += [(n, "gad-7", {str(i): n % 3 for i in range(1, 8)}) for n in range(1, sessions + 1)]
    forms += [(n, "wai-sr", wai) for n in range(3, sessions + 1, 5)]
    scored = [(n, DAY + dt.timedelta(weeks=n), name, score(name, answers))
              for n, name, answers in forms]  # fmt: skip
    import_episode_forms(episode=episode, forms=scored)
    for number in range(3, sessions + 1, 5):
        session = Session.objects.get(episode=episode, number=number)
        HeldSelfHarmAnswer.objects.create(session=session, instrument="phq-9", item="9",
                                          value=1, via="link")  # fmt: skip
        rupture = record_rupture(episode=episode, session_number=number, user=clinician,
                                 rupture_type="withdrawal", noticed_via="scores")  # fmt: skip
        record_repair_step(rupture=rupture, step="noticed", session_number=number, note="seen",
                           user=clinician)  # fmt: skip
        record_outcome(rupture=rupture, outcome="partly", session_number=number, user=clinician)
    warnings = SignalRecord.objects.in_force().filter(episode=episode, severity="warning")
    for signal in list(warnings)[::2]:
        acknowledge_signal(signal=signal, action="discussed", note="talked", user=clinician)
    return first.pk


def test_no_record_of_a_long_course_adds_a_query(clinician: User) -> None:
    browser = signed_in(clinician)
    counts = []
    for code, sessions in (("G-8", 8), ("G-48", 48)):
        pk = a_course_of(clinician, code, sessions)
        browser.get(f"/clients/{pk}/")  # the session's first page loads what it caches
        for address in (f"/clients/{pk}/", f"/clients/{pk}/?timeline=all"):
            with CaptureQueriesContext(connection) as queries:
                page = browser.get(address)
            assert page.status_code == 200
            counts.append(len(queries))
    long_course = SignalRecord.objects.in_force().filter(episode__client__code="G-48")
    assert long_course.count() > 100 and long_course.filter(severity="urgent").exists()
    assert "earlier sessions with events" in browser.get(f"/clients/{pk}/").content.decode()
    short_page, short_whole, long_page, long_whole = counts
    assert long_page == short_page and long_whole == short_whole


def test_the_table_shows_each_total_as_the_date_and_number_filters_did(clinician: User) -> None:
    forms = [(1, "srs", srs(9.5)), (1, "phq-9", phq9(0)),
             (2, "srs", {"1": 8.6, "2": 8.7, "3": 8.6, "4": 8.6}),
             (3, "phq-9", phq9(1))]  # fmt: skip
    client = client_of(clinician, "T-1", forms)
    page = signed_in(clinician).get(f"/clients/{client.pk}/").content.decode()
    table = page[page.index('<table class="chart">') : page.index("</table>")]
    row = r"<tr><td class=\"num\">(\d+)</td><td class=\"date\">([^<]+)</td>(.*?)</tr>"
    rows = re.findall(row, table)
    cells = [(n, date, re.findall(r'<td class="num">([^<]+)</td>', rest)) for n, date, rest in rows]
    # Session n is held n weeks after 2 March 2026; columns: SRS, PHQ-9.
    assert cells == [
        ("1", "9 Mar", ["38", "8"]),
        ("2", "16 Mar", ["34.5", "\N{EN DASH}"]),
        ("3", "23 Mar", ["\N{EN DASH}", "9"]),
    ]


def test_the_pages_forms_post_to_their_own_objects(clinician: User) -> None:
    lines = [9.5, 9.5, 7.0, 9.6]
    client = client_of(clinician, "F-1", [(n, "srs", srs(v)) for n, v in enumerate(lines, 1)])
    rupture = record_rupture(
        episode=client.episodes.get(), session_number=3, rupture_type="withdrawal",
        noticed_via="scores", user=clinician,
    )  # fmt: skip
    page = signed_in(clinician).get(f"/clients/{client.pk}/").content.decode()
    # The signals still to act on (recording the rupture settled the drop's) have forms.
    signals = (
        SignalRecord.objects.with_acknowledgement()
        .filter(episode__client=client, acknowledged=False)
        .exclude(severity="info")
    )
    assert signals.count() >= 2
    actions = set(re.findall(r'<form method="post" action="([^"]+)"', page))
    assert {reverse("signal-acknowledge", args=[s.pk]) for s in signals} <= actions
    assert reverse("repair-step", args=[rupture.pk]) in actions
    assert reverse("rupture-outcome", args=[rupture.pk]) in actions
    # Each form carries the page's one CSRF token.
    assert page.count('name="csrfmiddlewaretoken"') == len(re.findall(r"<form ", page))


def test_a_url_reversed_once_names_any_object() -> None:
    url = PkUrl.of("repair-step")
    assert f"{url.head}7{url.tail}" == reverse("repair-step", args=[7])
    assert f"{url.head}987654321{url.tail}" == reverse("repair-step", args=[987654321])
