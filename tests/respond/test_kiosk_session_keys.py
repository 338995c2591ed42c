"""The kiosk and the session key: a new key when the kiosk opens and again when the clinician
unlocks it, so a session cookie copied from the device while the client holds it opens
nothing afterwards; and the session table holds no token of the kiosk's link."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session as BrowserSession
from django.test import Client as Browser

from alliance.care.models import Administration, FormLink, Session
from alliance.care.services.links import token_hash
from alliance.care.services.sessions import start_session

from ..cast import PASSWORD, client_of, signed_in_with_password

pytestmark = pytest.mark.django_db

GOOD = {"srs-1": "9.5", "srs-2": "6.1", "srs-3": "9.0", "srs-4": "9.2"}


@pytest.fixture
def session(clinician: User) -> Session:
    # clinician1's client K-7 at session 1, with the SRS alone due.
    client = client_of(clinician, "K-7", plan={"every_session": ["srs"], "windows": []})
    return start_session(client=client, held_on=dt.date(2026, 3, 2))


def session_cookie(browser: Browser) -> str:
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


def browser_with_cookie(value: str) -> Browser:
    """Another device, sending a copied session cookie."""
    other = Browser()
    other.cookies[settings.SESSION_COOKIE_NAME] = value
    return other


def test_a_cookie_copied_while_the_kiosk_is_open_reaches_nothing_after_the_unlock(
    session: Session,
) -> None:
    device = signed_in_with_password(session.episode.client.clinician)
    assert device.post(f"/sessions/{session.pk}/kiosk/")["Location"] == "/kiosk/"
    copied = session_cookie(device)
    # While the kiosk is open, the copy is as locked as the device.
    assert browser_with_cookie(copied).get("/")["Location"] == "/kiosk/"
    unlocked = device.post("/kiosk/unlock/", {"password": PASSWORD})
    assert unlocked["Location"] == f"/sessions/{session.pk}/"
    assert session_cookie(device) != copied
    assert device.get("/").status_code == 200  # the clinician's caseload, on the device
    thief = browser_with_cookie(copied)
    assert thief.get("/")["Location"].startswith("/login/")
    assert thief.get(f"/sessions/{session.pk}/")["Location"].startswith("/login/")
    assert thief.get("/kiosk/")["Location"].startswith("/login/")  # the kiosk is closed too


def test_the_cookie_from_before_the_kiosk_opened_reaches_nothing(session: Session) -> None:
    device = signed_in_with_password(session.episode.client.clinician)
    before = session_cookie(device)
    device.post(f"/sessions/{session.pk}/kiosk/")
    assert session_cookie(device) != before
    assert browser_with_cookie(before).get("/")["Location"].startswith("/login/")
    assert device.get("/")["Location"] == "/kiosk/"  # the device itself stays locked


def strings_in(value: Any) -> list[str]:
    """Every string anywhere in decoded session data (keys and values)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in strings_in(key) + strings_in(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in strings_in(item)]
    return []


def test_the_session_table_holds_no_token_that_opens_the_kiosks_forms(session: Session) -> None:
    device = signed_in_with_password(session.episode.client.clinician)
    device.post(f"/sessions/{session.pk}/kiosk/")
    link = FormLink.objects.get()
    rows = [row.get_decoded() for row in BrowserSession.objects.all()]
    stored = [text for data in rows for text in strings_in(data)]
    assert any(data.get("kiosk") for data in rows)  # the kiosk's state is there
    assert stored and all(token_hash(text) != link.token_hash for text in stored)
    # The kiosk finds its link all the same: the forms are stored through it.
    assert device.post("/kiosk/", GOOD)["Location"] == "/kiosk/"
    assert Administration.objects.get().session_id == session.pk
    link.refresh_from_db()
    assert link.used_at is not None
