"""End to end in Debian's chromium: a clinician starts a session, the client fills the SRS
through the link on a phone-sized screen (by pointer and by keyboard), and the clinician's
page shows the score and the alert without a reload."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect, sync_playwright

from ..cast import PASSWORD, client_of

# Playwright's sync API runs an event loop in this thread; the test itself touches the
# database only before the browser starts.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
PHONE = {"viewport": {"width": 360, "height": 780}, "has_touch": True, "is_mobile": True}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def client_pk(clinician: User) -> int:
    # clinician1's client C-21, with the SRS alone due.
    return client_of(clinician, "C-21", plan={"every_session": ["srs"]}).pk


def sign_in(page: Page, base: str) -> None:
    # As clinician1, through the sign-in page.
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "clinician1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def clinician_starts_session(browser: Browser, base: str, client_pk: int) -> tuple[Page, str]:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    sign_in(page, base)
    page.goto(f"{base}/clients/{client_pk}/")
    page.click("text=Start a session")
    page.click("text=Create a link for the client")
    link = page.locator("a.client-link").inner_text()
    expect(page.locator("#live .waiting")).to_be_visible()
    return page, link


def set_by_pointer(phone: Page, index: int, fraction: float) -> None:
    phone.locator(".vas").nth(index).scroll_into_view_if_needed()
    track = phone.locator(".vas-track").nth(index).bounding_box()
    assert track is not None
    phone.mouse.click(track["x"] + track["width"] * fraction, track["y"] + 2)


def test_it_takes_the_srs_by_pointer_and_shows_the_clinician_the_alert(
    browser: Browser, live_server: Any, client_pk: int
) -> None:
    clinician, link = clinician_starts_session(browser, live_server.url, client_pk)
    phone = browser.new_page(**PHONE)
    phone.goto(link)
    expect(phone.locator(".vas-mark").first).to_be_hidden()  # no preset mark
    for index, fraction in enumerate((0.95, 0.55, 0.9, 0.9)):
        set_by_pointer(phone, index, fraction)
    # Dragging moves the mark along the line.
    phone.locator(".vas").nth(1).scroll_into_view_if_needed()
    box = phone.locator(".vas-track").nth(1).bounding_box()
    assert box is not None
    phone.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + 2)
    phone.mouse.down()
    phone.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 2, steps=4)
    phone.mouse.up()
    values = [float(v) for v in phone.locator(".vas-item input").evaluate_all(
        "inputs => inputs.map(i => i.value)")]  # fmt: skip
    assert values[1] == pytest.approx(6.0, abs=0.2) and all(0 <= v <= 10 for v in values)
    phone.click("button[type=submit]")
    expect(phone.locator("h1")).to_have_text("Thank you")
    # The clinician's page, never reloaded, now shows the score and the alert.
    expect(clinician.locator("#live .srs-number")).to_contain_text("SRS", timeout=10_000)
    expect(clinician.locator("#live")).to_contain_text("Alliance concern")
    expect(clinician.locator("#live")).to_contain_text("Lowest: Goals and topics")


def test_it_takes_the_srs_by_keyboard(browser: Browser, live_server: Any, client_pk: int) -> None:
    clinician, link = clinician_starts_session(browser, live_server.url, client_pk)
    phone = browser.new_page(**PHONE)
    phone.goto(link)
    sliders = phone.locator(".vas")
    for index in range(4):
        sliders.nth(index).focus()
        phone.keyboard.press("End")  # 10.0
        for _ in range(3 if index == 0 else 1):
            phone.keyboard.press("ArrowLeft")  # -0.1 each
    assert sliders.nth(0).get_attribute("aria-valuenow") == "9.7"
    assert sliders.nth(3).get_attribute("aria-valuenow") == "9.9"
    phone.click("button[type=submit]")
    expect(phone.locator("h1")).to_have_text("Thank you")
    expect(clinician.locator("#live .srs-number")).to_contain_text("SRS 39.4", timeout=10_000)
    expect(clinician.locator("#live")).not_to_contain_text("Alliance concern")


def test_it_will_not_send_until_every_line_is_marked(
    browser: Browser, live_server: Any, client_pk: int
) -> None:
    _clinician, link = clinician_starts_session(browser, live_server.url, client_pk)
    phone = browser.new_page(**PHONE)
    phone.goto(link)
    set_by_pointer(phone, 0, 0.5)
    phone.click("button[type=submit]")
    expect(phone.locator(".unset-message")).to_be_visible()
    expect(phone.locator("h1")).to_have_text("Your questionnaire for your therapist")
