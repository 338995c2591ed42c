"""Signing in again returns to a page that works: the page the member was on, or, when the
address kept as `next` takes only POST (a form sent on an expired session), the page of the
object it belongs to, else the caseload. Never a 405."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser

from alliance.care.models import Client, Session
from alliance.care.services.sessions import start_session

from ..cast import PASSWORD, client_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_record(clinician: User) -> Client:
    # clinician1's client R-1, with the SRS alone due.
    return client_of(clinician, "R-1", plan={"every_session": ["srs"], "windows": []})


def sign_in(browser: Browser, next_page: str) -> str:
    """Sign in as clinician1 through the sign-in page; where it sends the browser."""
    form = {"username": "clinician1", "password": PASSWORD, "next": next_page}
    answer = browser.post("/login/", form)
    assert answer.status_code == 302, answer.content.decode()[:300]
    return str(answer["Location"])


def test_a_form_sent_after_the_session_ended_returns_to_the_clients_page(
    client_record: Client,
) -> None:
    browser = Browser()  # the session has ended: nobody is signed in in this browser
    start = f"/clients/{client_record.pk}/sessions/"  # "Start a session": POST only
    refused = browser.post(start)
    assert refused["Location"] == f"/login/?next={start}"
    page = browser.get(refused["Location"]).content.decode()
    assert f'name="next" value="/clients/{client_record.pk}/"' in page
    back = sign_in(browser, start)
    assert back == f"/clients/{client_record.pk}/"
    assert browser.get(back).status_code == 200
    assert not Session.objects.exists()  # nothing was replayed


def test_it_returns_to_the_page_the_member_was_on(client_record: Client) -> None:
    session = start_session(client=client_record, held_on=dt.date(2026, 3, 2))
    browser = Browser()
    page = f"/sessions/{session.pk}/"
    assert browser.get(page)["Location"] == f"/login/?next={page}"
    assert sign_in(browser, page) == page
    assert browser.get(page).status_code == 200
    assert sign_in(Browser(), "/audit/mine/?page=2") == "/audit/mine/?page=2"


def test_a_post_only_address_with_no_page_above_it_returns_to_the_caseload(
    client_record: Client,
) -> None:
    assert sign_in(Browser(), "/links/7/revoke/") == "/"
    assert sign_in(Browser(), "/logout/") == "/"
    assert sign_in(Browser(), "/no/such/page/") == "/"
    assert sign_in(Browser(), "https://elsewhere.example/") == "/"  # Django's own check


def test_it_reads_which_of_the_sites_addresses_answer_get() -> None:
    # The reading of the views' decorators and classes, on addresses of each kind.
    from alliance.web.signin import answers_get, page_to_return_to

    assert [
        answers_get(path)
        for path in (
            "/",
            "/clients/5/",
            "/sessions/5/",
            "/login/",
            "/sessions/5/status/",
            "/f/some-token/",
        )
    ] == [True] * 6
    post_only = (
        "/clients/5/sessions/",
        "/links/5/revoke/",
        "/kiosk/unlock/",
        "/logout/",
        "/sessions/5/kiosk/",
        "/signals/5/acknowledge/",
        "/sessions/5/therapist-forms/",
    )
    assert [answers_get(path) for path in post_only] == [False] * len(post_only)
    assert page_to_return_to("/sessions/5/therapist-forms/") == "/sessions/5/"
    assert page_to_return_to("/sessions/5/kiosk/") == "/sessions/5/"
