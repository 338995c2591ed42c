"""Nothing clinical from the browser's cache: after the clinician hands the tablet over (the
kiosk) or signs out, pressing Back again and again never shows a chart, a client code or a
session page; every page comes back from the server, which answers with the kiosk or the
sign-in page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from .test_session_feedback_e2e import ARGS, CHROMIUM, client_pk, pytestmark, sign_in  # noqa: F401

TABLET = {"viewport": {"width": 768, "height": 1024}, "has_touch": True}
# As a phone or desktop browser keeps pages: the back/forward cache on, which restores a page
# from memory without asking the server unless the page said `no-store`.
BACK_FORWARD_CACHE = "--enable-features=BackForwardCache:TimeToLiveInBackForwardCacheInSeconds/600"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[*ARGS, BACK_FORWARD_CACHE],
            # Playwright turns the cache off by default, which would hide what this tests.
            ignore_default_args=["--disable-back-forward-cache"],
        )
        yield launched
        launched.close()


def back_through_history(page: Page, times: int) -> list[str]:
    """The text of every page Back reaches."""
    seen = []
    for _ in range(times):
        # "commit": a page restored from the back/forward cache fires no load event.
        page.go_back(wait_until="commit")
        page.wait_for_timeout(400)
        seen.append(page.locator("body").inner_text())
    return seen


def open_clinical_pages(page: Page, base: str, pk: int) -> None:
    sign_in(page, base)
    page.goto(f"{base}/clients/{pk}/")
    expect(page.locator("h1")).to_contain_text("C-21")
    page.click("text=Start a session")
    expect(page.locator("h1")).to_contain_text("C-21 · session 1")


def test_back_after_the_kiosk_shows_no_clinical_page(
    browser: Browser,
    live_server: Any,
    client_pk: int,  # noqa: F811
) -> None:
    tablet = browser.new_page(**TABLET)
    open_clinical_pages(tablet, live_server.url, client_pk)
    tablet.click("text=Hand this device to the client")
    expect(tablet.locator("h1")).to_have_text("After your session")
    seen = back_through_history(tablet, 5)
    assert len(seen) == 5
    for text in seen:  # loop checked: five pages, counted above
        assert "C-21" not in text and "clinician1" not in text
        assert "Caseload" not in text and "SRS" not in text.split("After your session")[0]


def test_back_after_signing_out_shows_no_clinical_page(
    browser: Browser,
    live_server: Any,
    client_pk: int,  # noqa: F811
) -> None:
    page = browser.new_page(**TABLET)
    open_clinical_pages(page, live_server.url, client_pk)
    page.click("button:has-text('Sign out')")
    expect(page.locator("input[name=username]")).to_be_visible()
    seen = back_through_history(page, 4)
    assert len(seen) == 4
    for text in seen:  # loop checked: four pages, counted above
        assert "C-21" not in text and "Start a session" not in text
