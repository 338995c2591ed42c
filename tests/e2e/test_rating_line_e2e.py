"""End to end in Debian's chromium on a 360-pixel phone with a touch screen: a rating line
(SRS) is made for thumbs. A swipe up or down that starts on a line scrolls the page and
leaves no mark; a tap or a sideways slide sets one; "Clear" takes it away; the keys move it
as the hint says, and a screen reader hears the value and the line's name."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Locator, Page, expect

from alliance.care.services.links import create_form_link
from alliance.care.services.sessions import start_session

from ..cast import client_of
from .test_session_feedback_e2e import browser, pytestmark  # noqa: F401

PHONE = {"viewport": {"width": 360, "height": 800}, "has_touch": True, "is_mobile": True}
RELATIONSHIP = "Relationship: felt heard, understood and respected"


@pytest.fixture
def link_path(clinician: User) -> str:
    # clinician1's client R-3: a link to the SRS and the PHQ-9, a page taller than a phone.
    client = client_of(clinician, "R-3", plan={"every_session": ["srs", "phq-9"]})
    _link, token = create_form_link(session=start_session(client=client),
                                    instruments=["srs", "phq-9"])  # fmt: skip
    return f"/f/{token}/"


def open_on_phone(browser: Browser, url: str) -> Page:  # noqa: F811
    phone = browser.new_page(**PHONE)
    phone.goto(url)
    phone.wait_for_load_state("load")  # vas.js is deferred
    return phone


def centre(line: Locator, fraction: float = 0.5) -> tuple[float, float]:
    """A point on `line`'s track, `fraction` of the way from its left end."""
    track = line.locator(".vas-track").bounding_box()
    assert track is not None
    return track["x"] + track["width"] * fraction, track["y"] + track["height"] / 2


def bring_into_view(phone: Page, line: Locator) -> None:
    line.scroll_into_view_if_needed()
    # A thumb lands after the page has come to rest: a touch while it still moves is taken
    # for a finger stopping the scroll, not a tap on the line.
    phone.wait_for_timeout(300)


def swipe(phone: Page, path: list[tuple[float, float]]) -> None:
    """One finger down at the path's first point, along it, and up: real touch events."""
    touch = phone.context.new_cdp_session(phone)
    (x, y), rest = path[0], path[1:]
    touch.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]}
    )
    for x, y in rest:
        touch.send("Input.dispatchTouchEvent",
                   {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})  # fmt: skip
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    touch.detach()


def scroll_after_gesture(phone: Page) -> float:
    """Where the page rests once a scroll has ended (polled from here: the page's CSP
    forbids the evaluated predicates of `wait_for_function`)."""
    seen = [phone.evaluate("window.scrollY")]
    for _tick in range(60):
        phone.wait_for_timeout(100)
        seen.append(phone.evaluate("window.scrollY"))
        if len(seen) >= 3 and seen[-1] == seen[-3]:
            return float(seen[-1])
    raise AssertionError(f"the page kept moving: {seen}")


def line_values(phone: Page) -> list[str]:
    return phone.locator(".vas-item input").evaluate_all("inputs => inputs.map(i => i.value)")


def test_a_swipe_up_that_starts_on_a_line_scrolls_the_page_and_leaves_no_mark(
    browser: Browser,  # noqa: F811
    live_server: Any,
    link_path: str,
) -> None:
    phone = open_on_phone(browser, live_server.url + link_path)
    line = phone.locator(".vas").nth(1)
    bring_into_view(phone, line)
    x, y = centre(line, 0.3)
    before = phone.evaluate("window.scrollY")
    # A real touch scroll: the finger goes down on the line and moves 300 px up. (CDP's
    # synthesizeScrollGesture sends the touches here but scrolls nothing, even off the line.)
    swipe(phone, [(x, y - 15 * step) for step in range(21)])
    assert scroll_after_gesture(phone) > before + 150
    assert line_values(phone) == ["", "", "", ""]
    expect(line).to_have_attribute("aria-valuetext", "not set")
    expect(line).not_to_have_attribute("aria-valuenow", re.compile(".*"))
    expect(phone.locator(".vas-mark").nth(1)).to_be_hidden()


