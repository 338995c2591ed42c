"""End to end in Debian's chromium: a session page left open signs out after the inactivity
limit (its poll every 2 s does not count as activity), says so with a sign-in link, and that
link leads back to the session page."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, expect

from ..cast import PASSWORD
from .test_session_feedback_e2e import browser, client_pk, pytestmark, sign_in  # noqa: F401


def test_an_unattended_session_page_signs_out_and_its_link_leads_back_to_it(
    browser: Browser,  # noqa: F811
    live_server: Any,
    client_pk: int,  # noqa: F811
    settings: Any,
) -> None:
    # Five seconds without activity, and only activity renews a session (as settings.py
    # has it, with alliance.web.activity).
    settings.SESSION_COOKIE_AGE = 5
    settings.SESSION_SAVE_EVERY_REQUEST = False
    base = live_server.url
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    sign_in(page, base)
    page.goto(f"{base}/clients/{client_pk}/")
    page.click("text=Start a session")
    expect(page.locator("h1")).to_contain_text("C-21 · session 1")
    session_page = page.url
    expect(page.locator("#live .waiting")).to_be_visible()
    # Left alone: within a few polls after the limit, the page says what happened.
    notice = page.locator(".signed-out[role=alert]")
    expect(notice).to_contain_text(
        "You were signed out after 5 seconds without activity", timeout=15_000
    )
    expect(page.locator("#live")).to_be_hidden()  # nothing of the client left on screen
    page.click("text=sign in again")
    page.fill("input[name=username]", "clinician1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("C-21 · session 1")
    assert page.url == session_page
