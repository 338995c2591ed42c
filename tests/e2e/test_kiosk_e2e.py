"""End to end in Debian's chromium: the clinician hands a tablet to the client, who fills
the SRS on the locked kiosk screen; only the clinician's password brings the clinician's
pages back, with the feedback waiting."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, expect

from ..cast import PASSWORD
from .test_session_feedback_e2e import browser, client_pk, pytestmark, sign_in  # noqa: F401

TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True}


def test_the_kiosk_takes_the_forms_and_returns_only_with_the_password(
    browser: Browser,  # noqa: F811
    live_server: Any,
    client_pk: int,  # noqa: F811
) -> None:
    base = live_server.url
    tablet = browser.new_page(**TABLET)
    sign_in(tablet, base)
    tablet.goto(f"{base}/clients/{client_pk}/")
    tablet.click("text=Start a session")
    tablet.click("text=Hand this device to the client")
    expect(tablet.locator("h1")).to_have_text("After your session")
    # The page came by a redirect after a click: let its deferred scripts (the lines'
    # keyboard handlers) load before typing.
    tablet.wait_for_load_state("load")
    expect(tablet.locator("body")).not_to_contain_text("C-21")
    expect(tablet.locator("body")).not_to_contain_text("clinician1")
    sliders = tablet.locator(".vas")
    for index in range(4):
        sliders.nth(index).focus()
        tablet.keyboard.press("End")
        tablet.keyboard.press("ArrowLeft")  # 9.9 each
    tablet.click("button:has-text('Send')")
    expect(tablet.locator("h1")).to_have_text("Thank you")
    expect(tablet.locator("body")).to_contain_text("hand the device back")
    # The client tries the clinician's pages: the kiosk holds.
    tablet.goto(f"{base}/clients/{client_pk}/")
    expect(tablet.locator("h1")).to_have_text("Thank you")
    tablet.fill("input[name=password]", "not-the-password")
    tablet.click("button:has-text('Unlock')")
    expect(tablet.locator("[role=alert]")).to_contain_text("tries left")
    tablet.fill("input[name=password]", PASSWORD)
    tablet.click("button:has-text('Unlock')")
    expect(tablet.locator("h1")).to_contain_text("C-21 · session 1")
    expect(tablet.locator("#live .srs-number")).to_contain_text("SRS 39.6", timeout=10_000)