def test_a_tap_sets_a_mark_and_clear_takes_it_away(
    browser: Browser,  # noqa: F811
    live_server: Any,
    link_path: str,
) -> None:
    phone = open_on_phone(browser, live_server.url + link_path)
    line = phone.locator(".vas").first
    clear = phone.locator(".vas-clear").first
    expect(clear).to_be_hidden()  # nothing to clear yet
    phone.touchscreen.tap(*centre(line, 0.75))
    expect(line).to_have_attribute("aria-valuetext", re.compile(r"^7\.\d out of 10$"))
    assert float(line_values(phone)[0]) == pytest.approx(7.5, abs=0.15)
    expect(phone.locator(".vas-mark").first).to_be_visible()
    box = clear.bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb's target
    clear.tap()
    expect(line).to_have_attribute("aria-valuetext", "not set")
    expect(phone.locator(".vas-mark").first).to_be_hidden()
    expect(clear).to_be_hidden()
    expect(line).to_be_focused()  # the button went away: the focus is back on its line
    assert line_values(phone)[0] == ""


def test_a_sideways_slide_moves_the_mark_with_the_thumb(
    browser: Browser,  # noqa: F811
    live_server: Any,
    link_path: str,
) -> None:
    phone = open_on_phone(browser, live_server.url + link_path)
    line = phone.locator(".vas").nth(2)
    bring_into_view(phone, line)
    (x0, y), (x1, _) = centre(line, 0.2), centre(line, 0.6)
    before = phone.evaluate("window.scrollY")
    # A thumb a little unsteady: it wavers a pixel up and down as it slides to the right.
    swipe(phone, [(x0 + (x1 - x0) * step / 8, y + step % 2) for step in range(9)])
    expect(line).to_have_attribute("aria-valuenow", re.compile(r"^[56]\.\d$"))
    assert float(line_values(phone)[2]) == pytest.approx(6.0, abs=0.2)
    assert phone.evaluate("window.scrollY") == before  # a slide along the line is no scroll
    assert line_values(phone)[:2] + line_values(phone)[3:] == ["", "", ""]


def test_four_taps_fill_the_srs(
    browser: Browser,  # noqa: F811
    live_server: Any,
    link_path: str,
) -> None:
    phone = open_on_phone(browser, live_server.url + link_path)
    taps = 0
    for index, fraction in enumerate((0.9, 0.8, 0.95, 0.85)):
        line = phone.locator(".vas").nth(index)
        bring_into_view(phone, line)
        phone.touchscreen.tap(*centre(line, fraction))
        taps += 1
    values = [float(value) for value in line_values(phone)]
    assert taps == 4 and values == pytest.approx([9.0, 8.0, 9.5, 8.5], abs=0.15)


def test_the_keys_move_the_mark_and_a_screen_reader_hears_value_and_name(
    browser: Browser,  # noqa: F811
    live_server: Any,
    link_path: str,
) -> None:
    phone = open_on_phone(browser, live_server.url + link_path)
    line = phone.locator(".vas").first
    expect(line).to_have_attribute("aria-valuetext", "not set")  # before any mark
    expect(line).to_have_accessible_name(RELATIONSHIP)
    expect(phone.locator(".vas-hint").first).to_be_visible()
    expect(phone.locator(".vas-hint").first).to_contain_text("Page Up and Page Down by 1")
    line.focus()
    said = []
    for key in ("End", "ArrowLeft", "ArrowLeft", "ArrowLeft", "ArrowLeft", "ArrowLeft",
                "PageDown", "PageDown", "Home", "PageUp", "ArrowRight", "ArrowUp", "ArrowDown",
                "End", "PageUp", "ArrowRight"):  # fmt: skip
        phone.keyboard.press(key)
        said.append(line.get_attribute("aria-valuetext"))
    assert said == [
        "10.0 out of 10", "9.9 out of 10", "9.8 out of 10", "9.7 out of 10", "9.6 out of 10",
        "9.5 out of 10", "8.5 out of 10", "7.5 out of 10", "0.0 out of 10", "1.0 out of 10",
        "1.1 out of 10", "1.2 out of 10", "1.1 out of 10", "10.0 out of 10", "10.0 out of 10",
        "10.0 out of 10",
    ]  # fmt: skip
    expect(line).to_have_attribute("aria-valuenow", "10.0")
    phone.keyboard.press("Delete")
    expect(line).to_have_attribute("aria-valuetext", "not set")
    assert line.get_attribute("aria-valuenow") is None and line_values(phone)[0] == ""
