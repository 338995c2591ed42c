"""A returning client's page: the chart and table show the current course of treatment (its
sessions numbered from 1 again), the closed course stays readable with its outcome, and no
session starts on a closed course."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from alliance.care.models import Client, HeldSelfHarmAnswer, Session
from alliance.care.services.chart import client_chart
from alliance.care.services.clients import current_episode
from alliance.care.services.episode_summary import current_of, episode_history
from alliance.care.services.episodes import begin_episode, close_episode
from alliance.care.services.links import create_form_link, submit_forms
from alliance.care.services.sessions import start_session

from ..cast import client_of, signed_in, srs


def test_the_chart_shows_the_current_course_and_the_page_both(clinician: User) -> None:
    first = [(n, "srs", srs(9.0)) for n in (1, 2, 3)]
    client = client_of(clinician, "RC-1", first, started_on=dt.date(2026, 1, 5))
    close_episode(client=client, user=clinician)
    page = signed_in(clinician).get(f"/clients/{client.pk}/").content.decode()
    assert "Start a session" not in page and 'id="episodes"' in page
    begin_episode(client=client, user=clinician)
    session = start_session(client=client)
    assert session.number == 1
    _link, token = create_form_link(session=session, instruments=["srs"])
    submit_forms(token=token, forms={"srs": srs(7.5)})
    chart = client_chart(client)
    assert [(row.session_number, row.totals.get("srs")) for row in chart.rows] == [(1, 30.0)]
    page = signed_in(clinician).get(f"/clients/{client.pk}/").content.decode()
    assert "Episode 1" in page and "Episode 2" in page and "Start a session" in page


def test_a_held_answer_of_an_earlier_course_still_raises_its_banner(clinician: User) -> None:
    client = client_of(clinician, "RC-3", [(1, "srs", srs(9.0))], started_on=dt.date(2026, 1, 5))
    close_episode(client=client, user=clinician)
    begin_episode(client=client, user=clinician)
    start_session(client=client)  # session 1 again, of the new course
    browser = signed_in(clinician)
    banner = "a self-harm answer (More than half the days) at session 1"
    assert banner not in browser.get(f"/clients/{client.pk}/").content.decode()
    earlier = Session.objects.get(episode__client=client, episode__ended_on__isnull=False)
    HeldSelfHarmAnswer.objects.create(session=earlier, instrument="phq-9", item="9", value=2,
                                      via="link")  # fmt: skip
    page = browser.get(f"/clients/{client.pk}/").content.decode()
    assert banner in page
    # The current course's chart marks its own sessions only.
    assert [(row.session_number, row.self_harm) for row in client_chart(client).rows] == [
        (1, False)
    ]


def test_the_page_takes_the_current_course_from_the_episodes_it_lists(clinician: User) -> None:
    client = client_of(clinician, "RC-4", [(1, "srs", srs(9.0))], started_on=dt.date(2026, 1, 5))
    stages = []

    def compare() -> None:
        history = episode_history(client, open_outcome=False)
        stages.append(current_episode(client))
        assert current_of(history) == stages[-1]

    compare()  # one open course
    close_episode(client=client, user=clinician, ended_on=dt.date(2026, 1, 20))
    compare()  # the closed one, until a new one begins
    begin_episode(client=client, user=clinician)
    compare()  # the new, open one
    close_episode(client=client, user=clinician)
    compare()  # the latest of two closed
    assert len(set(stages)) == 2 and None not in stages
    nobody = Client.objects.create(organization=client.organization, clinician=clinician,
                                   code="RC-5")  # fmt: skip
    assert current_of(episode_history(nobody)) is None is current_episode(nobody)
