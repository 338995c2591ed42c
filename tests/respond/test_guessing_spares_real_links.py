"""The link-guessing limit cannot be turned against clients: someone guessing from a clinic's
shared address (its Wi-Fi) is told to wait, while every client there still opens and sends
their own forms link and sees their progress page. Only unknown tokens count as guesses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser

from alliance.care.models import Administration, FormLink
from alliance.care.services.links import create_form_link, revoke_link
from alliance.care.services.sessions import start_session
from alliance.progress.sharing import create_progress_link, set_sharing
from alliance.web.guesses import GUESS_LIMIT

from ..cast import client_of, srs

pytestmark = pytest.mark.django_db

# The clinic's Wi-Fi: the guesser and the clients all come from this one address.
CLINIC_WIFI = "198.51.100.20"
GOOD = {"srs-1": "9.5", "srs-2": "6.1", "srs-3": "9.0", "srs-4": "9.2"}


@pytest.fixture
def link_and_token(clinician: User) -> tuple[FormLink, str]:
    # clinician1's client W-1 at session 1, with a link for the SRS.
    client = client_of(clinician, "W-1", plan={"every_session": ["srs"], "windows": []})
    session = start_session(client=client, held_on=dt.date(2026, 3, 2))
    return create_form_link(session=session, instruments=["srs"])


def guess_until_refused(browser: Browser, prefix: str, limit: int) -> list[int]:
    """The answers to `limit` made-up tokens and one more."""
    return [browser.get(f"{prefix}made-up-{n}/").status_code for n in range(limit + 1)]


def test_a_clients_link_opens_and_takes_the_forms_while_someone_guesses_from_their_wifi(
    link_and_token: tuple[FormLink, str],
) -> None:
    link, token = link_and_token
    guesser = Browser(REMOTE_ADDR=CLINIC_WIFI)
    assert guess_until_refused(guesser, "/f/", GUESS_LIMIT) == [404] * GUESS_LIMIT + [429]
    phone = Browser(REMOTE_ADDR=CLINIC_WIFI)
    page = phone.get(f"/f/{token}/")
    assert page.status_code == 200 and 'role="slider"' in page.content.decode()
    thanks = phone.post(f"/f/{token}/", GOOD)
    assert thanks.status_code == 200 and "Thank you" in thanks.content.decode()
    assert Administration.objects.get().session_id == link.session_id
    # The used link says so (its own page, not the guessing one); guessing stays refused.
    again = phone.get(f"/f/{token}/")
    assert again.status_code == 410 and "already been sent" in again.content.decode()
    assert guesser.get("/f/made-up-once-more/").status_code == 429


def test_a_withdrawn_link_opened_again_and_again_is_not_counted_as_guessing(
    link_and_token: tuple[FormLink, str],
) -> None:
    link, token = link_and_token
    revoke_link(link=link)
    phone = Browser(REMOTE_ADDR=CLINIC_WIFI)
    answers = {phone.get(f"/f/{token}/").status_code for _ in range(GUESS_LIMIT + 5)}
    assert answers == {410}
    # None of those was a guess: an unknown token from the address is still just unknown.
    assert phone.get("/f/made-up/").status_code == 404


def test_a_progress_page_opens_while_someone_guesses_progress_links_from_the_wifi(
    clinician: User,
) -> None:
    # clinician1's client W-2, who filled the SRS at session 1 and has progress shared.
    client = client_of(clinician, "W-2", [(1, "srs", srs(8.0))])
    set_sharing(client=client, enabled=True, by=clinician)
    _link, token = create_progress_link(client=client, by=clinician)
    guesser = Browser(REMOTE_ADDR=CLINIC_WIFI)
    answers = guess_until_refused(guesser, "/p/", GUESS_LIMIT)
    assert answers == [404] * GUESS_LIMIT + [429]
    page = Browser(REMOTE_ADDR=CLINIC_WIFI).get(f"/p/{token}/")
    assert page.status_code == 200 and "Too many links" not in page.content.decode()
    assert guesser.get("/p/made-up-once-more/").status_code == 429
