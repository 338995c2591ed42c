"""End to end in Debian's chromium: the clinician turns sharing on and makes a progress link
on the client page; the client opens it on a phone, where the page fits the screen, and
prints it black on white without the hint about printing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect

from alliance.care.models import Client

from ..cast import client_of
from ..e2e.test_session_feedback_e2e import browser, pytestmark, sign_in  # noqa: F401
from .conftest import FORMS

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


def test_the_client_opens_the_link_the_clinician_made_and_can_print_it(
    browser: Browser,  # noqa: F811
    live_server: Any,
    clinician: User,
) -> None:
    client: Client = client_of(clinician, "P-7", FORMS)
    base = live_server.url
    desk = browser.new_page(viewport={"width": 1100, "height": 900})
    sign_in(desk, base)
    desk.goto(f"{base}/clients/{client.pk}/")
    desk.click("text=Share progress with the client")
    expect(desk.locator("#progress")).to_contain_text("On.")
    desk.click("text=Create a progress link")
    expect(desk.locator("#progress .qr svg")).to_be_visible()
    link = desk.locator("a.progress-link").inner_text()
    assert link.startswith(f"{base}/p/")

    phone = browser.new_page(**PHONE)
    phone.goto(link)
    expect(phone.locator("h1")).to_have_text("Your progress")
    expect(phone.locator(".progress-summary").first).to_have_text(
        "How the session felt to you: 38 of 40 on 23 March 2026, up from 34 at the start."
    )
    expect(phone.locator("svg.progress-chart")).to_have_count(4)
    expect(phone.locator("body")).not_to_contain_text("P-7")
    expect(phone.locator("body")).not_to_contain_text("clinician1")
    fits = phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits is True

    phone.emulate_media(media="print")
    expect(phone.locator(".progress-print-hint")).to_be_hidden()
    colours = phone.evaluate(
        """() => ({
            text: getComputedStyle(document.body).color,
            background: getComputedStyle(document.body).backgroundColor,
            line: getComputedStyle(document.querySelector('.progress-line')).stroke,
        })"""
    )
    assert colours == {"text": "rgb(0, 0, 0)", "background": "rgb(255, 255, 255)",
                       "line": "rgb(0, 0, 0)"}  # fmt: skip
