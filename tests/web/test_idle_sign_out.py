"""Idle means idle: the session page's background poll (every 2 s) does not renew the
inactivity clock, every other request does, and a poll that finds the session gone gets
JSON the page shows ("You were signed out after 30 minutes without activity"), not the
sign-in page.

Tests run with the settings `alliance.web.activity` needs (`idle_settings`, through the
`session` fixture); `test_the_sites_settings_let_only_activity_renew_a_session` checks that
settings.py has them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings as site_settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session as BrowserSession
from django.test import Client as Browser
from django.utils import timezone

from alliance.audit.models import AuditEvent
from alliance.care.models import Session
from alliance.care.services.links import create_form_link
from alliance.care.services.sessions import start_session

from ..cast import client_of, signed_in

pytestmark = pytest.mark.django_db

ACTIVITY = "alliance.web.activity.ActivityMiddleware"
AUTHENTICATION = "django.contrib.auth.middleware.AuthenticationMiddleware"
POLL = {"X-Alliance-Poll": "1"}
GOOD = {"srs-1": "9.5", "srs-2": "6.1", "srs-3": "9.0", "srs-4": "9.2"}


@pytest.fixture
def idle_settings(settings: Any) -> None:
    """The lines settings.py needs: no save at every request, the activity middleware after
    Django's authentication middleware; 30 minutes of inactivity."""
    settings.SESSION_SAVE_EVERY_REQUEST = False
    settings.SESSION_COOKIE_AGE = 30 * 60
    if ACTIVITY not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(middleware.index(AUTHENTICATION) + 1, ACTIVITY)
        settings.MIDDLEWARE = middleware


@pytest.fixture
def session(clinician: User, idle_settings: None) -> Session:
    # clinician1's client I-1 at session 1, with the SRS alone due.
    client = client_of(clinician, "I-1", plan={"every_session": ["srs"], "windows": []})
    return start_session(client=client, held_on=dt.date(2026, 3, 2))


def expiry_of(browser: Browser) -> dt.datetime:
    key = browser.cookies[site_settings.SESSION_COOKIE_NAME].value
    return BrowserSession.objects.get(pk=key).expire_date


def set_expiry(browser: Browser, when: dt.datetime) -> None:
    key = browser.cookies[site_settings.SESSION_COOKIE_NAME].value
    assert BrowserSession.objects.filter(pk=key).update(expire_date=when) == 1


def test_a_poll_does_not_renew_the_inactivity_clock_and_a_page_does(session: Session) -> None:
    browser = signed_in(session.episode.client.clinician)
    soon = (timezone.now() + dt.timedelta(seconds=60)).replace(microsecond=0)
    set_expiry(browser, soon)
    for _ in range(3):  # loop checked: a literal range of three polls
        poll = browser.get(f"/sessions/{session.pk}/status/", headers=POLL)
        assert poll.status_code == 200 and poll.json()["forms"] == []
    assert expiry_of(browser) == soon
    assert browser.get(f"/sessions/{session.pk}/").status_code == 200  # the clinician acts
    assert expiry_of(browser) > timezone.now() + dt.timedelta(minutes=29)


def test_a_poll_that_shows_the_clients_forms_is_audited_once_and_renews_nothing(
    session: Session,
) -> None:
    browser = signed_in(session.episode.client.clinician)
    _link, token = create_form_link(session=session, instruments=["srs"])
    assert Browser().post(f"/f/{token}/", GOOD).status_code == 200
    soon = (timezone.now() + dt.timedelta(seconds=60)).replace(microsecond=0)
    set_expiry(browser, soon)
    polls = [browser.get(f"/sessions/{session.pk}/status/", headers=POLL) for _ in range(2)]
    assert [len(poll.json()["forms"]) for poll in polls] == [1, 1]
    assert AuditEvent.objects.filter(detail="session feedback").count() == 1
    assert expiry_of(browser) == soon


def test_a_poll_after_the_session_ran_out_is_told_so_in_json(session: Session) -> None:
    browser = signed_in(session.episode.client.clinician)
    set_expiry(browser, timezone.now() - dt.timedelta(seconds=1))
    poll = browser.get(f"/sessions/{session.pk}/status/", headers=POLL)
    assert poll.status_code == 401 and poll["Content-Type"] == "application/json"
    assert poll.json() == {
        "signed_out": True,
        "message": "You were signed out after 30 minutes without activity",
        "sign_in": "/login/",
    }
    # The expired cookie is dropped; a browser that sends none is simply signed out.
    assert Browser().get(f"/sessions/{session.pk}/status/", headers=POLL).json()["message"] == (
        "You are signed out"
    )
    # Without the poll's mark (a person opening the address), the sign-in page as before.
    page = Browser().get(f"/sessions/{session.pk}/status/")
    assert page.status_code == 302 and page["Location"].startswith("/login/?next=")


def test_the_signed_out_message_says_the_limit_in_force(session: Session, settings: Any) -> None:
    settings.SESSION_COOKIE_AGE = 5
    browser = signed_in(session.episode.client.clinician)
    set_expiry(browser, timezone.now() - dt.timedelta(seconds=1))
    poll = browser.get(f"/sessions/{session.pk}/status/", headers=POLL)
    assert poll.json()["message"] == "You were signed out after 5 seconds without activity"


def test_a_session_left_to_poll_ends_and_its_pages_ask_to_sign_in(session: Session) -> None:
    browser = signed_in(session.episode.client.clinician)
    set_expiry(browser, timezone.now() - dt.timedelta(seconds=1))
    page = browser.get(f"/sessions/{session.pk}/")
    assert page.status_code == 302 and page["Location"] == f"/login/?next=/sessions/{session.pk}/"


def test_the_sites_settings_let_only_activity_renew_a_session() -> None:
    # settings.py itself: this test asks for neither `idle_settings` nor `session`.
    assert site_settings.SESSION_SAVE_EVERY_REQUEST is False
    middleware = list(site_settings.MIDDLEWARE)
    assert ACTIVITY in middleware
    assert middleware.index(ACTIVITY) > middleware.index(AUTHENTICATION)
