"""Episodes end and begin: a discharge closes the open episode with its outcome (the
Jacobson-Truax category and change per measure), no session starts on a closed episode, and a
returning client's new episode numbers its sessions from 1, with the caseload following."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.care.models import Client, Episode, Session
from alliance.care.services.acknowledgements import acknowledge_signal
from alliance.care.services.administrations import record_administration
from alliance.care.services.clients import current_episode
from alliance.care.services.episode_summary import episode_history, summarize_episode
from alliance.care.services.episodes import EpisodeError, begin_episode, close_episode
from alliance.care.services.links import create_form_link
from alliance.care.services.sessions import SessionError, start_session
from alliance.measures.urgent import UrgentAnswer
from alliance.safety.services import hold_urgent_answers

from ..cast import client_of, phq9, srs

pytestmark = pytest.mark.django_db


def phq9_total(total: int) -> dict[str, int]:
    """PHQ-9 answers adding up to `total` (8 to 24), item 9 (self-harm) at 0."""
    each, extra = divmod(total, 8)
    return {str(n): each + (1 if n <= extra else 0) for n in range(1, 9)} | {"9": 0}


def gad7_total(total: int) -> dict[str, int]:
    each, extra = divmod(total, 7)
    return {str(n): each + (1 if n <= extra else 0) for n in range(1, 8)}


@pytest.fixture
def course(clinician: User) -> Client:
    """E-1: PHQ-9 16 to 8 (recovered), GAD-7 10 to 11 (unchanged), the SRS every session,
    sessions 1 to 4 (held weekly from 9 March 2026)."""
    forms = [(1, "phq-9", phq9_total(16)), (1, "gad-7", gad7_total(10)),
             (4, "phq-9", phq9_total(8)), (4, "gad-7", gad7_total(11))]  # fmt: skip
    forms += [(n, "srs", srs(9.5)) for n in range(1, 5)]
    return client_of(clinician, "E-1", forms)


def test_closing_an_episode_ends_it_and_keeps_its_outcome(course: Client, clinician: User) -> None:
    episode = close_episode(client=course, user=clinician)
    assert episode.ended_on == timezone.localdate()
    summary = summarize_episode(Episode.objects.get(pk=episode.pk))
    assert not summary.is_open and summary.sessions == 4
    changes = {m.label: (m.first, m.last, m.change, m.category) for m in summary.measures}
    assert changes == {"PHQ-9": ("16", "8", "-8", "recovered"),
                       "GAD-7": ("10", "11", "+1", "unchanged")}  # fmt: skip
    assert dict(summary.joint) == {"Reliable recovery": False, "Recovery": False,
                                   "Reliable improvement": True,
                                   "Reliable deterioration": False}  # fmt: skip
    entry = AuditEvent.objects.filter(object_type="episode", action="update").get()
    assert (entry.fields, entry.detail, entry.client_id_at_time) == (
        ["ended_on"],
        "discharge",
        course.pk,
    )


def test_no_session_starts_on_a_closed_episode(course: Client, clinician: User) -> None:
    close_episode(client=course, user=clinician)
    with pytest.raises(SessionError) as refused:
        start_session(client=course)
    assert refused.value.code == "episode_closed"
    assert "start a new episode" in refused.value.message
    assert Session.objects.filter(episode__client=course).count() == 4


def test_a_closed_episode_is_not_closed_twice(course: Client, clinician: User) -> None:
    close_episode(client=course, user=clinician, ended_on=dt.date(2026, 4, 1))
    with pytest.raises(EpisodeError) as refused:
        close_episode(client=course, user=clinician)
    assert refused.value.code == "no_open_episode"
    assert course.episodes.get().ended_on == dt.date(2026, 4, 1)


def test_a_returning_client_starts_a_new_episode_numbered_from_one(
    course: Client, clinician: User
) -> None:
    first = close_episode(client=course, user=clinician)
    assert current_episode(course) == first  # the chart shows the closed course until then
    episode = begin_episode(client=course, user=clinician, symptom_instruments="ors")
    assert current_episode(course) == episode
    assert episode.pk != first.pk and episode.ended_on is None
    assert episode.measure_plan.every_session == ("srs", "ors")
    session = start_session(client=course)
    assert (session.episode_id, session.number) == (episode.pk, 1)
    assert start_session(client=course).number == 2
    history = episode_history(course)
    assert [(s.number, s.is_open, s.sessions) for s in history] == [(2, True, 2), (1, False, 4)]
    assert [m.category for m in history[1].measures] == ["recovered", "unchanged"]
    created = AuditEvent.objects.filter(object_type="episode", action="create",
                                        client_id_at_time=course.pk)  # fmt: skip
    assert list(created.values_list("object_id", flat=True)) == [str(episode.pk)]


def test_a_new_episode_waits_for_the_open_one_to_close(course: Client, clinician: User) -> None:
    with pytest.raises(EpisodeError) as refused:
        begin_episode(client=course, user=clinician)
    assert refused.value.code == "episode_open"
    assert course.episodes.count() == 1


def test_a_new_episode_takes_only_the_measures_offered(course: Client, clinician: User) -> None:
    close_episode(client=course, user=clinician)
    with pytest.raises(EpisodeError) as refused:
        begin_episode(client=course, user=clinician, symptom_instruments="beck")
    assert refused.value.code == "bad_symptom_instruments"
    assert course.episodes.count() == 1


def test_only_the_clients_clinician_opens_or_closes_an_episode(
    course: Client, colleague: User, supervisor: User
) -> None:
    for someone in (colleague, supervisor):
        with pytest.raises(EpisodeError) as refused:
            close_episode(client=course, user=someone)
        assert refused.value.code == "not_yours"
    assert course.episodes.get().ended_on is None


def test_the_end_date_lies_between_the_last_session_and_today(
    course: Client, clinician: User
) -> None:
    last_session = Session.objects.get(episode__client=course, number=4).held_on
    for wrong in (timezone.localdate() + dt.timedelta(days=1),
                  last_session - dt.timedelta(days=1)):  # fmt: skip
        with pytest.raises(EpisodeError) as refused:
            close_episode(client=course, user=clinician, ended_on=wrong)
        assert refused.value.code == "bad_end_date"
    assert course.episodes.get().ended_on is None
    assert close_episode(client=course, user=clinician, ended_on=last_session).ended_on == (
        last_session
    )


def test_closing_waits_until_a_safety_answer_is_acted_on(clinician: User) -> None:
    client = client_of(clinician, "E-2", [(1, "srs", srs(9.5)), (1, "phq-9", phq9(1))])
    with pytest.raises(EpisodeError) as refused:
        close_episode(client=client, user=clinician)
    assert refused.value.code == "safety_not_acted_on"
    assert "session 1" in refused.value.message
    signal = client.episodes.get().signals.get(kind="self_harm_risk")
    acknowledge_signal(signal=signal, action="safety", note="risk assessed", user=clinician)
    assert close_episode(client=client, user=clinician).ended_on is not None


def test_closing_waits_until_a_held_self_harm_answer_is_acted_on(clinician: User) -> None:
    client = client_of(clinician, "E-3", [(1, "srs", srs(9.5))])
    session = start_session(client=client)
    hold_urgent_answers(session=session, found=[UrgentAnswer("phq-9", "self_harm_risk", "9", 2)],
                        via="link")  # fmt: skip
    with pytest.raises(EpisodeError) as refused:
        close_episode(client=client, user=clinician)
    assert refused.value.code == "safety_not_acted_on" and "session 2" in refused.value.message


def test_closing_withdraws_the_links_not_yet_used(course: Client, clinician: User) -> None:
    session = Session.objects.get(episode__client=course, number=4)
    link, _token = create_form_link(session=session, instruments=["srs"])
    close_episode(client=course, user=clinician)
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_the_caseload_follows_the_current_episode(clinician: User) -> None:
    client = client_of(clinician, "E-4", [(1, "srs", srs(9.8)), (2, "srs", srs(7.0))])
    client.refresh_from_db()
    assert (client.attention, client.headline_kind, client.last_session) == (
        1, "alliance_concern", 2
    )  # fmt: skip
    close_episode(client=client, user=clinician)
    client.refresh_from_db()
    # An ended course's warnings are not today's; the columns keep its last session.
    assert (client.attention, client.headline_kind) == (2, "")
    assert (client.last_session, client.latest_srs) == (2, 28.0)
    assert client.episode_ended_on == timezone.localdate()
    begin_episode(client=client, user=clinician)
    client.refresh_from_db()
    assert (client.last_session, client.latest_srs, client.episode_ended_on) == (None, None, None)
    session = start_session(client=client)
    record_administration(session=session, instrument="srs", answers=srs(9.0))
    client.refresh_from_db()
    assert (client.last_session, client.latest_srs, client.latest_outcomes) == (1, 36.0, [])


def test_a_measure_given_once_is_named_and_not_judged(clinician: User) -> None:
    forms = [(1, "srs", srs(9.5)), (1, "phq-9", phq9(0)), (2, "phq-9", phq9(0)),
             (2, "gad-7", gad7_total(9))]  # fmt: skip
    client = client_of(clinician, "E-5", forms)
    summary = summarize_episode(client.episodes.get())
    assert [(m.label, m.category, m.change) for m in summary.measures] == [
        ("PHQ-9", "unchanged", "0")
    ]
    assert summary.single == ["GAD-7"] and summary.joint == []
