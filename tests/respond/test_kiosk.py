"""Kiosk: the client fills the forms on the clinician's device, which shows nothing but the
forms and returns to the clinician only with the clinician's password."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser

from alliance.care.models import Administration, Session
from alliance.care.services.sessions import start_session

from ..cast import PASSWORD, client_of, signed_in_with_password

pytestmark = pytest.mark.django_db

GOOD = {"srs-1": "9.5", "srs-2": "6.1", "srs-3": "9.0", "srs-4": "9.2"}


@pytest.fixture
def session(clinician: User) -> Session:
    # clinician1's client K-42 at session 1, with the SRS alone due.
    client = client_of(clinician, "K-42", plan={"every_session": ["srs"], "windows": []})
    return start_session(client=client, held_on=dt.date(2026, 3, 2))


def kiosk_for(session: Session) -> Browser:
    browser = signed_in_with_password(session.episode.client.clinician)
    response = browser.post(f"/sessions/{session.pk}/kiosk/")
    assert response.status_code == 302 and response["Location"] == "/kiosk/"
    return browser


def test_the_kiosk_shows_only_the_forms_and_locks_every_other_page(session: Session) -> None:
    browser = kiosk_for(session)
    page = browser.get("/kiosk/").content.decode()
    assert 'role="slider"' in page and "Therapist: unlock this device" in page
    assert "K-42" not in page and "clinician1" not in page and "Sign out" not in page
    client_id = session.episode.client_id
    for path in ("/", f"/clients/{client_id}/", f"/sessions/{session.pk}/",
                 f"/sessions/{session.pk}/status/", "/login/", "/no-such-page/"):  # fmt: skip
        response = browser.get(path)
        assert (response.status_code, response["Location"]) == (302, "/kiosk/"), path
    assert browser.post("/logout/")["Location"] == "/kiosk/"
    assert browser.post(f"/clients/{client_id}/sessions/")["Location"] == "/kiosk/"
    assert Session.objects.count() == 1


def test_the_client_submits_once_and_is_thanked(session: Session) -> None:
    browser = kiosk_for(session)
    incomplete = browser.post("/kiosk/", {"srs-1": "9.5"})
    assert incomplete.status_code == 400 and "Nothing was sent yet" in incomplete.content.decode()
    assert not Administration.objects.exists()
    sent = browser.post("/kiosk/", GOOD)
    assert (sent.status_code, sent["Location"]) == (302, "/kiosk/")
    thanks = browser.get("/kiosk/").content.decode()
    assert "hand the device back" in thanks and 'role="slider"' not in thanks
    again = browser.post("/kiosk/", GOOD)  # a double tap or a reload of the post
    assert again.status_code == 200 and "hand the device back" in again.content.decode()
    stored = Administration.objects.get()
    assert (stored.instrument, stored.total, stored.session_id) == ("srs", 33.8, session.pk)


def test_only_the_clinicians_password_unlocks(session: Session) -> None:
    browser = kiosk_for(session)
    wrong = browser.post("/kiosk/unlock/", {"password": "guess"})
    assert wrong.status_code == 403 and "3 tries left" in wrong.content.decode()
    assert browser.get("/")["Location"] == "/kiosk/"
    right = browser.post("/kiosk/unlock/", {"password": PASSWORD})
    assert right["Location"] == f"/sessions/{session.pk}/"
    assert browser.get("/").status_code == 200  # the caseload again


def test_repeated_wrong_passwords_sign_the_clinician_out(session: Session) -> None:
    browser = kiosk_for(session)
    said = [browser.post("/kiosk/unlock/", {"password": "guess"}) for _ in range(3)]
    assert [answer.status_code for answer in said] == [403, 403, 403]
    # Counted down in plain words, the last one in the singular.
    assert "(2 tries left)" in said[1].content.decode()
    assert "(1 try left)" in said[2].content.decode()
    last = browser.post("/kiosk/unlock/", {"password": "guess"})
    assert last["Location"] == "/login/"
    assert browser.get("/")["Location"].startswith("/login/")
    assert browser.get("/kiosk/")["Location"].startswith("/login/")


def test_another_clinician_cannot_open_a_kiosk_for_the_session(
    session: Session, colleague: User
) -> None:
    browser = signed_in_with_password(colleague)
    assert browser.post(f"/sessions/{session.pk}/kiosk/").status_code == 404
    assert browser.get("/kiosk/")["Location"] == "/"  # no kiosk open: back to the caseload


def test_handing_back_before_the_client_sends_closes_the_link(session: Session) -> None:
    from alliance.care.models import FormLink

    browser = kiosk_for(session)
    assert browser.post("/kiosk/unlock/", {"password": PASSWORD}).status_code == 302
    link = FormLink.objects.get()
    assert link.revoked_at is not None and link.used_at is None
    assert browser.get("/kiosk/")["Location"] == "/"  # no kiosk any more
    assert not Administration.objects.exists()
