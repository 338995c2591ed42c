"""The discharge page (the outcome first, then the end date and the close) and the new
episode for a returning client: the client's clinician only, everyone else a 404; and the
client page's section of episodes, each closed one readable with its outcome."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.care.models import Client
from alliance.care.services.administrations import import_episode_forms
from alliance.care.services.episode_summary import episode_history
from alliance.care.services.episodes import begin_episode, close_episode
from alliance.measures import score

from ..care.test_episodes import gad7_total, phq9_total
from ..cast import client_of, phq9, signed_in, srs

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(clinician: User) -> Client:
    """D-1: PHQ-9 16 to 8 (recovered) and GAD-7 10 to 11 (unchanged) over four sessions."""
    forms = [(1, "phq-9", phq9_total(16)), (1, "gad-7", gad7_total(10)),
             (4, "phq-9", phq9_total(8)), (4, "gad-7", gad7_total(11))]  # fmt: skip
    return client_of(clinician, "D-1", forms + [(n, "srs", srs(9.5)) for n in range(1, 5)])


def test_the_discharge_page_shows_the_outcome_before_closing(
    course: Client, clinician: User
) -> None:
    page = signed_in(clinician).get(f"/clients/{course.pk}/discharge/").content.decode()
    phq = page[page.index('<th scope="row">PHQ-9</th>') :].split("</tr>")[0]
    assert '16 <span class="quiet">(S1)</span>' in phq
    assert '8 <span class="quiet">(S4)</span>' in phq
    assert '<td class="num" data-label="Change">-8</td>' in phq and "Recovered" in phq
    gad = page[page.index('<th scope="row">GAD-7</th>') :].split("</tr>")[0]
    assert '<td class="num" data-label="Change">+1</td>' in gad and "Unchanged" in gad
    assert "Reliable improvement yes" in page and "Reliable recovery no" in page
    assert 'name="ended_on"' in page and "Close the episode</button>" in page
    assert course.episodes.get().ended_on is None  # a page, not yet a change
    read = AuditEvent.objects.filter(action="read", detail="discharge summary").get()
    assert read.client_id_at_time == course.pk


def test_closing_from_the_page_ends_the_episode(course: Client, clinician: User) -> None:
    response = signed_in(clinician).post(f"/clients/{course.pk}/discharge/", {"ended_on": ""})
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{course.pk}/#episodes"
    assert course.episodes.get().ended_on == timezone.localdate()


def test_an_end_date_it_cannot_take_is_said_and_nothing_closed(
    course: Client, clinician: User
) -> None:
    browser = signed_in(clinician)
    for posted, said in (("31/03/2026", "Give the end date as a date, e.g. 2026-03-31."),
                         ("2026-03-01", "The end date must be between 30 Mar 2026 (the "
                          "episode&#x27;s last session) and today.")):  # fmt: skip
        response = browser.post(f"/clients/{course.pk}/discharge/", {"ended_on": posted})
        assert response.status_code == 400 and said in response.content.decode(), posted
    assert course.episodes.get().ended_on is None


def test_a_safety_answer_not_acted_on_holds_the_discharge(clinician: User) -> None:
    client = client_of(clinician, "D-2", [(1, "srs", srs(9.5)), (1, "phq-9", phq9(2))])
    browser = signed_in(clinician)
    page = browser.get(f"/clients/{client.pk}/discharge/").content.decode()
    assert "A safety answer at session 1 has no note of what was done." in page
    assert "Close the episode</button>" not in page
    response = browser.post(f"/clients/{client.pk}/discharge/", {"ended_on": ""})
    assert response.status_code == 400 and "record it on the" in response.content.decode()
    assert client.episodes.get().ended_on is None


def test_no_one_but_the_clients_clinician_reaches_the_discharge_or_a_new_episode(
    course: Client, colleague: User, supervisor: User, admin: User, outsider: User
) -> None:
    for someone in (colleague, supervisor, admin, outsider):
        browser = signed_in(someone)
        assert browser.get(f"/clients/{course.pk}/discharge/").status_code == 404
        assert browser.post(f"/clients/{course.pk}/discharge/").status_code == 404
        assert browser.post(f"/clients/{course.pk}/episodes/").status_code == 404
    assert course.episodes.get().ended_on is None and course.episodes.count() == 1


def test_a_closed_episode_has_no_discharge_page(course: Client, clinician: User) -> None:
    close_episode(client=course, user=clinician)
    response = signed_in(clinician).get(f"/clients/{course.pk}/discharge/", follow=False)
    assert response.status_code == 302 and response["Location"].endswith("#episodes")


def test_a_returning_client_gets_a_new_episode_from_the_page(
    course: Client, clinician: User
) -> None:
    browser = signed_in(clinician)
    refused = browser.post(f"/clients/{course.pk}/episodes/", {"symptom_instruments": "ors"})
    assert refused.status_code == 302 and course.episodes.count() == 1  # one is still open
    close_episode(client=course, user=clinician, ended_on=dt.date(2026, 4, 1))
    browser.post(f"/clients/{course.pk}/episodes/", {"symptom_instruments": "ors"})
    assert course.episodes.filter(ended_on__isnull=True).get().measure_plan.every_session == (
        "srs", "ors"
    )  # fmt: skip


def section(client: Client, can_edit: bool) -> str:
    context = {"client": client, "episodes": episode_history(client), "can_edit": can_edit}
    return render_to_string("clinic/episode_section.html", context)


def test_the_client_page_section_keeps_each_closed_episode_readable(
    course: Client, clinician: User
) -> None:
    open_one = section(course, can_edit=True)
    assert 'Episode 1 <span class="tag">open</span>' in open_one
    assert f'href="/clients/{course.pk}/discharge/"' in open_one
    assert "Start a new episode" not in open_one
    close_episode(client=course, user=clinician, ended_on=dt.date(2026, 4, 1))
    closed = section(course, can_edit=True)
    assert 'Episode 1 <span class="tag ended">closed</span>' in closed
    assert "ended 1 Apr 2026: 4 sessions" in closed and "Recovered" in closed
    assert "Start a new episode</button>" in closed
    # Read-only (a supervisor): the outcome, no forms.
    read_only = section(course, can_edit=False)
    assert "Recovered" in read_only and "<form" not in read_only


def test_the_client_page_judges_the_closed_episodes_only(course: Client, clinician: User) -> None:
    close_episode(client=course, user=clinician, ended_on=dt.date(2026, 4, 1))
    episode = begin_episode(client=course, user=clinician, symptom_instruments="phq-9+gad-7")
    import_episode_forms(episode=episode, forms=[
        (n, dt.date(2026, 4, 7 * n), "phq-9", score("phq-9", phq9_total(total)))
        for n, total in ((1, 14), (2, 6))
    ])  # fmt: skip
    page = signed_in(clinician).get(f"/clients/{course.pk}/").content.decode()
    assert "ended 1 Apr 2026: 4 sessions" in page and "Recovered" in page
    # The open episode's outcome waits for its discharge page: its forms are not read.
    history = episode_history(course, open_outcome=False)
    assert [(s.number, s.is_open, s.sessions) for s in history] == [(2, True, 2), (1, False, 4)]
    assert history[0].measures == [] and len(history[1].measures) == 2
    judged = episode_history(course)
    assert len(judged[0].measures) == 1 and judged[1] == history[1]
