"""The session as clinicians run it: the outcome forms at the start, the SRS at the end, each
phase its own link or hand-over; one set of forms per session (a stored form is never offered
again, and a second one is refused); a link shown by a post that redirects."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser

from alliance.care.models import Administration, FormLink, Session
from alliance.care.services.administrations import SubmissionError
from alliance.care.services.due import outstanding_instruments
from alliance.care.services.links import create_form_link, submit_forms
from alliance.care.services.sessions import start_session

from ..cast import PASSWORD, client_of, phq9, signed_in, signed_in_with_password, srs

pytestmark = pytest.mark.django_db

PLAN = {"every_session": ["srs", "phq-9"], "windows": [], "start": ["phq-9"]}
GAD = {str(n): 1 for n in range(1, 8)}


@pytest.fixture
def session(clinician: User) -> Session:
    client = client_of(clinician, "P-1", plan=PLAN)
    return start_session(client=client, held_on=dt.date(2026, 3, 2))


def posted(instrument: str, answers: dict[str, Any]) -> dict[str, str]:
    return {f"{instrument}-{item}": str(value) for item, value in answers.items()}


def test_a_new_client_gives_the_outcome_forms_at_the_start_and_the_srs_at_the_end(
    clinician: User,
) -> None:
    browser = signed_in(clinician)
    browser.post("/", {"code": "N-1"})
    session = start_session(client=clinician.clients.get(code="N-1"))
    assert outstanding_instruments(session) == {"start": ["phq-9", "gad-7"], "end": ["srs"]}


def test_a_plan_may_still_give_everything_at_the_end(clinician: User) -> None:
    client = client_of(clinician, "E-1", plan={"every_session": ["srs", "phq-9"], "windows": []})
    session = start_session(client=client)
    assert outstanding_instruments(session) == {"start": [], "end": ["srs", "phq-9"]}
    page = signed_in(clinician).get(f"/sessions/{session.pk}/").content.decode()
    assert "At the start of the session" not in page and "At the end of the session" not in page
    assert page.count('name="phase" value="end"') == 2  # one link, one hand-over


def test_each_phase_has_its_own_link_and_a_stored_form_is_not_offered_again(
    session: Session, clinician: User
) -> None:
    browser = signed_in(clinician)
    page = browser.get(f"/sessions/{session.pk}/").content.decode()
    assert page.index("At the start of the session") < page.index("At the end of the session")
    browser.post(f"/sessions/{session.pk}/", {"phase": "start"})
    start = FormLink.objects.get()
    assert start.instruments == ["phq-9"]
    token = browser.get(f"/sessions/{session.pk}/").content.decode().split("/f/")[1].split("/")[0]
    assert Browser().post(f"/f/{token}/", posted("phq-9", phq9(0))).status_code == 200
    assert outstanding_instruments(session) == {"start": [], "end": ["srs"]}
    status = browser.get(f"/sessions/{session.pk}/status/").json()
    assert status["outstanding"] == {"start": [], "end": ["srs"]}
    assert status["open_links"] == []  # the used link leaves the page
    # A second link for the start finds nothing left there: it takes what is still due.
    browser.post(f"/sessions/{session.pk}/", {"phase": "start"})
    assert FormLink.objects.order_by("-pk").first().instruments == ["srs"]  # type: ignore[union-attr]
    page = browser.get(f"/sessions/{session.pk}/").content.decode()
    assert "PHQ-9 ✓ stored" in page


def test_nothing_is_offered_once_every_form_is_stored(session: Session, clinician: User) -> None:
    create_form_link(session=session, instruments=["phq-9", "srs"])
    token = create_form_link(session=session, instruments=["phq-9", "srs"])[1]
    submit_forms(token=token, forms={"phq-9": phq9(0), "srs": srs(9.0)})
    browser = signed_in(clinician)
    made = browser.post(f"/sessions/{session.pk}/", {"phase": "end"}, follow=True)
    assert "Every form of this session is stored" in made.content.decode()
    assert FormLink.objects.count() == 2
    refused = browser.post(f"/sessions/{session.pk}/kiosk/", {"phase": "end"}, follow=True)
    assert "nothing to hand over" in refused.content.decode()


def test_a_second_set_of_forms_for_the_session_is_refused(session: Session) -> None:
    _first, first = create_form_link(session=session, instruments=["srs"])
    _second, second = create_form_link(session=session, instruments=["srs"])
    submit_forms(token=first, forms={"srs": srs(9.0)})
    with pytest.raises(SubmissionError) as refused:
        submit_forms(token=second, forms={"srs": srs(4.0)})
    assert refused.value.code == "already_stored"
    assert "a correction is the way to change it" in refused.value.message
    page = Browser().post(f"/f/{second}/", posted("srs", srs(4.0)))
    assert page.status_code == 409
    assert "already received for this session" in page.content.decode()
    assert list(Administration.objects.values_list("total", flat=True)) == [36.0]


def test_the_kiosk_hands_over_only_the_phase_asked_for(session: Session) -> None:
    browser = signed_in_with_password(session.episode.client.clinician)
    browser.post(f"/sessions/{session.pk}/kiosk/", {"phase": "start"})
    page = browser.get("/kiosk/").content.decode()
    assert 'name="phq-9-1"' in page and 'name="srs-1"' not in page
    assert browser.post("/kiosk/", posted("phq-9", phq9(0))).status_code == 302
    browser.post("/kiosk/unlock/", {"password": PASSWORD})
    browser.post(f"/sessions/{session.pk}/kiosk/", {"phase": "end"})
    page = browser.get("/kiosk/").content.decode()
    assert 'name="srs-1"' in page and 'name="phq-9-1"' not in page


def test_the_plan_page_sets_which_forms_come_at_the_start(
    session: Session, clinician: User
) -> None:
    client = session.episode.client
    browser = signed_in(clinician)
    form = {"every_session": ["srs", "phq-9", "gad-7"], "wai_windows": "3-4", "start": ["gad-7"]}
    browser.post(f"/clients/{client.pk}/plan/", form)
    session.episode.refresh_from_db()
    assert session.episode.measure_plan.start == ("gad-7",)
    # An outcome measure dropped from every session drops out of the start too.
    form = {"every_session": ["srs", "phq-9"], "wai_windows": "3-4", "start": ["gad-7"]}
    browser.post(f"/clients/{client.pk}/plan/", form)
    session.episode.refresh_from_db()
    assert session.episode.measure_plan.start == ()
    assert GAD  # the GAD-7 answers stay unused here: the plan no longer gives it


def test_a_discharged_client_starts_no_session_and_is_told_why(clinician: User) -> None:
    from alliance.care.services.episodes import close_episode

    client = client_of(clinician, "D-1", plan=PLAN)
    close_episode(client=client, user=clinician)
    answer = signed_in(clinician).post(f"/clients/{client.pk}/sessions/", follow=True)
    assert answer.status_code == 200
    assert not Session.objects.filter(episode__client=client).exists()
    assert answer.redirect_chain[-1][0] == f"/clients/{client.pk}/#episodes"
    assert "start a new episode to see them again" in answer.content.decode()
